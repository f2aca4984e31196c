"""End to end through run(cfg): versions, records, manifest, languages, long articles."""

import json
import os
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from omegaconf import DictConfig

from summarize.run.build import build_job
from summarize.run.local import run

SCHEMAS = Path(__file__).resolve().parents[2] / "summarize" / "schemas"


def read_records(version: Path) -> list[dict]:
    return [
        json.loads(line) for line in (version / "records.jsonl").read_text("utf-8").splitlines()
    ]


def validate_run(version: Path) -> tuple[list[dict], dict]:
    records = read_records(version)
    manifest = json.loads((version / "manifest.json").read_text("utf-8"))
    record_schema = json.loads((SCHEMAS / "record.schema.json").read_text("utf-8"))
    for record in records:
        jsonschema.validate(record, record_schema)
    jsonschema.validate(manifest, json.loads((SCHEMAS / "manifest.schema.json").read_text("utf-8")))
    assert (version / "metrics.json").is_file()
    return records, manifest


def test_extractive_runs_with_no_model_and_two_runs_give_two_versions(
    make_config: Callable[..., DictConfig],
) -> None:
    cfg = make_config("summarizer=extractive")
    first, second = run(cfg), run(cfg)
    assert (first.path.name, second.path.name) == ("v0001", "v0002")
    assert os.readlink(second.path.parent / "latest") == "v0002"
    records, manifest = validate_run(second.path)
    assert len(records) == 1
    assert records[0]["summary"]
    assert records[0]["error"] is None
    assert manifest["counts"] == {"read": 1, "ok": 1, "failed": 0}
    assert manifest["inputs"]["sha256"]["article.txt"]
    comparable = [
        {k: v for k, v in r.items() if k not in ("timings", "reused")}
        for r in (*read_records(first.path), *records)
    ]
    assert comparable[0] == comparable[1]  # same input, same config: same record
    assert records[0]["reused"]["summary"] is True  # ... taken from v0001, not computed again


def test_jsonl_source_one_record_per_line(
    make_config: Callable[..., DictConfig], dev_data: Path
) -> None:
    source = dev_data / "cnndm_frank_dev.jsonl"
    result = run(
        make_config(
            "source=jsonl",
            f"source.path={source}",
            "summarizer=extractive",
            "runtime.window_articles=7",
        )
    )
    records, _ = validate_run(result.path)
    input_ids = [json.loads(line)["id"] for line in source.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == input_ids
    assert all(r["summary"] for r in records)
    metrics = json.loads((result.path / "metrics.json").read_text("utf-8"))
    assert metrics["summary"]["en"]["count"] == len(input_ids)
    summary = metrics["summary"]["en"]
    assert summary["reference_free"]["compression"]["mean"] > 1
    assert summary["reference_free"]["coverage"]["mean"] == pytest.approx(1.0)  # extractive copies
    assert summary["reference_free"]["wrong_language"]["count"] == 0
    # ROUGE against the references in the input, next to the Lead-3 floor scored the same way.
    assert 20 < summary["scores"]["rouge1"]["score"] < 60
    assert summary["scores"]["rouge1"]["signature"].startswith("rouge1|tok:unicode-en|stem:yes")
    low, high = summary["scores"]["rouge1"]["ci95"]
    assert low < summary["scores"]["rouge1"]["score"] < high
    assert 20 < metrics["baseline_lead3"]["en"]["scores"]["rouge1"]["score"] < 60
    assert all("rouge" in r["evaluation"]["summary"] for r in records)


def tiny(
    tiny_models: dict[str, Path], summarizer: str = "bart", translator: str = "m2m100"
) -> list[str]:
    return [
        "summarizer=custom",
        f"summarizer.name_or_path={tiny_models[summarizer]}",
        "translator=custom",
        f"translator.name_or_path={tiny_models[translator]}",
        # Random weights repeat one token forever; forcing the length and banning repeats makes
        # them emit real, varied text, so the output-handling paths see something to handle.
        "generation.summary.max_new_tokens=12",
        "generation.summary.min_new_tokens=12",
        "generation.summary.no_repeat_ngram_size=1",
        "generation.translation.max_new_tokens=8",
        "generation.translation.min_new_tokens=8",
        "generation.translation.no_repeat_ngram_size=1",
        "generation.translation.num_beams=1",
    ]


def test_two_languages_in_one_job_load_each_model_once(
    make_config: Callable[..., DictConfig], tiny_models: dict[str, Path]
) -> None:
    cfg = make_config("+lang=[fa,fr]", *tiny(tiny_models))
    job = build_job(cfg)
    assert len(job.models.loaded()) == 2  # summariser + one translator shared by fa and fr
    result = run(cfg)
    records, manifest = validate_run(result.path)
    (record,) = records
    assert set(record["translations"]) == {"fa", "fr"}
    assert all(record["translations"][t]["summary"] for t in ("fa", "fr"))
    assert record["summary"]
    assert record["model"]["translators"]["fa"]["family"] == "m2m100"
    assert manifest["models"]["summarizer"]["family"] == "bart"
    # metrics.json: per model, what generation did; one article's fa and fr batches are two calls
    generation = json.loads((result.path / "metrics.json").read_text("utf-8"))["generation"]
    by_model = generation["models"]
    assert set(by_model) == {str(tiny_models["bart"]), str(tiny_models["m2m100"])}
    translation = by_model[str(tiny_models["m2m100"])]
    assert translation["calls"] == 2
    assert translation["inputs"] >= 2
    assert translation["decoder_steps"] >= 2 * 8  # min_new_tokens=8 per call
    assert generation["decoder_steps"] == sum(m["decoder_steps"] for m in by_model.values())
    assert generation["decoder_steps_per_record"] == generation["decoder_steps"]  # one record


@pytest.mark.parametrize("translator", ["mbart50", "nllb", "marian", "m2m100"])
def test_each_translator_family_in_a_run(
    make_config: Callable[..., DictConfig], tiny_models: dict[str, Path], translator: str
) -> None:
    result = run(
        make_config(
            "+lang=fa", "summarizer=extractive", *tiny(tiny_models, translator=translator)[2:]
        )
    )
    (record,) = read_records(result.path)
    assert record["error"] is None
    assert record["translations"]["fa"]["summary"]


def test_fifty_thousand_word_article_is_fully_chunked_and_reduced(
    make_config: Callable[..., DictConfig],
    tiny_models: dict[str, Path],
    tmp_path: Path,
    dev_data: Path,
) -> None:
    sentences = [
        json.loads(line)["text"]
        for line in (dev_data / "cnndm_frank_dev.jsonl").read_text("utf-8").splitlines()
    ]
    words: list[str] = []
    for text in sentences * 20:
        words.extend(text.split())
        if len(words) >= 50_000:
            break
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "long.txt").write_text(" ".join(words[:50_000]), "utf-8")
    result = run(
        make_config(f"source.path={folder}", *tiny(tiny_models)[:7], "runtime.batch_tokens=16384")
    )
    (record,) = read_records(result.path)
    assert record["error"] is None
    assert record["summary"]
    spans = record["chunks"]["spans"]
    assert record["chunks"]["count"] > 100
    assert spans[0][0] == 0
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    normalised_length = len(" ".join(words[:50_000]))
    assert spans[-1][1] == normalised_length
    assert record["reduce_levels"] >= 2


