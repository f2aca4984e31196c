"""Merge combines only shards of one run (same input, config and models) and finishes like a run."""

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.damage import damage
from omegaconf import DictConfig

from summarize.run.local import run
from summarize.store.faults import ENV, FaultInjected
from summarize.tools.merge import main, merge

GOOD = "The council met on Tuesday. Members agreed to fund two schools. The vote was close."


def write_input(path: Path, count: int) -> Path:
    rows = [{"id": f"a{i}", "text": f"Article {i}. {GOOD}"} for i in range(count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def shards(make_config: Callable[..., DictConfig], source: Path, *extra: str) -> list[Path]:
    base = ("source=jsonl", f"source.path={source}", "summarizer=extractive", "shard.count=2")
    return [run(make_config(*base, f"shard.index={i}", *extra)).path for i in range(2)]


def test_merge_refuses_shards_of_different_inputs_and_names_the_shard(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl", 10)
    shards(make_config, source)
    write_input(source, 12)  # the input grew; only shard 1 ran again
    base = ("source=jsonl", f"source.path={source}", "summarizer=extractive", "shard.count=2")
    run(make_config(*base, "shard.index=1"))
    root = tmp_path / "outputs"
    with pytest.raises(
        ValueError, match=r"shard summarize-shard1of2/v0002 .*input in.jsonl changed"
    ):
        merge(root, "summarize")
    assert not (root / "summarize").exists()  # nothing merged, latest not moved


def test_merge_refuses_shards_of_different_configs(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl", 10)
    base = ("source=jsonl", f"source.path={source}", "summarizer=extractive", "shard.count=2")
    run(make_config(*base, "shard.index=0"))
    run(make_config(*base, "shard.index=1", "summarizer.sentences=1"))
    with pytest.raises(ValueError, match=r"shard1of2/v0001 .*summarizer.sentences 3 -> 1"):
        merge(tmp_path / "outputs", "summarize")


def test_a_merged_version_is_finished_like_a_run(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = write_input(tmp_path / "in.jsonl", 10)
    parts = shards(make_config, source, "export.report=true")
    merged = merge(tmp_path / "outputs", "summarize")
    assert (merged / "report.html").is_file()
    manifest = json.loads((merged / "manifest.json").read_text())
    assert manifest["counts"]["read"] == 10
    assert [m["run"] for m in manifest["merged_from"]] == [str(p) for p in parts]
    assert manifest["config"]["shard"] == {"index": 0, "count": 1}
    assert os.readlink(merged.parent / "latest") == merged.name


@pytest.mark.parametrize(
    ("kind", "found"),
    [
        ("nul", ":3: NUL bytes"),
        ("duplicate", ":3: duplicated line (the same input as line 2)"),
        ("edit", ": edited (its sha256 differs from the one in manifest.json)"),
        ("cut", ":{last}: cut line (no newline at its end)"),
    ],
)
def test_a_damaged_shard_is_refused_in_one_line_and_nothing_is_merged(
    make_config: Callable[..., DictConfig],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    found: str,
) -> None:
    source = write_input(tmp_path / "in.jsonl", 12)
    parts = shards(make_config, source)
    records = parts[0] / "records.jsonl"
    last = records.read_bytes().count(b"\n")
    assert last >= 3
    damage(records, kind)
    root = tmp_path / "outputs"
    assert main(["job=summarize", f"output.root={root}"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {records}{found.format(last=last)}; shard summarize-shard0of2/v0001 cannot be merged: run that "
        "shard again (or restore it from a copy), then merge\n"
    )
    assert not (root / "summarize").exists()  # no partial version for run.finish to publish


def test_a_merge_that_fails_midway_removes_the_version_it_started(
    make_config: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_input(tmp_path / "in.jsonl", 12)
    shards(make_config, source)
    monkeypatch.setenv(ENV, "metrics=crash")  # after the records are in, before the manifest
    with pytest.raises(FaultInjected):
        merge(tmp_path / "outputs", "summarize")
    monkeypatch.delenv(ENV)
    job = tmp_path / "outputs" / "summarize"
    assert list(job.glob("v*")) == []
    with pytest.raises(ValueError, match="no unfinished version to resume"):
        run(make_config("run.finish=latest"))
    merged = merge(tmp_path / "outputs", "summarize")  # the same merge again: whole
    assert json.loads((merged / "manifest.json").read_text())["counts"]["read"] == 12


def test_merge_refuses_unknown_keys_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["job=x", "output.root=/tmp", "output.rot=/tmp"]) == 2
    assert capsys.readouterr().err == (
        "error: output.rot=/tmp: Key 'rot' not in 'MergeOutput' (see --help)\n"
    )
    assert main(["output.root=/tmp"]) == 2
    assert capsys.readouterr().err == "error: job=... is required (see --help)\n"
