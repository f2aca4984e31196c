"""Crash and resume: kill -9 at random points, resume, compare with an uninterrupted run."""

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarize.store.layout import truncate_partial_tail

REPO = Path(__file__).resolve().parents[2]


def corpus(dev_data: Path, folder: Path, n: int) -> Path:
    lines = (dev_data / "cnndm_frank_dev.jsonl").read_text("utf-8").splitlines()[:n]
    path = folder / "in.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": json.loads(x)["id"], "text": json.loads(x)["text"][:1500]}) + "\n"
            for x in lines
        ),
        "utf-8",
    )
    return path


def command(source: Path, root: Path, tiny_models: dict[str, Path], *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "summarize", "source=jsonl", f"source.path={source}", f"output.root={root}",
        "summarizer=custom", f"summarizer.name_or_path={tiny_models['bart']}",
        "+lang=fa", "translator=custom", f"translator.name_or_path={tiny_models['m2m100']}",
        "generation.summary.max_new_tokens=8", "generation.translation.max_new_tokens=6",
        # One article per window: batches hold the same inputs however the run was cut, so
        # outputs are bit-identical (padding in a different batch could flip a random model's argmax).
        "runtime.window_articles=1", "run.incremental=false", "export.report=false", "source.language_check=off",
        *extra,
    ]  # fmt: skip


def contents(version: Path) -> dict[str, tuple]:
    records = [
        json.loads(line) for line in (version / "records.jsonl").read_text("utf-8").splitlines()
    ]
    return {
        r["id"]: (r["summary"], json.dumps(r["translations"], sort_keys=True), r["chunks"]["spans"])
        for r in records
    }


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_truncate_partial_tail(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    assert truncate_partial_tail(path) == len(b'{"c": ')
    assert path.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    assert truncate_partial_tail(path) == 0


@pytest.mark.slow  # a soak: kills at random moments; tests/run/test_crash.py kills at each point
def test_kill_9_at_random_points_then_resume_equals_an_uninterrupted_run(
    tmp_path: Path, tiny_models: dict[str, Path], dev_data: Path
) -> None:
    source = corpus(dev_data, tmp_path, 24)
    reference_root, crash_root = tmp_path / "reference", tmp_path / "crash"
    done = subprocess.run(
        command(source, reference_root, tiny_models), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    expected = contents(Path(done.stdout.strip().splitlines()[-1]))
    assert len(expected) == 24

    records = crash_root / "summarize" / "v0001" / "records.jsonl"
    rng = random.Random(7)
    kills = 0
    for attempt in range(4):
        extra = ["run.resume=latest"] if attempt else []
        process = subprocess.Popen(
            command(source, crash_root, tiny_models, *extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        target = line_count(records) + rng.randint(1, 5)
        deadline = time.monotonic() + 120
        while (
            process.poll() is None and line_count(records) < target and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        time.sleep(rng.random() * 0.2)  # land somewhere inside the next window, not on a boundary
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
    assert kills >= 2
    assert not (records.parent / "manifest.json").exists() or line_count(records) == 24
    if not (records.parent / "manifest.json").exists():  # the last attempt may have finished it
        final = subprocess.run(
            command(source, crash_root, tiny_models, "run.resume=latest"),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert final.returncode == 0, final.stderr
    lines = records.read_text("utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)) == 24  # none lost, none duplicated, no partial line
    assert contents(records.parent) == expected
    assert json.loads((records.parent / "manifest.json").read_text("utf-8"))["counts"]["read"] == 24
