"""Reference-free statistics of outputs against their sources, accumulated in a stream.

Words are the unstemmed ``unicode`` ROUGE tokens (see ``tokens.py``), so Persian ZWNJ words and
Arabic/Persian letter variants count the same way everywhere. Extractive fragment coverage and
density follow Grusky et al. 2018 (Newsroom, section 4.1, greedy shared-fragment algorithm).
Per-output shares (novel n-grams, repeated 3-grams) are averaged over outputs long enough to have
such n-grams (macro average, as in the Newsroom and XSum papers).

Memory is constant: each quantity keeps a count, mean, variance (Welford), min and max.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from summarize.checks.langid import is_wrong_language
from summarize.evaluate.tokens import words

NOVEL_NGRAM_ORDERS = (1, 2, 3)
REPEAT_ORDER = 3


def fragments(summary: Sequence[str], article: Sequence[str]) -> list[int]:
    """Lengths of the greedy extractive fragments of ``summary`` in ``article`` (Grusky et al.).

    For each summary position the longest article match starting there is taken and the cursor
    jumps past it; an article index by token makes it O(|summary| x matches) instead of a full scan.
    """
    positions: dict[str, list[int]] = defaultdict(list)
    for j, token in enumerate(article):
        positions[token].append(j)
    found: list[int] = []
    i = 0
    while i < len(summary):
        best = 0
        skip_to = 0  # the paper's loop resumes after the end of each match it tries
        for j in positions.get(summary[i], ()):
            if j < skip_to:
                continue
            length = 0
            while (
                i + length < len(summary)
                and j + length < len(article)
                and summary[i + length] == article[j + length]
            ):
                length += 1
            best = max(best, length)
            skip_to = j + length
        if best:
            found.append(best)
        i += max(best, 1)
    return found


def _ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


@dataclass(frozen=True)
class RecordStats:
    """Statistics of one (source, output) pair; None where undefined (e.g. an empty output)."""

    source_words: int
    output_words: int
    compression: float | None
    coverage: float | None
    density: float | None
    novel: dict[int, float | None]  # n -> share of output n-grams absent from the source
    repeated_3gram: float | None
    empty: bool
    wrong_language: bool | None


def record_stats(
    source: str, output: str, lang: str, *, source_lang: str | None = None
) -> RecordStats:
    """Everything but the language check for one pair (``source_lang`` defaults to ``lang``)."""
    src, out = words(source, source_lang or lang), words(output, lang)
    frags = fragments(out, src) if out else []
    novel: dict[int, float | None] = {}
    for n in NOVEL_NGRAM_ORDERS:
        grams = _ngrams(out, n)
        source_grams = set(_ngrams(src, n))
        novel[n] = sum(g not in source_grams for g in grams) / len(grams) if grams else None
    trigrams = _ngrams(out, REPEAT_ORDER)
    return RecordStats(
        source_words=len(src),
        output_words=len(out),
        compression=len(src) / len(out) if out else None,
        coverage=sum(frags) / len(out) if out else None,
        density=sum(f * f for f in frags) / len(out) if out else None,
        novel=novel,
        repeated_3gram=1 - len(set(trigrams)) / len(trigrams) if trigrams else None,
        empty=not output.strip(),
        wrong_language=None,
    )


@dataclass
class Running:
    """Count, mean, variance (Welford), min and max of a stream of numbers."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    low: float = math.inf
    high: float = -math.inf

    def add(self, x: float | None) -> None:
        if x is None:
            return
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)
        self.low, self.high = min(self.low, x), max(self.high, x)

    def result(self) -> dict[str, Any] | None:
        if not self.n:
            return None
        std = math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0
        return {"n": self.n, "mean": self.mean, "std": std, "min": self.low, "max": self.high}


@dataclass
class _Share:
    hits: int = 0
    known: int = 0

    def add(self, flag: bool | None) -> None:
        if flag is not None:
            self.known += 1
            self.hits += bool(flag)

    def result(self) -> dict[str, Any]:
        return {
            "count": self.hits,
            "of": self.known,
            "share": self.hits / self.known if self.known else None,
        }


@dataclass
class ReferenceFreeStats:
    """Streaming accumulator: ``add`` each (source, output) pair, read ``result()`` at the end.

    ``check_language``: run ``is_wrong_language`` on outputs whose caller passes no verdict.
    """

    check_language: bool = True
    records: int = field(default=0, init=False)
    _values: dict[str, Running] = field(default_factory=lambda: defaultdict(Running), init=False)
    _shares: dict[str, _Share] = field(default_factory=lambda: defaultdict(_Share), init=False)

    def add(
        self,
        source: str,
        output: str,
        lang: str,
        *,
        source_lang: str | None = None,
        source_tokens: int | None = None,
        output_tokens: int | None = None,
        hit_max_new_tokens: bool | None = None,
        wrong_language: bool | None = None,
    ) -> RecordStats:
        """Add one pair; ``lang`` is the output's language. Returns the pair's own statistics."""
        stats = record_stats(source, output, lang, source_lang=source_lang)
        if wrong_language is None and self.check_language and not stats.empty:
            wrong_language = is_wrong_language(output, lang)
        self.records += 1
        v = self._values
        v["source_chars"].add(len(source))
        v["output_chars"].add(len(output))
        v["source_words"].add(stats.source_words)
        v["output_words"].add(stats.output_words)
        v["source_tokens"].add(source_tokens)
        v["output_tokens"].add(output_tokens)
        v["compression_ratio"].add(stats.compression)
        v["coverage"].add(stats.coverage)
        v["density"].add(stats.density)
        for n, share in stats.novel.items():
            v[f"novel_{n}gram_share"].add(share)
        v[f"repeated_{REPEAT_ORDER}gram_share"].add(stats.repeated_3gram)
        self._shares["empty_outputs"].add(stats.empty)
        self._shares["hit_max_new_tokens"].add(hit_max_new_tokens)
        self._shares["wrong_language"].add(wrong_language)
        return replace(stats, wrong_language=wrong_language)

    def result(self) -> dict[str, Any]:
        return {
            "records": self.records,
            **{name: running.result() for name, running in sorted(self._values.items())},
            **{name: share.result() for name, share in sorted(self._shares.items())},
        }
