"""The source-based checks of ``python -m summarize.score``: faithfulness of summaries to their
sources, and the flags of translations, per row and in total (no reference needed)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.checks.faithfulness import THRESHOLD, index_source, score_summary
from summarize.checks.translation import FLAGS, check_translation
from summarize.store.atomic import write_text_atomic

_FIRST_IDS = 10


def source_checks(
    task: str,
    ids: Sequence[Any],
    predictions: Sequence[str],
    sources: Sequence[str],
    lang: str,
    source_lang: str,
    wrong: Sequence[bool | None],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the totals for the JSON, one row per prediction for ``per_row``)."""
    rows: list[dict[str, Any]] = []
    row_id = (lambda key: list(key)) if ids and isinstance(ids[0], tuple) else (lambda key: key)
    if task == "summarization":
        indexes: dict[str, Any] = {}  # FRANK-style files score several summaries of one source
        supports, flagged = [], []
        for key, prediction, source in zip(ids, predictions, sources, strict=True):
            if source not in indexes:
                indexes = {source: index_source(source, lang)}
            found = score_summary(prediction, indexes[source], lang)
            supports.append(found["support"])
            if found["flag"]:
                flagged.append(key)
            rows.append({"id": row_id(key), "faithfulness": found})
        return {
            "support_mean": sum(supports) / len(supports) if supports else None,
            "threshold": THRESHOLD,
            "flagged": {
                "count": len(flagged),
                "of": len(supports),
                "share": len(flagged) / len(supports) if supports else None,
                "first": [row_id(k) for k in flagged[:_FIRST_IDS]],
            },
        }, rows
    counts: Counter[str] = Counter()
    for key, prediction, source, is_wrong in zip(ids, predictions, sources, wrong, strict=True):
        found = check_translation(prediction, source, source_lang, lang, wrong_language=is_wrong)
        counts.update(found["flags"])
        counts["any"] += bool(found["flags"])
        rows.append({"id": row_id(key), "checks": found})
    n = len(rows)
    return {
        name: {"count": counts[name], "of": n, "share": counts[name] / n if n else None}
        for name in ("any", *FLAGS)
    }, rows


def write_rows(path: str, rows: list[dict[str, Any]]) -> None:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    write_text_atomic(Path(path).expanduser(), lines)


def check_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    if "faithfulness" in result:
        f = result["faithfulness"]
        flagged = f["flagged"]
        lines.append(
            f"faithfulness: mean support {f['support_mean']:.3f}; {flagged['count']} of "
            f"{flagged['of']} flagged (support < {f['threshold']})"
        )
    if "checks" in result:
        flags = ", ".join(
            f"{name} {v['count']}" for name, v in result["checks"].items() if name != "any"
        )
        lines.append(f"translation checks: {result['checks']['any']['count']} flagged ({flags})")
    return lines