def test_translate_article_translates_the_whole_article_too(
    make_config: Callable[..., DictConfig], tiny_models: dict[str, Path]
) -> None:
    result = run(
        make_config(
            "+lang=fa",
            "summarizer=extractive",
            "translate.article=true",
            *tiny(tiny_models, translator="marian")[2:],
        )
    )
    (record,) = read_records(result.path)
    entry = record["translations"]["fa"]
    assert entry["summary"]
    assert entry["article"]
    assert (
        record["keys"]["translations"]["fa"]["article"]
        != record["keys"]["translations"]["fa"]["summary"]
    )


def test_every_record_carries_its_checks_and_metrics_count_the_flags(
    tmp_path: Path, tiny_models: dict[str, Path]
) -> None:
    from fixtures.runs import run_articles

    articles = [
        {"id": "a", "lang": "en", "text": "The council met on Monday. It approved 12 new schools."},
        {
            "id": "b",
            "lang": "en",
            "text": "Rain fell in Lyon. The river rose by 2 metres overnight.",
        },
    ]
    version = run_articles(
        tmp_path,
        articles,
        "summarizer=extractive",
        "+lang=fr",
        "translator=custom",
        f"translator.name_or_path={tiny_models['marian']}",
        "generation.translation.max_new_tokens=8",
    )
    records = read_records(version)
    for record in records:
        checks = record["checks"]
        # the extractive summary is the article's own sentences: fully supported
        assert checks["summary"]["support"] == 1.0
        assert checks["summary"]["flag"] is False
        assert checks["summary"]["unsupported"] == []
        # a random-weight translator's gibberish fails checks (numbers lost, wrong language, ...)
        flags = checks["translations"]["fr"]["summary"]["flags"]
        assert flags
        assert checks["needs_review"] is True
    metrics = json.loads((version / "metrics.json").read_text("utf-8"))
    assert metrics["checks"]["summary"]["en"]["flagged"] == {"count": 0, "of": 2, "share": 0.0}
    assert metrics["checks"]["needs_review"]["count"] == 2
    assert metrics["checks"]["translation"]["fr"]["any_flag"]["count"] == 2
    lost_numbers = sum(
        "numbers" in r["checks"]["translations"]["fr"]["summary"]["flags"] for r in records
    )
    assert metrics["checks"]["translation"]["fr"]["numbers"]["count"] == lost_numbers


def test_the_ct2_backend_never_builds_the_torch_model(
    make_config: Callable[..., DictConfig], tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    pytest.importorskip("ctranslate2")
    cfg = make_config(
        "summarizer=custom",
        f"summarizer.name_or_path={tiny_models['bart']}",
        "+lang=fr",
        "translator=custom",
        f"translator.name_or_path={tiny_models['marian']}",
        "runtime.backend=ct2",
        f"runtime.ct2_cache_dir={tmp_path / 'ct2'}",
        "generation.summary.max_new_tokens=8",
        "generation.translation.max_new_tokens=8",
    )
    job = build_job(cfg)
    assert [m.model for m in job.models.loaded()] == [None, None]
    result = run(cfg)
    records, _ = validate_run(result.path)
    assert records[0]["error"] is None
    assert records[0]["translations"]["fr"]["summary"] is not None
