"""Smoke size of the streaming-memory benchmark (the real sizes are 1,000 vs 10,000 articles)."""

import json
import subprocess
import sys
from pathlib import Path


def test_streaming_memory_benchmark_smoke(tmp_path: Path, shared_data: Path) -> None:
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
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = json.loads(out.read_text("utf-8"))
    assert report["small"]["articles"] == 20
    assert report["large"]["articles"] == 60
    assert report["small"]["peak_rss_mib"] > 0
    assert report["large"]["peak_rss_mib_at_most"] >= report["small"]["peak_rss_mib"]
