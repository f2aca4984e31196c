"""Crashes at exact points (the SUMMARIZE_FAULTS hook), signals, a full disk in the export: every
record once, derived files whole, the version completed by resume or finish."""

import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from summarize.run.local import run
from summarize.store.faults import ENV, FaultInjected

GOOD = "The council met on Tuesday. Members agreed to fund two schools. The vote was close."
COUNT, FAILING = 10, 3


def corpus(folder: Path) -> Path:
    path = folder / "in.jsonl"
    rows = [
        {"id": f"a{i}", "text": "" if i % 3 == 1 else f"Article {i}. {GOOD}"} for i in range(COUNT)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


OPTIONS = (
    "source=jsonl",
    "summarizer=extractive",
    "runtime.window_articles=3",
    "run.max_failure_ratio=1.0",
    "source.language_check=off",
    "evaluation.langid=false",
)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def assert_complete(version: Path) -> None:
    """Every record once, errors.jsonl whole, no leftovers, finished and linked as latest."""
    ids = [r["id"] for r in lines(version / "records.jsonl")]
    assert len(ids) == len(set(ids)) == COUNT
    errors = [e["id"] for e in lines(version / "errors.jsonl")]
    assert len(errors) == len(set(errors)) == FAILING
    assert list(version.glob(".*.tmp")) == []
    assert json.loads((version / "manifest.json").read_text())["counts"]["read"] == COUNT
    assert os.readlink(version.parent / "latest") == version.name


@pytest.mark.parametrize("point", ["window@2", "errors", "metrics", "manifest", "latest"])
def test_a_crash_at_each_point_then_resume_gives_every_record_once(
    point: str,
    make_config: Callable[..., DictConfig],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = corpus(tmp_path)
    monkeypatch.setenv(ENV, f"{point}=crash")
    with pytest.raises(FaultInjected):
        run(make_config(*OPTIONS, f"source.path={source}"))
    monkeypatch.delenv(ENV)
    version = tmp_path / "outputs" / "summarize" / "v0001"
    assert (version / "manifest.json").is_file() == (point == "latest")
    assert not (version.parent / "latest").exists()
    resumed = run(make_config(*OPTIONS, f"source.path={source}", "run.resume=latest"))
    assert resumed.path == version
    assert_complete(version)
    reference = run(make_config(*OPTIONS, f"source.path={source}", "run.incremental=false"))
    assert [(r["id"], r["summary"]) for r in lines(version / "records.jsonl")] == [
        (r["id"], r["summary"]) for r in lines(reference.path / "records.jsonl")
    ]


def test_a_leftover_errors_temp_is_never_appended_to(
    make_config: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = corpus(tmp_path)
    monkeypatch.setenv(ENV, "metrics=crash")
    with pytest.raises(FaultInjected):
        run(make_config(*OPTIONS, f"source.path={source}"))
    monkeypatch.delenv(ENV)
    version = tmp_path / "outputs" / "summarize" / "v0001"
    (version / ".errors.jsonl.tmp").write_text('{"id": "stale"}\n' * 50)
    run(make_config(*OPTIONS, f"source.path={source}", "run.resume=latest"))
    assert_complete(version)


def summarize(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarize", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_a_kill_inside_the_hf_export_is_finished_by_resume(tmp_path: Path) -> None:
    source, root = corpus(tmp_path), tmp_path / "out"
    args = (*OPTIONS, f"source.path={source}", f"output.root={root}", "export.hf=true")
    killed = summarize(*args, "export.report=false", env={ENV: "export=kill"})
    assert killed.returncode == -9
    version = root / "summarize" / "v0001"
    assert len(list(version.glob(".hf-*.tmp"))) == 1  # a whole dataset copy, left by the kill
    assert not (version / "manifest.json").exists()
    resumed = summarize(*args, "run.resume=latest")
    assert resumed.returncode == 0, resumed.stderr
    assert_complete(version)
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["derived"] == {"report": "report.html", "hf": "hf"}
    assert (version / "hf" / "export.json").is_file()


def test_a_full_disk_in_the_export_leaves_a_version_that_finish_completes(
    make_config: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = corpus(tmp_path)
    monkeypatch.setenv(ENV, "export=enospc")
    with pytest.raises(RuntimeError, match=r"export.hf failed .*No space left on device"):
        run(make_config(*OPTIONS, f"source.path={source}", "export.hf=true"))
    monkeypatch.delenv(ENV)
    version = tmp_path / "outputs" / "summarize" / "v0001"
    assert not (version / "manifest.json").exists()  # nothing marked finished: exit 2 is honest
    assert not (version.parent / "latest").exists()
    finished = run(make_config("run.finish=latest"))  # no input read, no model loaded
    assert finished.path == version
    assert_complete(version)
    assert json.loads((version / "manifest.json").read_text())["derived"]["hf"] == "hf"


@pytest.mark.parametrize(("signal_name", "code"), [("term", 143), ("int", 130)])
def test_a_signal_stops_after_the_window_and_says_how_to_resume(
    signal_name: str, code: int, tmp_path: Path
) -> None:
    source, root = corpus(tmp_path), tmp_path / "out"
    args = (*OPTIONS, f"source.path={source}", f"output.root={root}")
    stopped = summarize(*args, env={ENV: f"window@2={signal_name}"})
    assert stopped.returncode == code
    assert "Traceback" not in stopped.stderr
    (line,) = [x for x in stopped.stderr.splitlines() if "ERROR" in x]
    version = root / "summarize" / "v0001"
    assert f"{version} holds 6 records (6 written now)" in line
    command = line.split("resume with: ", 1)[1]
    assert command.endswith("run.resume=v0001")
    assert not (root / "summarize" / ".lock").exists()  # released
    assert len(lines(version / "records.jsonl")) == 6  # both windows flushed, nothing more
    if signal_name == "int":
        return  # the printed command is the same kind; running it once (term) is enough
    resumed = subprocess.run(
        [sys.executable, *shlex.split(command)[1:]], capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    assert_complete(version)


def _generating(tiny_models: dict[str, Path], source: Path, root: Path) -> tuple[str, ...]:
    """Windows of 3 (2 articles and an empty one), one generate batch per article: batches 1-2
    are the first window's, 3-4 the second's."""
    return (
        *OPTIONS,
        "summarizer=custom",
        f"summarizer.name_or_path={tiny_models['bart']}",
        "runtime.batch_tokens=64",
        f"source.path={source}",
        f"output.root={root}",
    )


@pytest.fixture(scope="module")
def uninterrupted(
    tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("uninterrupted")
    reference = summarize(*_generating(tiny_models, corpus(folder), folder / "out"))
    assert reference.returncode == 0, reference.stderr
    version = folder / "out" / "summarize" / "v0001"
    return [(r["id"], r["summary"]) for r in lines(version / "records.jsonl")]


@pytest.mark.parametrize("signals", [1, 2])
def test_a_signal_stops_after_the_batch_in_flight_and_resume_gives_every_record_once(
    signals: int,
    tiny_models: dict[str, Path],
    uninterrupted: list[tuple[str, str]],
    tmp_path: Path,
) -> None:
    """Ctrl-C while the second window's first batch runs: that batch ends, no other starts, the
    first window's records stay; a second Ctrl-C stops at once and still says how to resume."""
    source, root = corpus(tmp_path), tmp_path / "out"
    args = _generating(tiny_models, source, root)
    stopped = summarize(*args, env={ENV: ",".join(["batch@3=int"] * signals)})
    assert "Traceback" not in stopped.stderr
    version = root / "summarize" / "v0001"
    assert len(lines(version / "records.jsonl")) == 3  # the first window; the second is dropped
    if signals == 1:
        assert stopped.returncode == 130, stopped.stderr
        (line,) = [x for x in stopped.stderr.splitlines() if "ERROR" in x]
        assert f"{version} holds 3 records (3 written now)" in line
        assert not (root / "summarize" / ".lock").exists()
    else:
        assert stopped.returncode == -signal.SIGINT, stopped.stderr  # killed by the second one
        (line,) = [x for x in stopped.stderr.splitlines() if "stopped at once" in x]
    command = line.split("resume with: ", 1)[1]
    assert command.endswith("run.resume=v0001")
    if signals == 2:
        return  # the same command as after one signal, whose resume is run below
    resumed = subprocess.run(
        [sys.executable, *shlex.split(command)[1:]], capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    assert_complete(version)
    got = [(r["id"], r["summary"]) for r in lines(version / "records.jsonl")]
    assert sorted(got) == sorted(uninterrupted)
