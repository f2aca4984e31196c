"""The ``checks`` of one record: faithfulness of its summary, flags of each translation.

Every output gets them; none blocks the run. ``needs_review`` is what report.html sorts by.
"""

from __future__ import annotations

from typing import Any

from summarize.checks.faithfulness import score_summary
from summarize.checks.translation import check_translation
from summarize.text.languages import base_language

# The run does not keep source texts, so each summary sentence carries its best-matching source
# sentence (cut to this many characters) for the reviewer who reads report.html.
EVIDENCE_CHARS = 400


def summary_checks(summary: str, source: str, lang: str) -> dict[str, Any]:
    result = score_summary(summary, source, lang)
    for sentence in result["sentences"]:
        spans = sentence.get("source") or []
        if spans:
            a, b = spans[0]
            evidence = source[a:b].strip()
            sentence["evidence"] = (
                evidence if len(evidence) <= EVIDENCE_CHARS else evidence[:EVIDENCE_CHARS] + " …"
            )
    return result


def translation_checks(
    translation: str,
    source: str,
    src_lang: str,
    tgt_lang: str,
    wrong_language: bool | None,
) -> dict[str, Any] | None:
    """None where nothing was translated (the source is already in the target language)."""
    if base_language(src_lang) == base_language(tgt_lang):
        return None
    return check_translation(translation, source, src_lang, tgt_lang, wrong_language=wrong_language)


def needs_review(checks: dict[str, Any]) -> bool:
    if (checks.get("language") or {}).get("flag"):
        return True
    summary = checks.get("summary")
    if summary and summary.get("flag"):
        return True
    return any(
        part and part.get("flags")
        for parts in (checks.get("translations") or {}).values()
        for part in parts.values()
    )
