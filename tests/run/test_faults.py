"""Faults: a read-only or full disk, a poisoned article, too many failures, missing config."""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from omegaconf import DictConfig

from summarize.run.build import build_job

REPO = Path(__file__).resolve().parents[2]


def summarize(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarize", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (needs root and mount; CI runs as root)."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)],
            capture_output=True,
        ).returncode
        != 0
    ):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_read_only_output_is_a_clear_error(small_disk: Path, tmp_path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = summarize("summarizer=extractive", f"output.root={small_disk}/runs", cwd=tmp_path)
    assert result.returncode == 2
    (error,) = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert "Read-only file system" in error
    assert "output.root" in error


def test_full_disk_fails_clearly_and_marks_nothing_finished(
    small_disk: Path, tmp_path: Path, dev_data: Path
) -> None:
    result = summarize(
        "source=jsonl",
        f"source.path={dev_data / 'cnndm_frank_dev.jsonl'}",
        "summarizer=extractive",
        f"output.root={small_disk}",
        "runtime.window_articles=5",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "No space left on device" in result.stderr
    version = small_disk / "summarize" / "v0001"
    assert not (version / "manifest.json").exists()
    assert not (small_disk / "summarize" / "latest").exists()


def test_a_poisoned_article_fails_alone(
    make_config: Callable[..., DictConfig],
    tiny_models: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = make_config(
        "summarizer=custom",
        f"summarizer.name_or_path={tiny_models['bart']}",
        "generation.summary.max_new_tokens=4",
        "source.language_check=off",
        "evaluation.langid=false",
    )
    job = build_job(cfg)
    generator = job.summariser.generator  # type: ignore[union-attr]
    real = generator.generate

    def generate(texts, **kwargs):  # type: ignore[no-untyped-def]
        if any("POISON" in t for t in texts):
            raise RuntimeError("injected failure")
        return real(texts, **kwargs)

    monkeypatch.setattr(generator, "generate", generate)
    from summarize.records import Article

    window = [
        Article(
            id=str(i),
            text=f"Article {i} is fine. It has words." if i != 2 else "POISON pill. Nothing else.",
            lang="en",
            origin=f"x:{i}",
        )
        for i in range(4)
    ]
    records = job.process(window)
    assert [r["id"] for r in records] == ["0", "1", "2", "3"]
    assert [r["error"]["code"] if r["error"] else None for r in records] == [
        None,
        None,
        "generation_failed",
        None,
    ]
    assert "injected failure" in records[2]["error"]["message"]
    assert all(r["summary"] is not None for r in records if r["error"] is None)


def test_over_the_failure_ratio_exits_3_and_keeps_latest(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "Fine text. Two sentences."}\n{"id": "b", "text": ""}\n{"id": "c", "text": ""}\n',
        "utf-8",
    )
    result = summarize(
        "source=jsonl",
        f"source.path={source}",
        "summarizer=extractive",
        f"output.root={tmp_path}",
        cwd=tmp_path,
    )
    assert result.returncode == 3
    assert "2 of 3 records failed" in result.stderr
    version = tmp_path / "summarize" / "v0001"
    manifest = json.loads((version / "manifest.json").read_text("utf-8"))
    assert manifest["failure_ratio_exceeded"] is True
    assert not (tmp_path / "summarize" / "latest").exists()  # not promoted
    ok = summarize(
        "source=jsonl",
        f"source.path={source}",
        "summarizer=extractive",
        f"output.root={tmp_path}",
        "run.max_failure_ratio=0.9",
        cwd=tmp_path,
    )
    assert ok.returncode == 0


def test_missing_config_value_fails_before_reading(tmp_path: Path) -> None:
    result = summarize("summarizer=custom", f"output.root={tmp_path}", cwd=tmp_path)
    assert result.returncode == 2
    assert "summarizer.name_or_path" in result.stderr
    assert not list(tmp_path.glob("**/v0001"))
