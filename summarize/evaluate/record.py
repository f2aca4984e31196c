"""Evaluation of one record while its source text is at hand (``evaluation`` in records.jsonl)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from summarize.checks.langid import is_wrong_language
from summarize.evaluate.baseline import lead_k
from summarize.evaluate.mt import chrf_pair
from summarize.evaluate.rouge import rouge_pair
from summarize.evaluate.stats import record_stats


@dataclass(frozen=True)
class EvaluationSettings:
    rouge_tokenizer: str = "unicode"  # unicode | compat
    rouge_stemmer: bool | None = None  # null: Porter for English only
    bleu_tokenize: str = "13a"
    bootstrap: int = 1000
    seed: int = 0
    lead_k: int = 3
    langid: bool = True


def evaluation_settings(evaluation: Any) -> EvaluationSettings:
    """From the ``evaluation`` config node (a DictConfig, or a plain mapping from a manifest)."""
    from omegaconf import OmegaConf

    node = evaluation if evaluation is not None else {}
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
