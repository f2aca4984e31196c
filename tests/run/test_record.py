"""The line written to records.jsonl for an article that was read."""

from typing import Any

from summarize.evaluate.record import EvaluationSettings, RecordEvaluator
from summarize.records import Article, ArticleSummary, Chunk, Generated, Work
from summarize.run.record import build_record

EVALUATOR = RecordEvaluator(EvaluationSettings(bootstrap=0, langid=False))


def models(targets: list[str]) -> dict[str, Any]:
    return {"summarizer": {"name_or_path": "m"}, "translators": dict.fromkeys(targets)}


def work(summary: ArticleSummary | Exception) -> Work:
    article = Article(id="a1", text="raw", lang="en", reference="Cats sat.", origin="f:1")
    text = "The cat sat on the mat. It was warm."
    return Work(
        article=article,
        text=text,
        sha256="s" * 64,
        input_key="k",
        notes=["a note"],
        normalise_s=0.5,
        summary_key="sk",
        summary=summary,
    )


def test_a_summarised_and_translated_article() -> None:
    w = work(ArticleSummary("The cat sat.", [Chunk(0, 36, "", 9)], levels=1, n_output_tokens=4))
    output = Generated("Le chat.", 4, 3, hit_max_new_tokens=False)
    w.translated[("fr", "summary")] = ("Le chat.", [output])
    w.translation_keys[("fr", "summary")] = "tk"
    record = build_record(w, summarize_s=1.25, summarising=True, evaluator=EVALUATOR, models=models)
    assert record["error"] is None
    assert record["summary"] == "The cat sat."
    assert record["translations"] == {"fr": {"summary": "Le chat."}}
    assert record["keys"] == {"summary": "sk", "translations": {"fr": {"summary": "tk"}}}
    assert record["chunks"] == {"count": 1, "spans": [[0, 36]]}
    assert record["timings"]["summarize_s"] == 1.25
    assert record["model"]["translators"] == {"fr": None}
    assert "rouge" in record["evaluation"]["summary"]  # the article has a reference
    assert record["evaluation"]["translations"]["fr"]["output_tokens"] == 3
    assert record["notes"] == ["a note"]


def test_a_failed_translation_is_the_record_error_and_keeps_the_summary() -> None:
    w = work(ArticleSummary("The cat sat.", [Chunk(0, 36, "", 9)], levels=1))
    w.translated[("fa", "summary")] = RuntimeError("boom")
    record = build_record(w, summarize_s=0.0, summarising=True, evaluator=EVALUATOR, models=models)
    assert record["summary"] == "The cat sat."
    assert record["translations"] == {"fa": {"summary": None}}
    assert record["error"] == {
        "code": "translation_failed",
        "message": "fa: RuntimeError: boom",
        "origin": "f:1",
    }


def test_a_failed_summary_is_generation_failed() -> None:
    record = build_record(
        work(ValueError("too long")),
        summarize_s=0.0,
        summarising=True,
        evaluator=EVALUATOR,
        models=models,
    )
    assert record["summary"] is None
    assert record["error"]["code"] == "generation_failed"
    assert "ValueError: too long" in record["error"]["message"]
