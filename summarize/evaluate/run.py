"""Evaluation inside a run: per record while the source text is at hand, per run from records.jsonl.

Each record carries its own statistics and scores (``evaluation``), so the run's metrics are a pure
function of records.jsonl: resumed, incremental and merged runs aggregate exactly like fresh ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from summarize.evaluate.baseline import lead_k
from summarize.evaluate.bootstrap import mean_interval
from summarize.evaluate.langid import is_wrong_language
from summarize.evaluate.mt import TokenizerUnavailableError, chrf_pair, score_translation
from summarize.evaluate.rouge import ROUGE_TYPES, rouge_pair, rouge_signature
from summarize.evaluate.stats import Running, record_stats
from summarize.evaluate.tokens import resolve_stemmer


@dataclass(frozen=True)
class EvaluationSettings:
    rouge_tokenizer: str = "unicode"  # unicode | compat
    rouge_stemmer: bool | None = None  # null: Porter for English only
    bleu_tokenize: str = "13a"
    bootstrap: int = 1000
    seed: int = 0
    lead_k: int = 3
    langid: bool = True


def evaluation_settings(cfg: Any) -> EvaluationSettings:
    """From the `evaluation` config node (a DictConfig or a plain mapping from a manifest)."""
    from omegaconf import OmegaConf

    node = cfg.evaluation if hasattr(cfg, "evaluation") else cfg.get("evaluation", {})
    values = OmegaConf.to_container(node) if OmegaConf.is_config(node) else dict(node)
    return EvaluationSettings(**{str(k): v for k, v in values.items()})  # type: ignore[union-attr]


def _pair(
    source: str,
    output: str,
    lang: str,
    source_lang: str,
    *,
    langid: bool,
    hit_max: bool | None = None,
    output_tokens: int | None = None,
) -> dict[str, Any]:
    stats = record_stats(source, output, lang, source_lang=source_lang)
    values = asdict(stats)
    values["novel"] = {str(n): share for n, share in stats.novel.items()}
    values["wrong_language"] = (
        is_wrong_language(output, lang) if langid and not stats.empty else None
    )
    values["hit_max_new_tokens"] = hit_max
    values["output_tokens"] = output_tokens
    return values


class RecordEvaluator:
    def __init__(self, settings: EvaluationSettings) -> None:
        self.settings = settings

    def _rouge(self, prediction: str, reference: str, lang: str) -> dict[str, float]:
        s = self.settings
        return rouge_pair(
            prediction, reference, lang=lang, tokenizer=s.rouge_tokenizer, stemmer=s.rouge_stemmer
        )

    def summary(
        self,
        source: str,
        summary: str,
        lang: str,
        reference: str | None,
        *,
        hit_max: bool,
        output_tokens: int,
    ) -> dict[str, Any]:
        s = self.settings
        lead = lead_k(source, lang, s.lead_k)
        result = _pair(
            source,
            summary,
            lang,
            lang,
            langid=s.langid,
            hit_max=hit_max,
            output_tokens=output_tokens,
        )
        baseline = _pair(source, lead, lang, lang, langid=False)
        if reference:
            result["rouge"] = self._rouge(summary, reference, lang)
            baseline["rouge"] = self._rouge(lead, reference, lang)
        result[f"baseline_lead{s.lead_k}"] = baseline
        return result

    def translation(
        self,
        source: str,
        translation: str,
        lang: str,
        source_lang: str,
        reference: str | None,
        *,
        hit_max: bool,
        output_tokens: int | None,
    ) -> dict[str, Any]:
        result = _pair(
            source,
            translation,
            lang,
            source_lang,
            langid=self.settings.langid,
            hit_max=hit_max,
            output_tokens=output_tokens,
        )
        if reference:
            result["chrf"] = chrf_pair(translation, reference)
            result["chrf++"] = chrf_pair(translation, reference, word_order=2)
        return result


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


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            if line.endswith("\n"):  # a line without its newline is an unfinished write
                yield json.loads(line)


def aggregate(records_path: Path, settings: EvaluationSettings) -> dict[str, Any]:
    """The evaluation part of metrics.json, streamed from records.jsonl."""
    summaries: dict[str, _Part] = defaultdict(_Part)
    baselines: dict[str, _Part] = defaultdict(_Part)
    translations: dict[str, _Part] = defaultdict(_Part)
    # Corpus BLEU needs the pairs themselves: only records that carry a reference are kept.
    corpus: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    baseline_key = f"baseline_lead{settings.lead_k}"
    for record in read_records(records_path):
        evaluation = record.get("evaluation") or {}
        reused = record.get("reused") or {}
        if record.get("summary") is not None and "summary" in evaluation:
            summaries[record["lang"]].add(evaluation["summary"], bool(reused.get("summary")))
            if baseline_key in evaluation["summary"]:
                baselines[record["lang"]].add(evaluation["summary"][baseline_key], False)
        for target, entry in (record.get("translations") or {}).items():
            text = (
                entry.get("summary") if record.get("summary") is not None else entry.get("article")
            )
            part = (evaluation.get("translations") or {}).get(target)
            if text is None or part is None:
                continue
            translations[target].add(part, bool((reused.get("translations") or {}).get(target)))
            reference = (record.get("references") or {}).get(target)
            if reference:
                corpus[target][0].append(text)
                corpus[target][1].append(reference)
    result: dict[str, Any] = {
        "summary": {lang: part.result(settings, lang) for lang, part in summaries.items()},
        baseline_key: {lang: part.result(settings, lang) for lang, part in baselines.items()},
        "translation": {lang: part.result(settings, lang) for lang, part in translations.items()},
    }
    for target, (hypotheses, references) in corpus.items():
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
