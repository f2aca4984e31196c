"""ROUGE-1/2/L/Lsum with rouge-score, a language-aware tokenizer and bootstrap intervals.

Corpus score = mean over pairs of the per-pair F1 (and P, R) x 100, the convention of rouge-score's
``BootstrapAggregator`` and of the published CNN/DM tables. rougeLsum needs one sentence per line
(rouge-score splits it on "\\n"), so both sides are re-split with ``split_sentences`` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.metadata import version

import numpy as np
from rouge_score import rouge_scorer

from summarize.evaluate.bootstrap import mean_interval
from summarize.evaluate.result import MetricResult
from summarize.evaluate.tokens import make_tokenizer, resolve_stemmer
from summarize.text.languages import base_language
from summarize.text.sentences import split_sentences

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
_VERSION = version("rouge-score")


def lsum_text(text: str, lang: str) -> str:
    """One sentence per line, as rougeLsum expects; newlines inside a sentence become spaces."""
    return "\n".join(" ".join(s.split()) for s in split_sentences(text, lang))


def rouge_signature(rouge_type: str, tokenizer: str, lang: str, stem: bool) -> str:
    code = base_language(lang) or "und"
    return (
        f"{rouge_type}|tok:{tokenizer}-{code}|stem:{'yes' if stem else 'no'}"
        f"|lsum-split:sentencex|version:rouge-score-{_VERSION}"
    )


@cache
def _scorer(
    types: tuple[str, ...], tokenizer: str, lang: str, stem: bool
) -> rouge_scorer.RougeScorer:
    return rouge_scorer.RougeScorer(list(types), tokenizer=make_tokenizer(tokenizer, lang, stem))


def _pair_scores(
    prediction: str, reference: str, lang: str, tokenizer: str, stem: bool
) -> np.ndarray:
    """(4 rouge types) x (precision, recall, F1), each 0-1."""
    code = base_language(lang)
    # rouge-score's argument order is (target, prediction).
    plain = _scorer(ROUGE_TYPES[:3], tokenizer, code, stem).score(reference, prediction)
    summed = _scorer(("rougeLsum",), tokenizer, code, stem).score(
        lsum_text(reference, lang), lsum_text(prediction, lang)
    )
    rows = [plain[t] for t in ROUGE_TYPES[:3]] + [summed["rougeLsum"]]
    return np.array([[s.precision, s.recall, s.fmeasure] for s in rows], dtype=np.float64)


def rouge_pair(
    prediction: str,
    reference: str,
    *,
    lang: str,
    tokenizer: str = "unicode",
    stemmer: bool | None = None,
) -> dict[str, float]:
    """Per-record F1 x 100 for rouge1, rouge2, rougeL and rougeLsum."""
    stem = resolve_stemmer(tokenizer, lang, stemmer)
    scores = _pair_scores(prediction, reference, lang, tokenizer, stem)
    return {t: float(scores[i, 2] * 100) for i, t in enumerate(ROUGE_TYPES)}


def score_rouge(
    predictions: Sequence[str],
    references: Sequence[str],
    *,
    lang: str,
    tokenizer: str = "unicode",
    stemmer: bool | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict[str, MetricResult]:
    """Corpus ROUGE: mean per-pair F1 (score), precision and recall x 100, with 95 % intervals."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    if not predictions:
        raise ValueError("no prediction/reference pairs to score")
    stem = resolve_stemmer(tokenizer, lang, stemmer)
    make_tokenizer(tokenizer, lang, stem)  # fail on a bad mode before scoring anything
    per_pair = (
        np.stack(
            [
                _pair_scores(p, r, lang, tokenizer, stem)
                for p, r in zip(predictions, references, strict=True)
            ]
        )
        * 100
    )  # (pairs, types, [P, R, F])
    results = {}
    for i, rouge_type in enumerate(ROUGE_TYPES):
        p, r, f = (per_pair[:, i, j] for j in range(3))
        results[rouge_type] = MetricResult(
            name=rouge_type,
            score=float(f.mean()),
            signature=rouge_signature(rouge_type, tokenizer, lang, stem),
            n=len(f),
            ci=mean_interval(f, bootstrap, seed),
            bootstrap=bootstrap,
            seed=seed,
            details={
                "precision": float(p.mean()),
                "recall": float(r.mean()),
                "precision_ci95": mean_interval(p, bootstrap, seed),
                "recall_ci95": mean_interval(r, bootstrap, seed),
            },
        )
    return results
