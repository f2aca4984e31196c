"""Counts and shares of each check's flags per language, for metrics.json (one record at a time)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from summarize.checks.translation import FLAGS


def _share(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "share": count / of if of else None}


@dataclass
class _Summaries:
    count: int = 0
    flagged: int = 0
    support_sum: float = 0.0


@dataclass
class _Translations:
    count: int = 0
    any_flag: int = 0
    flags: Counter[str] = field(default_factory=Counter)


@dataclass
class ChecksTally:
    records: int = 0
    needs_review: int = 0
    # Records whose text is not in the language declared (or defaulted): by the detected language.
    language_mismatch: Counter[str] = field(default_factory=Counter)
    summaries: dict[str, _Summaries] = field(default_factory=lambda: defaultdict(_Summaries))
    translations: dict[str, _Translations] = field(
        default_factory=lambda: defaultdict(_Translations)
    )

    def add(self, record: dict[str, Any]) -> None:
        checks = record.get("checks")
        if not checks:  # error records, and records of versions before checks existed
            return
        self.records += 1
        self.needs_review += bool(checks.get("needs_review"))
        language = checks.get("language") or {}
        if language.get("flag"):
            self.language_mismatch[str(language.get("detected"))] += 1
        summary = checks.get("summary")
        if summary:
            tally = self.summaries[str(record.get("lang"))]
            tally.count += 1
            tally.flagged += bool(summary.get("flag"))
            tally.support_sum += float(summary.get("support") or 0.0)
        for target, parts in (checks.get("translations") or {}).items():
            for part in (parts or {}).values():
                if part is None:
                    continue
                tally_t = self.translations[target]
                tally_t.count += 1
                tally_t.any_flag += bool(part.get("flags"))
                tally_t.flags.update(part.get("flags") or [])

    def result(self) -> dict[str, Any]:
        return {
            "needs_review": _share(self.needs_review, self.records),
            "language_mismatch": {
                **_share(sum(self.language_mismatch.values()), self.records),
                "read_as": dict(sorted(self.language_mismatch.items())),
            },
            "summary": {
                lang: {
                    "count": t.count,
                    "flagged": _share(t.flagged, t.count),
                    "support_mean": t.support_sum / t.count if t.count else None,
                }
                for lang, t in sorted(self.summaries.items())
            },
            "translation": {
                lang: {
                    "count": t.count,
                    "any_flag": _share(t.any_flag, t.count),
                    **{flag: _share(t.flags[flag], t.count) for flag in FLAGS},
                }
                for lang, t in sorted(self.translations.items())
            },
        }
