"""The export's columns: one row per record, each column taken from a field of the record.

The record is defined once (store/record.py); the struct columns take their fields from it, and
``COLUMN_SOURCES`` says which field each column comes from, so tests/store/test_record_shape.py
fails when a field is added to the record without a decision here (a column, or not exported).
Columns are the user-facing part of a record; the pipeline's bookkeeping (``input_key``,
``keys``, ``reused``) and the per-record ``evaluation`` stay in records.jsonl.
"""

from __future__ import annotations

from typing import Any

from datasets import Features, List, Value

from summarize.store.record import ErrorInfo, ModelInfo, Timings

# Struct columns take their fields from the record's own definition (store/record.py).
_MODEL = {name: Value("string") for name in ModelInfo.__annotations__}
_ERROR = {name: Value("string") for name in ErrorInfo.__annotations__}
# The record field each column comes from; the record's other fields (the pipeline's
# bookkeeping and the per-record evaluation) stay in records.jsonl. Checked against
# store/record.py by tests/store/test_record_shape.py.
COLUMN_SOURCES = {
    "id": "id",
    "lang": "lang",
    "title": "title",
    "summary": "summary",
    "translation_": "translations",
    "article_translation_": "translations",
    "needs_review": "checks",
    "summary_support": "checks",
    "summary_flag": "checks",
    "reference": "reference",
    "source_sha256": "source_sha256",
    "chunk_count": "chunks",
    "chunk_spans": "chunks",
    "reduce_levels": "reduce_levels",
    "error": "error",
    "notes": "notes",
    "model": "model",
    "timings": "timings",
}
NOT_EXPORTED = ("input_key", "references", "keys", "reused", "evaluation")


def _text_columns(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(targets with a summary translation, targets with an article translation)."""
    config = manifest.get("config", {})
    targets = list(config.get("langs") or {})
    summarising = config.get("task", "summarize") == "summarize"
    articles = not summarising or bool((config.get("translate") or {}).get("article"))
    return (targets if summarising else []), (targets if articles else [])


def record_features(manifest: dict[str, Any]) -> Features:
    summaries, articles = _text_columns(manifest)
    targets = list(dict.fromkeys([*summaries, *articles]))
    model: dict[str, Any] = {"summarizer": _MODEL}
    timings: dict[str, Any] = {
        name: Value("float64") for name in Timings.__annotations__ if name != "translate_s"
    }
    if targets:  # Parquet cannot store a struct without fields
        model["translators"] = {code: _MODEL for code in targets}
        timings["translate_s"] = {code: Value("float64") for code in targets}
    return Features(
        {
            "id": Value("string"),
            "lang": Value("string"),
            "title": Value("string"),
            "summary": Value("string"),
            **{f"translation_{code}": Value("string") for code in summaries},
            **{f"article_translation_{code}": Value("string") for code in articles},
            # The weight-free checks (records.jsonl has the details: spans, evidence, reasons).
            "needs_review": Value("bool"),
            "summary_support": Value("float64"),
            "summary_flag": Value("bool"),
            **{f"translation_{code}_flags": List(Value("string")) for code in summaries},
            **{f"article_translation_{code}_flags": List(Value("string")) for code in articles},
            "reference": Value("string"),
            "source_sha256": Value("string"),
            "chunk_count": Value("int32"),
            "chunk_spans": List(List(Value("int64"), length=2)),
            "reduce_levels": Value("int32"),
            "error": _ERROR,
            "notes": List(Value("string")),
            "model": model,
            "timings": timings,
        }
    )


def _fit(value: Any, feature: Any) -> Any:
    """A nested dict cut to a struct feature's fields (missing ones null, unknown ones dropped)."""
    if not isinstance(feature, dict):
        return value
    if not isinstance(value, dict):
        return None
    return {name: _fit(value.get(name), sub) for name, sub in feature.items()}


def to_row(record: dict[str, Any], features: Features) -> dict[str, Any]:
    """One records.jsonl line as a dataset row (missing fields become nulls)."""
    translations = record.get("translations") or {}
    chunks = record.get("chunks") or {}
    row: dict[str, Any] = {
        "id": record.get("id"),
        "lang": record.get("lang"),
        "title": record.get("title"),
        "summary": record.get("summary"),
        "reference": record.get("reference"),
        "source_sha256": record.get("source_sha256"),
        "chunk_count": chunks.get("count", 0),
        "chunk_spans": chunks.get("spans") or [],
        "reduce_levels": record.get("reduce_levels"),
        "notes": record.get("notes") or [],
        **{name: _fit(record.get(name), features[name]) for name in ("error", "model", "timings")},
    }
    checks = record.get("checks") or {}
    summary_checks = checks.get("summary") or {}
    row["needs_review"] = checks.get("needs_review")
    row["summary_support"] = summary_checks.get("support")
    row["summary_flag"] = summary_checks.get("flag")
    translation_checks = checks.get("translations") or {}
    for name in features:
        for prefix, part in (("article_translation_", "article"), ("translation_", "summary")):
            if not name.startswith(prefix):
                continue
            code = name.removeprefix(prefix)
            if code.endswith("_flags"):
                code = code.removesuffix("_flags")
                found = ((translation_checks.get(code) or {}).get(part)) or {}
                row[name] = found.get("flags") or []
            else:
                row[name] = (translations.get(code) or {}).get(part)
            break
    return row
