"""Incremental runs reuse what still holds and generate only the rest, counted by model inputs."""

import json
from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig

from summarize.run.local import run


def write_corpus(path: Path, dev_data: Path, n: int) -> None:
    lines = (dev_data / "cnndm_frank_dev.jsonl").read_text("utf-8").splitlines()[:n]
    path.write_text(
        "".join(
            json.dumps({"id": json.loads(x)["id"], "text": json.loads(x)["text"][:1200]}) + "\n"
            for x in lines
        ),
        "utf-8",
    )


def metrics(version: Path) -> dict:
    return json.loads((version / "metrics.json").read_text("utf-8"))


def test_grown_input_generates_only_the_new_articles(
    make_config: Callable[..., DictConfig],
    tiny_models: dict[str, Path],
    dev_data: Path,
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.jsonl"
    overrides = [
        "source=jsonl", f"source.path={source}", "summarizer=custom", f"summarizer.name_or_path={tiny_models['bart']}",
        "+lang=fa", "translator=custom", f"translator.name_or_path={tiny_models['nllb']}",
        "generation.summary.max_new_tokens=8", "generation.translation.max_new_tokens=6", "source.language_check=off",
    ]  # fmt: skip
    write_corpus(source, dev_data, 20)
    first = run(make_config(*overrides))
    first_inputs = metrics(first.path)["throughput"]["generated_inputs"]

    write_corpus(source, dev_data, 22)  # the archive grew by 10 %
    second = run(make_config(*overrides))
    m = metrics(second.path)
    assert (m["summary"]["en"]["reused"], m["summary"]["en"]["generated"]) == (20, 2)
    assert (m["translation"]["fa"]["reused"], m["translation"]["fa"]["generated"]) == (20, 2)
    # Model inputs of the second run are those of the two new articles only.
    new_only = run(
        make_config(
            *overrides[:-1],
            "source.limit=2",
            "run.incremental=false",
            f"output.root={tmp_path / 'alone'}",
            "source.language_check=off",
        )
    )
    assert (
        m["throughput"]["generated_inputs"]
        == metrics(new_only.path)["throughput"]["generated_inputs"]
        < first_inputs / 5
    )
    # The new version is complete on its own.
    records = [
        json.loads(line) for line in (second.path / "records.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(records) == 22
    assert all(
        r["summary"] is not None and r["translations"]["fa"]["summary"] is not None for r in records
    )
    old = {
        json.loads(line)["id"]: json.loads(line)
        for line in (first.path / "records.jsonl").read_text("utf-8").splitlines()
    }
    assert all(r["summary"] == old[r["id"]]["summary"] for r in records if r["id"] in old)

    # A translation setting changes only translations: summaries are reused, translations redone.
    third = run(make_config(*overrides, "generation.translation.num_beams=2"))
    m = metrics(third.path)
    assert (m["summary"]["en"]["reused"], m["translation"]["fa"]["generated"]) == (22, 22)
