"""The "needs review" queue of report.html: the outputs a person should read first.

Bounded memory: of all records the checks flagged, the ``REVIEW_ITEMS`` least supported are kept
(summary support first, then the number of translation flags), whatever the run's size.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

REVIEW_ITEMS = 50
_TEXT_CHARS = 1500


def highlight(text: str, spans: list[Mapping[str, Any]]) -> list[tuple[str, str | None]]:
    """``text`` cut into (segment, kind) pieces; kind is the unsupported span's kind, or None."""
    pieces: list[tuple[str, str | None]] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: (s["start"], s["end"])):
        start, end = max(int(span["start"]), cursor), int(span["end"])
        if end <= start:
            continue
        if start > cursor:
            pieces.append((text[cursor:start], None))
        pieces.append((text[start:end], str(span.get("kind") or "word")))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], None))
    return pieces


def _translation_reasons(checks: Mapping[str, Any]) -> list[str]:
    reasons = []
    for flag in checks.get("flags") or []:
        if flag == "numbers":
            numbers = checks.get("numbers") or {}
            missing = ", ".join(n["text"] for n in numbers.get("missing") or [])
            added = ", ".join(n["text"] for n in numbers.get("added") or [])
            reasons.append(
                "numbers: "
                + "; ".join(
                    part
                    for part in (missing and f"missing {missing}", added and f"added {added}")
                    if part
                )
            )
        elif flag == "length_ratio":
            reasons.append(
                f"length ratio {checks.get('length_ratio')} outside {checks.get('band')}"
            )
        elif flag == "repetition":
            loop = checks.get("repetition") or {}
            reasons.append(f"repetition: {loop.get('text', '')!s}"[:200])
        elif flag == "copy_of_source":
            reasons.append(f"copy of the source ({checks.get('copy')} of its words)")
        else:
            reasons.append(flag.replace("_", " "))
    return reasons


def review_item(record: Mapping[str, Any]) -> dict[str, Any]:
    checks = record.get("checks") or {}
    summary_checks = checks.get("summary") or {}
    summary = record.get("summary")
    translations = record.get("translations") or {}
    flagged = []
    for code, parts in (checks.get("translations") or {}).items():
        for part, found in (parts or {}).items():
            if found and found.get("flags"):
                text = (translations.get(code) or {}).get(part) or ""
                flagged.append(
                    {
                        "lang": code,
                        "part": part,
                        "text": text[:_TEXT_CHARS],
                        "reasons": _translation_reasons(found),
                    }
                )
    return {
        "id": record.get("id"),
        "lang": record.get("lang"),
        "title": record.get("title"),
        "support": summary_checks.get("support"),
        "summary_flag": bool(summary_checks.get("flag")),
        "summary": highlight(summary[:_TEXT_CHARS], summary_checks.get("unsupported") or [])
        if summary
        else [],
        "evidence": [
            {
                "support": s.get("support"),
                "sentence": (summary or "")[s["start"] : s["end"]].strip(),
                "source": s.get("evidence"),
            }
            for s in summary_checks.get("sentences") or []
            if summary_checks.get("flag") and s.get("support", 1.0) < 1.0
        ],
        "translations": flagged,
        "language": language_reason(checks.get("language")),
    }


def language_reason(language: Mapping[str, Any] | None) -> str | None:
    """ "no language declared; reads as fr, processed as fr" for a record's language check."""
    if not language or not language.get("flag"):
        return None
    declared = language.get("declared")
    said = f"declared {declared}" if declared else "no language declared"
    return (
        f"{said}; reads as {language.get('detected')}, processed as {language.get('processed_as')}"
    )


@dataclass
class ReviewQueue:
    size: int = REVIEW_ITEMS
    flagged: int = 0
    checked: int = 0
    _heap: list[tuple[float, int, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, record: Mapping[str, Any]) -> None:
        checks = record.get("checks")
        if not checks:
            return
        self.checked += 1
        if not checks.get("needs_review"):
            return
        self.flagged += 1
        summary = checks.get("summary") or {}
        support = float(summary["support"]) if summary.get("flag") else 1.0
        flags = sum(
            len((found or {}).get("flags") or [])
            for parts in (checks.get("translations") or {}).values()
            for found in (parts or {}).values()
        )
        # A max-heap of the worst kept so far (by -priority): the least supported stay.
        priority = (-support, flags)
        entry = (priority[0], priority[1], -self.flagged, dict(record))
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, entry)
        elif entry[:3] > self._heap[0][:3]:
            heapq.heapreplace(self._heap, entry)

    def items(self) -> list[dict[str, Any]]:
        """Least supported first; ties in input order."""
        ordered = sorted(self._heap, key=lambda e: (e[0], e[1], e[2]), reverse=True)
        return [review_item(record) for *_, record in ordered]
