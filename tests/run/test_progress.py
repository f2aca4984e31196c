import logging

import pytest

from summarize.config import SourceConfig
from summarize.run.progress import Progress
from summarize.source.readers import count_inputs


def test_non_tty_progress_logs_rate_and_eta(caplog: pytest.LogCaptureFixture) -> None:
    progress = Progress(every_s=0.0, total=10)
    with caplog.at_level(logging.INFO, logger="summarize"):
        progress.update(4, 1)
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith("progress: 4/10 articles (1 failed)")
    assert "articles/s" in line
    assert "ETA" in line


def test_input_counts_for_the_eta(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in.jsonl").write_text('{"id": 1}\n{"id": 2}\n', "utf-8")
    assert count_inputs(SourceConfig(kind="jsonl", path=str(tmp_path / "in.jsonl"))) == 2
    assert count_inputs(SourceConfig(kind="jsonl", path=str(tmp_path / "in.jsonl"), limit=1)) == 1
    assert count_inputs(SourceConfig()) == 1  # the sample article
