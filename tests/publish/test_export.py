"""export_run: a finished run -> <run>/hf (save_to_disk + Parquet + card), read back exactly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import datasets
import pandas as pd
import pytest
from fixtures.runs import run_articles

from summarize.publish.export import (
    EXPORT_DIR,
    MARKER,
    ExportError,
    export_run,
    main,
    record_features,
)
from summarize.publish.report import RunNotFinished

ZWNJ = "\u200c"
ARTICLES = [
    {
        "id": "fa-1",
        "lang": "fa",
        "title": f"گزارش هواشناسی{ZWNJ}ها",
        "text": f"سازمان هواشناسی می{ZWNJ}گوید باران فردا در تهران می{ZWNJ}بارد. "
        f"دمای هوا به ۱۲ درجه می{ZWNJ}رسد. مردم باید چتر همراه داشته باشند.",
    },
    {
        "id": "fr-1",
        "lang": "fr",
        "title": "Orages à Nîmes",
        "text": "Le préfet a annoncé des orages très violents à Nîmes. Les écoles resteront "
        "fermées jeudi. Les habitants doivent éviter les déplacements à vélo.",
    },
    {
        "id": "en-1",
        "lang": "en",
        "title": "<script>alert('x')</script>",
        "text": "The council met on Monday. It approved a budget for schools. Teachers "
        "welcomed the decision.",
    },
    {"id": "empty-1", "lang": "en", "title": "Nothing", "text": ""},  # -> error empty_text
]


def compose_run(root: Path, *overrides: str) -> Path:
    return run_articles(
        root, ARTICLES, "summarizer=extractive", "summarizer.sentences=2", *overrides
    )


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, tiny_models: dict[str, Path]) -> Path:
    """Extractive summaries (real text, ZWNJ and accents intact) translated into fa and fr."""
    return compose_run(
        tmp_path_factory.mktemp("export"),
        "+lang=[fa,fr]",
        "translator=custom",
        f"translator.name_or_path={tiny_models['nllb']}",
        "generation.translation.num_beams=1",
        "generation.translation.min_new_tokens=6",
        "generation.translation.max_new_tokens=6",
        "generation.translation.no_repeat_ngram_size=1",  # tiny models: no empty output
    )


@pytest.fixture(scope="module")
def exported(run_dir: Path) -> Path:
    return export_run(run_dir, license="cc-by-4.0")


def records(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def assert_rows_match_records(rows: datasets.Dataset, expected: list[dict[str, Any]]) -> None:
    assert len(rows) == len(expected)
    for row, record in zip(rows, expected, strict=True):
        assert row["id"] == record["id"]
        assert row["lang"] == record["lang"]
        assert row["title"] == record.get("title")
        assert row["summary"] == record["summary"]
        assert row["source_sha256"] == record["source_sha256"]
        for code in ("fa", "fr"):
            assert row[f"translation_{code}"] == record["translations"].get(code, {}).get("summary")
        assert row["chunk_count"] == record["chunks"]["count"]
        assert row["chunk_spans"] == record["chunks"]["spans"]
        assert row["reduce_levels"] == record.get("reduce_levels")
        assert row["notes"] == record.get("notes", [])
        assert row["error"] == record["error"]
        if record.get("model"):
            assert row["model"]["summarizer"] == record["model"]["summarizer"]


def test_load_from_disk_gives_back_every_record(run_dir: Path, exported: Path) -> None:
    assert exported == run_dir / EXPORT_DIR
    dataset = datasets.load_from_disk(str(exported))  # <run>/hf itself, where users look
    assert list(dataset) == ["train"]
    expected = records(run_dir)
    assert_rows_match_records(dataset["train"], expected)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert dataset["train"].features == record_features(manifest)

    by_id = {row["id"]: row for row in dataset["train"]}
    persian, french = by_id["fa-1"], by_id["fr-1"]
    assert ZWNJ in persian["summary"]
    assert ZWNJ in persian["title"]
    assert persian["translation_fa"] == persian["summary"]  # fa -> fa is a copy, byte for byte
    assert persian["summary"].encode() == expected[0]["summary"].encode()
    assert "à Nîmes" in french["summary"]
    assert french["translation_fr"] == french["summary"]
    failed = by_id["empty-1"]
    assert failed["error"]["code"] == "empty_text"
    assert failed["summary"] is None
    assert failed["translation_fa"] is None
    assert failed["chunk_spans"] == []
    assert failed["model"] is None


def test_parquet_shards_give_back_every_record(
    run_dir: Path, exported: Path, tmp_path: Path
) -> None:
    shards = sorted((exported / "data").glob("train-*.parquet"))
    assert [p.name for p in shards] == ["train-00000-of-00001.parquet"]
    loaded = datasets.load_dataset(
        "parquet", data_files=[str(p) for p in shards], cache_dir=str(tmp_path / "cache")
    )
    assert_rows_match_records(loaded["train"], records(run_dir))
    on_disk = datasets.load_from_disk(str(exported))["train"]
    assert loaded["train"].features == on_disk.features  # nested spans, structs, nulls survive
    # The folder itself loads through the card's `configs` (what the Hub does after a push).
    via_card = datasets.load_dataset(str(exported), cache_dir=str(tmp_path / "cache2"))
    assert via_card["train"]["id"] == on_disk["id"]
    assert pd.read_parquet(exported / "data")["id"].tolist() == on_disk["id"]


def test_the_cards_loading_snippet_runs_as_written(
    run_dir: Path, exported: Path, tmp_path: Path
) -> None:
    card = (exported / "README.md").read_text(encoding="utf-8")
    snippet = card.split("## Loading", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    check = "\nassert list(ds) == ['train'] and len(ds['train']) == len(df) == 4\n"
    result = subprocess.run(
        [sys.executable, "-c", snippet + check],
        cwd=run_dir,
        env={**os.environ, "HF_DATASETS_CACHE": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert not list(run_dir.glob("**/cache*"))  # the snippet wrote nothing into the run


def test_export_is_atomic_and_a_second_export_is_a_no_op(run_dir: Path, exported: Path) -> None:
    marker = json.loads((exported / MARKER).read_text(encoding="utf-8"))
    assert marker["license"] == "cc-by-4.0"
    assert marker["rows"] == {"train": 4}
    assert not list(run_dir.glob(".hf-*"))  # the temp build folder is gone
    before = {p: p.stat().st_mtime_ns for p in exported.rglob("*")}
    assert export_run(run_dir) == exported
    assert export_run(run_dir, license="cc-by-4.0") == exported
    assert {p: p.stat().st_mtime_ns for p in exported.rglob("*")} == before


def test_a_second_export_with_another_licence_is_refused(run_dir: Path, exported: Path) -> None:
    with pytest.raises(ExportError, match="delete .* to export again"):
        export_run(run_dir, license="mit")


def test_unfinished_run_is_refused(run_dir: Path, tmp_path: Path) -> None:
    unfinished = tmp_path / "v0009"
    unfinished.mkdir()
    shutil.copy(run_dir / "records.jsonl", unfinished / "records.jsonl")
    with pytest.raises(RunNotFinished, match="no manifest.json: the run is unfinished"):
        export_run(unfinished)
    assert not (unfinished / EXPORT_DIR).exists()


def test_cli(run_dir: Path, exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([f"run={run_dir}"]) == 0
    assert capsys.readouterr().out.strip() == str(exported)
    assert main(["license=mit"]) == 2
    assert "run=... is required" in capsys.readouterr().err
    assert main([f"run={run_dir}", "colour=blue"]) == 2
    assert "colour=blue: Key 'colour' not in 'ExportArgs'" in capsys.readouterr().err


def test_push_to_hub_uses_the_library_uploads(
    run_dir: Path, exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No network: the two library calls are replaced, the wiring around them is real."""
    from huggingface_hub import DatasetCard

    pushed: list[tuple[str, Any]] = []
    monkeypatch.setattr(
        datasets.DatasetDict, "push_to_hub", lambda self, repo: pushed.append(("data", repo))
    )
    original_load = DatasetCard.load

    def load(path: Any, **kwargs: Any) -> DatasetCard:
        if kwargs.get("repo_type") == "dataset":  # the Hub's card after push_to_hub
            return DatasetCard("---\ndataset_info:\n  splits: []\n---\n")
        return original_load(path, **kwargs)

    monkeypatch.setattr(DatasetCard, "load", staticmethod(load))
    monkeypatch.setattr(
        DatasetCard,
        "push_to_hub",
        lambda self, repo, **kw: pushed.append(("card", (repo, kw, self.data.license))),
    )
    assert export_run(run_dir, push_to_hub="org/news-fa") == exported
    assert pushed == [
        ("data", "org/news-fa"),
        ("card", ("org/news-fa", {"repo_type": "dataset"}, "cc-by-4.0")),
    ]
