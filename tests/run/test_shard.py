"""Shards are deterministic and disjoint, their union is the input, and merge makes one version."""

import json
import os
from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig

from summarize.run.local import run
from summarize.tools.merge import merge


def ids(version: Path) -> list[str]:
    return [
        json.loads(line)["id"]
        for line in (version / "records.jsonl").read_text("utf-8").splitlines()
    ]


def test_shard_union_is_the_input_and_merge_is_complete(
    make_config: Callable[..., DictConfig], dev_data: Path, tmp_path: Path
) -> None:
    source = dev_data / "cnndm_frank_dev.jsonl"
    base = ["source=jsonl", f"source.path={source}", "summarizer=extractive", "shard.count=3"]
    shards = [run(make_config(*base, f"shard.index={i}")) for i in range(3)]
    again = run(make_config(*base, "shard.index=1", "run.incremental=false"))
    parts = [ids(s.path) for s in shards]
    assert ids(again.path) == parts[1]  # deterministic
    assert all(parts)  # every shard got something
    assert sum(len(p) for p in parts) == len({i for p in parts for i in p})  # disjoint
    everything = [json.loads(line)["id"] for line in source.read_text("utf-8").splitlines()]
    assert {i for p in parts for i in p} == set(everything)  # the union is the input

    merged = merge(shards[0].path.parents[1], "summarize")
    assert sorted(ids(merged)) == sorted(everything)
    manifest = json.loads((merged / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["read"] == len(everything)
    assert len(manifest["merged_from"]) == 3
    assert os.readlink(merged.parent / "latest") == merged.name
    assert json.loads((merged / "metrics.json").read_text("utf-8"))["summary"]["en"][
        "count"
    ] == len(everything)
