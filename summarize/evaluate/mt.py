"""Corpus BLEU, chrF and chrF++ through sacrebleu, with sacrebleu's own signatures.

The headline scores are exactly ``sacrebleu``'s ``corpus_score``. The 95 % intervals come from our
seeded bootstrap over sacrebleu's per-sentence sufficient statistics (the same statistics its own
``--confidence`` option resamples), so they share ``seed`` with the ROUGE intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from sacrebleu.metrics import BLEU, CHRF

from summarize.evaluate.bootstrap import statistic_interval
from summarize.evaluate.result import MetricResult


class TokenizerUnavailableError(ValueError):
    """A sacrebleu tokenizer that cannot be built here (no network, or an extra not installed)."""


def bleu_metric(tokenize: str = "13a", lowercase: bool = False) -> BLEU:
    if tokenize not in BLEU.TOKENIZERS:
        raise ValueError(
            f"unknown BLEU tokenizer {tokenize!r}; choose one of {sorted(BLEU.TOKENIZERS)}"
        )
    try:
        return BLEU(tokenize=tokenize, lowercase=lowercase)
    except (OSError, ImportError, RuntimeError) as exc:
        # URLError is an OSError: the SentencePiece tokenizers download their model on first use.
        raise TokenizerUnavailableError(
            f"sacrebleu tokenizer {tokenize!r} is unavailable here ({type(exc).__name__}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else 'no detail'}). It needs a "
            "model download or an extra package; use bleu.tokenize=13a or bleu.tokenize=intl "
            "offline, or fetch the model into ~/.sacrebleu/models once while online."
        ) from exc


def _corpus(
    name: str,
    metric: BLEU | CHRF,
    predictions: Sequence[str],
    references: Sequence[str],
    bootstrap: int,
    seed: int,
) -> MetricResult:
    refs = [list(references)]
    score = metric.corpus_score(list(predictions), refs)
    # Private but stable across sacrebleu 2.x (its significance module uses both).
    stats = np.array(metric._extract_corpus_statistics(list(predictions), refs), dtype=np.float64)
    ci = statistic_interval(
        stats, lambda row: float(metric._compute_score_from_stats(list(row)).score), bootstrap, seed
    )
    details: dict[str, Any] = {}
    if isinstance(metric, BLEU):
        details = {
            "precisions": [float(p) for p in score.precisions],
            "bp": float(score.bp),
            "sys_len": int(score.sys_len),
            "ref_len": int(score.ref_len),
        }
    return MetricResult(
        name=name,
        score=float(score.score),
        signature=str(metric.get_signature()),
        n=len(predictions),
        ci=ci,
        bootstrap=bootstrap,
        seed=seed,
        details=details,
    )


def _check(predictions: Sequence[str], references: Sequence[str]) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    if not predictions:
        raise ValueError("no prediction/reference pairs to score")


def score_bleu(
    predictions: Sequence[str],
    references: Sequence[str],
    *,
    tokenize: str = "13a",
    lowercase: bool = False,
    bootstrap: int = 1000,
    seed: int = 0,
) -> MetricResult:
    _check(predictions, references)
    metric = bleu_metric(tokenize, lowercase)
    return _corpus("bleu", metric, predictions, references, bootstrap, seed)


def score_chrf(
    predictions: Sequence[str],
    references: Sequence[str],
    *,
    word_order: int = 0,
    bootstrap: int = 1000,
    seed: int = 0,
) -> MetricResult:
    """chrF (word_order=0) or chrF++ (word_order=2)."""
    _check(predictions, references)
    name = "chrf++" if word_order == 2 else "chrf" if word_order == 0 else f"chrf-w{word_order}"
    return _corpus(name, CHRF(word_order=word_order), predictions, references, bootstrap, seed)


def score_translation(
    predictions: Sequence[str],
    references: Sequence[str],
    *,
    tokenize: str = "13a",
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict[str, MetricResult]:
    """BLEU, chrF and chrF++ of a corpus, keyed "bleu", "chrf", "chrf++"."""
    return {
        "bleu": score_bleu(
            predictions, references, tokenize=tokenize, bootstrap=bootstrap, seed=seed
        ),
        "chrf": score_chrf(predictions, references, word_order=0, bootstrap=bootstrap, seed=seed),
        "chrf++": score_chrf(predictions, references, word_order=2, bootstrap=bootstrap, seed=seed),
    }


@cache
def _sentence_chrf(word_order: int) -> CHRF:
    return CHRF(word_order=word_order)


def chrf_pair(prediction: str, reference: str, *, word_order: int = 0) -> float:
    """Sentence-level chrF (or chrF++ with word_order=2) of one record, 0-100."""
    return float(_sentence_chrf(word_order).sentence_score(prediction, [reference]).score)
