"""Merge combines only shards of one run (same input, config and models) and finishes like a run."""

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from summarize.run.local import run
from summarize.tools.merge import merge

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
