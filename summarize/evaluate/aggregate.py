"""The run's evaluation, aggregated per language from the records' own ``evaluation``.

A pure function of records.jsonl: resumed, incremental and merged runs aggregate exactly like fresh
ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from summarize.evaluate.bootstrap import mean_interval
from summarize.evaluate.mt import TokenizerUnavailableError, score_translation
from summarize.evaluate.record import EvaluationSettings
from summarize.evaluate.rouge import ROUGE_TYPES, rouge_signature
from summarize.evaluate.stats import Running
from summarize.evaluate.tokens import resolve_stemmer

_NUMERIC = (
    "source_words",
    "output_words",
    "compression",
    "coverage",
    "density",
    "repeated_3gram",
    "output_tokens",
)
_FLAGS = ("empty", "wrong_language", "hit_max_new_tokens")


@dataclass
class _Part:
    """Aggregate of one part (a language's summaries, or its translations)."""

    values: dict[str, Running] = field(default_factory=lambda: defaultdict(Running))
    flags: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    rouge: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    reused: int = 0
    generated: int = 0

    def add(self, evaluation: dict[str, Any], reused: bool) -> None:
        self.reused += reused
        self.generated += not reused
        for name in _NUMERIC:
            self.values[name].add(evaluation.get(name))
        for n, share in (evaluation.get("novel") or {}).items():
            self.values[f"novel_{n}gram"].add(share)
        for name in _FLAGS:
            flag = evaluation.get(name)
            if flag is not None:
                self.flags[name][0] += bool(flag)
                self.flags[name][1] += 1
        for rouge_type, score in (evaluation.get("rouge") or {}).items():
            self.rouge[rouge_type].append(score)
        for name in ("chrf", "chrf++"):
            if evaluation.get(name) is not None:
                self.rouge[f"sentence_{name}"].append(evaluation[name])

    def result(self, settings: EvaluationSettings, lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "count": self.reused + self.generated,
            "reused": self.reused,
            "generated": self.generated,
        }
        out["reference_free"] = {
            name: running.result() for name, running in sorted(self.values.items())
        }
        out["reference_free"].update(
            {
                name: {"count": hits, "of": known, "share": hits / known if known else None}
                for name, (hits, known) in sorted(self.flags.items())
            }
        )
        if self.rouge:
            stem = resolve_stemmer(settings.rouge_tokenizer, lang, settings.rouge_stemmer)
            scored: dict[str, Any] = {}
            for name, scores in self.rouge.items():
                values = np.asarray(scores, dtype=float)
                interval = (
                    mean_interval(values, settings.bootstrap, settings.seed)
                    if settings.bootstrap
                    else None
                )
                signature = (
                    rouge_signature(name, settings.rouge_tokenizer, lang, stem)
                    if name in ROUGE_TYPES
                    else f"{name}|sacrebleu-sentence"
                )
                scored[name] = {
                    "score": float(values.mean()),
                    "ci95": interval,
                    "n": len(values),
                    "signature": signature,
                }
            out["scores"] = scored
        return out


class Aggregator:
    """The evaluation part of metrics.json, fed one record at a time (records.jsonl is read once)."""

    def __init__(self, settings: EvaluationSettings) -> None:
        self.settings = settings
        self.summaries: dict[str, _Part] = defaultdict(_Part)
        self.baselines: dict[str, _Part] = defaultdict(_Part)
        self.translations: dict[str, _Part] = defaultdict(_Part)
        # Corpus BLEU needs the pairs themselves: only records that carry a reference are kept.
        self.corpus: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        self.baseline_key = f"baseline_lead{settings.lead_k}"

    def add(self, record: dict[str, Any]) -> None:
        evaluation = record.get("evaluation") or {}
        reused = record.get("reused") or {}
        if record.get("summary") is not None and "summary" in evaluation:
            self.summaries[record["lang"]].add(evaluation["summary"], bool(reused.get("summary")))
            if self.baseline_key in evaluation["summary"]:
                self.baselines[record["lang"]].add(evaluation["summary"][self.baseline_key], False)
        for target, entry in (record.get("translations") or {}).items():
            text = (
                entry.get("summary") if record.get("summary") is not None else entry.get("article")
            )
            part = (evaluation.get("translations") or {}).get(target)
            if text is None or part is None:
                continue
            reused_translation = bool((reused.get("translations") or {}).get(target))
            self.translations[target].add(part, reused_translation)
            reference = (record.get("references") or {}).get(target)
            if reference:
                self.corpus[target][0].append(text)
                self.corpus[target][1].append(reference)

    def result(self) -> dict[str, Any]:
        settings = self.settings
        result: dict[str, Any] = {
            "summary": {lang: p.result(settings, lang) for lang, p in self.summaries.items()},
            self.baseline_key: {
                lang: p.result(settings, lang) for lang, p in self.baselines.items()
            },
            "translation": {
                lang: p.result(settings, lang) for lang, p in self.translations.items()
            },
        }
        for target, (hypotheses, references) in self.corpus.items():
            try:
                scores = score_translation(
                    hypotheses,
                    references,
                    tokenize=settings.bleu_tokenize,
                    bootstrap=settings.bootstrap,
                    seed=settings.seed,
                )
            except TokenizerUnavailableError as exc:
                result["translation"][target]["corpus_error"] = str(exc)
                continue
            result["translation"][target]["corpus"] = {
                name: metric.as_dict() for name, metric in scores.items()
            }
        return result


def aggregate(records: Iterable[dict[str, Any]], settings: EvaluationSettings) -> dict[str, Any]:
    """The evaluation part of metrics.json for a stream of records."""
    aggregator = Aggregator(settings)
    for record in records:
        aggregator.add(record)
    return aggregator.result()
