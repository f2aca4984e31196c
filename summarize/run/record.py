"""The line written to records.jsonl for an article that was read (its shape: store/record.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from summarize.checks.record import needs_review, summary_checks, translation_checks
from summarize.evaluate.record import RecordEvaluator
from summarize.records import ArticleSummary, RecordError, Work
from summarize.store.record import Checks, ErrorInfo, ErrorRecord, Keys, Models, Record, Reused


def _error(code: str, message: str, origin: str) -> ErrorInfo:
    return {"code": code, "message": message, "origin": origin}


def build_record(
    w: Work,
    *,
    summarize_s: float,
    summarising: bool,
    evaluator: RecordEvaluator,
    models: Callable[[list[str]], Any],
) -> Record:
    """``models(targets)``: the description of the models that made this record's outputs."""
    article = w.article
    summary = w.summary if isinstance(w.summary, ArticleSummary) else None
    error: ErrorInfo | None = None
    if isinstance(w.summary, Exception):
        error = _error(
            "generation_failed", f"{type(w.summary).__name__}: {w.summary}", article.origin
        )

    evaluation: dict[str, Any] = {"translations": {}}
    checks: dict[str, Any] = {"summary": None, "translations": {}}
    if w.language is not None:  # the text is not in the language it was declared (or defaulted) in
        checks["language"] = w.language
    if summarising and summary is not None:
        checks["summary"] = summary_checks(summary.text, w.text, article.lang)
        previous = (
            (w.previous or {}).get("evaluation", {}).get("summary", {}) if w.reused_summary else {}
        )
        evaluation["summary"] = evaluator.summary(
            w.text,
            summary.text,
            article.lang,
            article.reference,
            hit_max=previous.get("hit_max_new_tokens", summary.hit_max_new_tokens),
            output_tokens=previous.get("output_tokens", summary.n_output_tokens),
        )

    translations: dict[str, dict[str, str | None]] = {}
    keys: Keys = {"summary": w.summary_key, "translations": {}}
    reused: Reused = {"summary": w.reused_summary, "translations": {}}
    for (target, part), outcome in w.translated.items():
        entry = translations.setdefault(target, {})
        keys["translations"].setdefault(target, {})[part] = w.translation_keys.get((target, part))
        if isinstance(outcome, Exception):
            entry[part] = None
            error = error or _error(
                "translation_failed",
                f"{target}: {type(outcome).__name__}: {outcome}",
                article.origin,
            )
            continue
        text, outputs = outcome
        entry[part] = text
        reused["translations"][target] = (target, part) in w.reused_translations
        main_part = "summary" if summarising else "article"
        source_text = summary.text if part == "summary" and summary is not None else w.text
        if part == main_part:
            reference = article.references.get(target) or (
                article.reference if not summarising and article.target_lang == target else None
            )
            evaluation["translations"][target] = evaluator.translation(
                source_text,
                text,
                target,
                article.lang,
                reference,
                hit_max=any(o.hit_max_new_tokens for o in outputs),
                output_tokens=sum(o.n_output_tokens for o in outputs) if outputs else None,
            )
        wrong = (evaluation["translations"].get(target) or {}).get("wrong_language")
        if part != main_part:  # only the main part is evaluated: the check detects it itself
            wrong = None
        checks["translations"].setdefault(target, {})[part] = translation_checks(
            text, source_text, article.lang, target, wrong
        )
    references = dict(article.references)
    if not summarising and article.reference and article.target_lang:
        references.setdefault(article.target_lang, article.reference)
    chunks = summary.chunks if summary is not None else []
    return {
        "id": article.id,
        "input_key": w.input_key,
        "source_sha256": w.sha256,
        "lang": article.lang,
        "title": article.title,
        "reference": article.reference if summarising else None,
        "references": references,
        "summary": summary.text if summarising and summary is not None else None,
        "translations": translations,
        "chunks": {"count": len(chunks), "spans": [[c.start, c.end] for c in chunks]},
        "reduce_levels": summary.levels if summary is not None and summarising else None,
        "keys": keys,
        "reused": reused,
        "model": cast(Models, models(list(translations))),
        "timings": {
            "normalise_s": round(w.normalise_s, 6),
            "summarize_s": round(summarize_s, 6),
            "translate_s": {t: round(s, 6) for t, s in w.translate_s.items()},
        },
        "evaluation": evaluation,
        "checks": _record_checks(checks, w.language),
        "notes": [*w.notes, *(summary.notes if summary is not None else ())],
        "error": error,
    }


def _record_checks(checks: dict[str, Any], language: dict[str, Any] | None) -> Checks:
    """The record's checks; ``language`` only where the text is not in its declared language."""
    out: Checks = {"summary": checks["summary"], "translations": checks["translations"]}  # type: ignore[typeddict-item]
    if language is not None:
        out["language"] = language
    out["needs_review"] = needs_review(checks)
    return out


def error_record(error: RecordError, key: str) -> ErrorRecord:
    return {
        "id": error.id,
        "input_key": key,
        "source_sha256": error.source_sha256,
        "lang": error.lang,
        "summary": None,
        "translations": {},
        "chunks": {"count": 0, "spans": []},
        "error": {"code": error.code, "message": error.message, "origin": error.origin},
    }
