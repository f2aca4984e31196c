"""A run folder damaged after the fact (a cut, NUL bytes, a duplicated or hand-edited line) is
never published as whole and never poisons the next run: every reader refuses it in one line
(file, first bad line, kind, the way out), and a repair gives back a clean run's records."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fixtures.damage import damage
from hydra import compose, initialize_config_dir

from summarize.config import CONF_DIR
from summarize.publish.export import main as export_main
from summarize.publish.report import write_report
from summarize.run.local import run
from summarize.store.faults import ENV, FaultInjected
from summarize.store.reader import Damaged
from summarize.tools.score import main as score_main

GOOD = "The council met on Tuesday. Members agreed to fund two schools. The vote was close."
OPTIONS = ("source=jsonl", "summarizer=extractive", "source.language_check=off")
# kind -> (the line named, the kind of damage) in a finished version of 6 records
FINISHED = {
    "cut": (6, "cut line (no newline at its end)"),
    "nul": (3, "NUL bytes"),
    "duplicate": (3, "duplicated line (the same input as line 2)"),
    "edit": (None, "edited (its sha256 differs from the one in manifest.json)"),
}


def config(root: Path, *overrides: str) -> Any:
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        base = [f"output.root={root / 'outputs'}", "export.report=false", *OPTIONS]
        return compose("config", overrides=[*base, f"source.path={root / 'in.jsonl'}", *overrides])


def write_input(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    rows = [{"id": f"a{i}", "text": f"Article {i}. {GOOD}"} for i in range(count)]
    (root / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")


def expected(records: Path, kind: str) -> str:
    line, what = FINISHED[kind]
    return f"{records}:{line}: {what}" if line else f"{records}: {what}"


def content(version: Path) -> list[tuple[Any, ...]]:
    """What a record says, without timings (they differ between any two runs) and input keys
    (made of the input's path, which differs between copies)."""
    rows = [json.loads(x) for x in (version / "records.jsonl").read_text("utf-8").splitlines()]
    return [
        (r["id"], r["summary"], r["chunks"], r["checks"], r["error"])
        for r in sorted(rows, key=lambda r: r["id"])
    ]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A job with one clean finished version of 6 records (copied by each test)."""
    root = tmp_path_factory.mktemp("clean")
    write_input(root, 6)
    run(config(root))
    return root


def copy_of(clean: Path, tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "job"
    shutil.copytree(clean, root, symlinks=True)
    return root, root / "outputs" / "summarize" / "v0001"


def test_the_manifest_holds_the_sha256_of_the_files_it_vouches_for(clean: Path) -> None:
    version = clean / "outputs" / "summarize" / "v0001"
    manifest = json.loads((version / "manifest.json").read_text("utf-8"))
    assert manifest["sha256"] == {
        name: hashlib.sha256((version / name).read_bytes()).hexdigest()
        for name in ("records.jsonl", "errors.jsonl", "metrics.json")
    }


@pytest.mark.parametrize("kind", list(FINISHED))
def test_a_damaged_finished_version_stops_the_next_incremental_run_in_one_line(
    clean: Path, tmp_path: Path, kind: str
) -> None:
    root, version = copy_of(clean, tmp_path)
    damage(version / "records.jsonl", kind)
    with pytest.raises(Damaged) as info:
        run(config(root))
    message = str(info.value)
    assert message.startswith(expected(version / "records.jsonl", kind) + "; ")
    assert "\n" not in message
    assert "add run.incremental=false to generate everything again" in message
    assert not (version.parent / "v0002").exists()  # refused before a version was claimed
    again = run(config(root, "run.incremental=false"))  # the way out it names
    assert again.path.name == "v0002"
    assert content(again.path) == content(clean / "outputs" / "summarize" / "v0001")


@pytest.mark.parametrize("kind", list(FINISHED))
def test_export_report_and_score_refuse_a_damaged_finished_version_exit_2_one_line(
    clean: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, version = copy_of(clean, tmp_path)
    records = version / "records.jsonl"
    damage(records, kind)
    for main, args in (
        (export_main, [f"run={version}"]),
        (score_main, [f"predictions={records}", "prediction_field=summary", "references=null"]),
    ):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {expected(records, kind)}; v0001 cannot be trusted")
        assert err.count("\n") == 1, err  # one line, never a traceback
    assert not (version / "hf").exists()
    with pytest.raises(Damaged, match="v0001 cannot be trusted: restore it from a copy"):
        write_report(version)
    assert not (version / "report.html").exists()


def test_an_edited_metrics_file_is_refused_too(clean: Path, tmp_path: Path) -> None:
    _, version = copy_of(clean, tmp_path)
    metrics = version / "metrics.json"
    metrics.write_text(metrics.read_text("utf-8").replace('"read": 6', '"read": 7'), "utf-8")
    with pytest.raises(Damaged, match=r"metrics.json: edited \(its sha256 differs"):
        write_report(version)


def crashed(root: Path, point: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A version left unfinished by a crash at ``point`` (records fsync'd up to there)."""
    monkeypatch.setenv(ENV, f"{point}=crash")
    with pytest.raises(FaultInjected):
        run(config(root, "runtime.window_articles=2"))
    monkeypatch.delenv(ENV)
    version = root / "outputs" / "summarize" / "v0001"
    assert (version / "manifest.json").exists() == (point == "latest")
    return version


@pytest.mark.parametrize(
    ("point", "kind", "found"),
    [
        ("window@2", "nul", ":3: NUL bytes"),
        ("window@2", "duplicate", ":3: duplicated line (the same input as line 2)"),
        ("window@2", "cut-inside", ":2: damaged line (not JSON: Unterminated string"),
        ("metrics", "duplicate", ":3: duplicated line (the same input as line 2)"),
        ("metrics", "nul", ":3: NUL bytes"),
    ],
)
def test_an_unfinished_version_is_finished_only_whole_and_repair_gives_a_clean_run(
    clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str, kind: str, found: str
) -> None:
    root = tmp_path / "job"
    write_input(root, 6)
    version = crashed(root, point, monkeypatch)
    records = version / "records.jsonl"
    damage(records, kind)
    way_out = "run.resume=v0001 run.repair=true (same config) drops the damaged and duplicated"
    attempts = [config(root, "run.resume=latest")]
    if point == "metrics":  # its input was read whole: run.finish may complete it, but not so
        attempts.insert(0, config(root, "run.finish=latest"))
    for attempt in attempts:
        with pytest.raises(Damaged) as info:
            run(attempt)
        assert str(info.value).startswith(f"{records}{found}")
        assert way_out in str(info.value)
        assert "\n" not in str(info.value)
        assert not (version / "manifest.json").exists()  # nothing damaged is ever published
    repaired = run(config(root, "run.resume=v0001", "run.repair=true"))
    assert repaired.path == version
    manifest = json.loads((version / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["read"] == 6
    assert content(version) == content(clean / "outputs" / "summarize" / "v0001")


def test_an_edit_in_a_version_read_whole_is_refused_for_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which valid line was edited cannot be told: finishing or repairing would publish it."""
    root = tmp_path / "job"
    write_input(root, 6)
    version = crashed(root, "metrics", monkeypatch)
    damage(version / "records.jsonl", "edit")
    for overrides in (
        ["run.finish=latest"],
        ["run.resume=latest"],
        ["run.resume=latest", "run.repair=true"],
    ):
        with pytest.raises(Damaged, match=r"edited \(its sha256 differs from the one in "):
            run(config(root, *overrides))
    assert not (version / "manifest.json").exists()


def test_a_stand_alone_export_killed_midway_leaves_nothing_after_the_next_export(
    clean: Path, tmp_path: Path
) -> None:
    _, version = copy_of(clean, tmp_path)
    command = [sys.executable, "-m", "summarize.export", f"run={version}"]
    killed = subprocess.run(command, env={**os.environ, ENV: "export=kill"})
    assert killed.returncode == -9
    assert len(list(version.glob(".hf-*.tmp"))) == 1  # what the kill left inside the version
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list(version.glob(".*.tmp")) == []
    assert (version / "hf" / "export.json").is_file()


def test_repair_without_resume_is_a_mistake(tmp_path: Path) -> None:
    write_input(tmp_path, 2)
    with pytest.raises(ValueError, match=r"^run.repair=true repairs the version it resumes"):
        run(config(tmp_path, "run.repair=true"))
    assert not (tmp_path / "outputs").exists()


def test_a_finished_version_left_unlinked_is_linked_as_latest_only_when_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "job"
    write_input(root, 6)
    version = crashed(root, "latest", monkeypatch)  # the manifest is written, latest is not
    damage(version / "records.jsonl", "nul")
    with pytest.raises(Damaged, match=r"records.jsonl:3: NUL bytes; v0001 cannot be trusted"):
        run(config(root, "run.resume=latest"))
    assert not (version.parent / "latest").exists()
