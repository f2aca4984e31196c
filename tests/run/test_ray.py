"""runner=ray on a local Ray instance gives the same records as the local runner."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from summarize.run.local import run

ray = pytest.importorskip("ray", reason="ray[data] is an optional extra: pip install -e '.[ray]'")


def comparable(version: Path) -> list[dict]:
    records = [
        json.loads(line) for line in (version / "records.jsonl").read_text("utf-8").splitlines()
    ]
    return [{k: v for k, v in r.items() if k != "timings"} for r in records]


def test_ray_records_equal_local_records(
    make_config: Callable[..., DictConfig],
    tiny_models: dict[str, Path],
    dev_data: Path,
    tmp_path: Path,
) -> None:
    lines = (dev_data / "cnndm_frank_dev.jsonl").read_text("utf-8").splitlines()[:10]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": json.loads(x)["id"], "text": json.loads(x)["text"][:800]}) + "\n"
            for x in lines
        )
        + '{"id": "bad", "text": ""}\n',
        "utf-8",
    )
    overrides = [
        "source=jsonl", f"source.path={source}", "summarizer=custom", f"summarizer.name_or_path={tiny_models['bart']}",
        "+lang=fa", "translator=custom", f"translator.name_or_path={tiny_models['m2m100']}",
        "generation.summary.max_new_tokens=6", "generation.translation.max_new_tokens=4",
        "runtime.window_articles=3", "run.incremental=false", "run.max_failure_ratio=0.5",
    ]  # fmt: skip
    local = run(make_config(*overrides, f"output.root={tmp_path / 'local'}"))
    try:
        on_ray = run(
            make_config(
                *overrides, "runner=ray", "runner.concurrency=2", f"output.root={tmp_path / 'ray'}"
            )
        )
    finally:
        ray.shutdown()
    assert comparable(on_ray.path) == comparable(local.path)
    assert (on_ray.read, on_ray.failed) == (11, 1)
