"""Evaluation: ROUGE, BLEU/chrF, reference-free statistics, language id, Lead-k baseline.

Per record inside a run: ``rouge_pair``, ``chrf_pair``, ``ReferenceFreeStats.add`` (returns the
record's own ``RecordStats``), ``is_wrong_language``. Per corpus: ``score_rouge``,
``score_translation`` and ``ReferenceFreeStats.result``. ``python -m summarize.tools.score`` wraps them.
"""

from summarize.checks.langid import detect_language, is_wrong_language
from summarize.evaluate.baseline import lead_k
from summarize.evaluate.mt import (
    TokenizerUnavailableError,
    chrf_pair,
    score_bleu,
    score_chrf,
    score_translation,
)
from summarize.evaluate.result import MetricResult
from summarize.evaluate.rouge import ROUGE_TYPES, rouge_pair, score_rouge
from summarize.evaluate.stats import RecordStats, ReferenceFreeStats, fragments, record_stats
from summarize.evaluate.tokens import TOKENIZER_MODES, UnicodeTokenizer, make_tokenizer

__all__ = [
    "ROUGE_TYPES",
    "TOKENIZER_MODES",
    "MetricResult",
    "RecordStats",
    "ReferenceFreeStats",
    "TokenizerUnavailableError",
    "UnicodeTokenizer",
    "chrf_pair",
    "detect_language",
    "fragments",
    "is_wrong_language",
    "lead_k",
    "make_tokenizer",
    "record_stats",
    "rouge_pair",
    "score_bleu",
    "score_chrf",
    "score_rouge",
    "score_translation",
]
