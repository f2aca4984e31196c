"""Smoke size of the streaming-memory benchmark (the real sizes are 1,000 vs 10,000 articles)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("translation", [True, False], ids=["with-translation", "summaries-only"])
def test_streaming_memory_benchmark_smoke(
    tmp_path: Path, dev_data: Path, translation: bool
) -> None:
    out = tmp_path / "rss.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "summarize.tools.bench.streaming",
            "--small",
            "20",
            "--large",
            "60",
            "--data",
            str(dev_data),
            "--out",
            str(out),
            *([] if translation else ["--no-translation"]),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = json.loads(out.read_text("utf-8"))
    assert report["translation"] is translation
    assert report["small"]["articles"] == 20
    assert report["large"]["articles"] == 60
    # Every summary translated into both languages when translation is on, none otherwise.
    assert report["small"]["translated"] == (20 if translation else 0)
    assert report["large"]["translated"] == (60 if translation else 0)
    assert report["small"]["peak_rss_mib"] > 0
    assert report["large"]["peak_rss_mib_at_most"] >= report["small"]["peak_rss_mib"]
