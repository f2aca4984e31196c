"""Smoke size of the streaming-memory benchmark (the real sizes are 1,000 vs 10,000 articles)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("translation", "small", "large"),
    [
        pytest.param(True, 4, 12, id="with-translation"),
        pytest.param(False, 8, 24, id="summaries-only"),
        pytest.param(True, 20, 60, id="with-translation-60", marks=pytest.mark.slow),
    ],
)
def test_streaming_memory_benchmark_smoke(
    tmp_path: Path, dev_data: Path, translation: bool, small: int, large: int
) -> None:
    out = tmp_path / "rss.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "summarize.tools.bench.streaming",
            "--small",
            str(small),
            "--large",
            str(large),
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
    assert report["small"]["articles"] == small
    assert report["large"]["articles"] == large
    # Every summary translated into both languages when translation is on, none otherwise.
    assert report["small"]["translated"] == (small if translation else 0)
    assert report["large"]["translated"] == (large if translation else 0)
    assert report["small"]["peak_rss_mib"] > 0
    assert report["large"]["peak_rss_mib_at_most"] >= report["small"]["peak_rss_mib"]
