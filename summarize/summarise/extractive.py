"""Weight-free summaries: lead-k, and a centroid ranker (Radev et al. 2004, TF-IDF flavour).

Language-aware through the pipeline's sentence splitter and normaliser; no model, no download.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from summarize.records import ArticleSummary, Chunk
from summarize.text.normalise import language_normaliser
from summarize.text.sentences import split_sentences

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str, lang: str | None) -> list[str]:
    # ZWNJ joins parts of one Persian word; dropping it keeps "می‌روند" a single token.
    return _WORD.findall(language_normaliser(lang)(text).replace("\u200c", "").casefold())


def lead(sentences: list[str], k: int) -> list[str]:
    return sentences[:k]


def centroid(sentences: list[str], k: int, lang: str | None) -> list[str]:
    """The k sentences most similar to the article's TF-IDF centroid, in article order."""
    if len(sentences) <= k:
        return sentences
    bags = [Counter(words(s, lang)) for s in sentences]
    document_frequency = Counter(w for bag in bags for w in bag)
    n = len(sentences)
    idf = {w: math.log((1 + n) / (1 + df)) + 1.0 for w, df in document_frequency.items()}
    vectors = [{w: tf * idf[w] for w, tf in bag.items()} for bag in bags]
    centre: Counter[str] = Counter()
    for vector in vectors:
        centre.update(vector)
    centre_norm = math.sqrt(sum(v * v for v in centre.values())) or 1.0

    def similarity(vector: dict[str, float]) -> float:
        norm = math.sqrt(sum(v * v for v in vector.values()))
        return sum(v * centre[w] for w, v in vector.items()) / (norm * centre_norm) if norm else 0.0

    ranked = sorted(range(n), key=lambda i: (-similarity(vectors[i]), i))[:k]
    return [sentences[i] for i in sorted(ranked)]


def extractive_summary(text: str, lang: str | None, *, method: str = "centroid", k: int = 3) -> str:
    sentences = split_sentences(text, lang)
    chosen = lead(sentences, k) if method == "lead" else centroid(sentences, k, lang)
    return " ".join(chosen)


class ExtractiveSummariser:
    """No model: the whole article is one chunk."""

    def __init__(self, method: str, sentences: int) -> None:
        self.method = method
        self.sentences = sentences

    def summarise(self, texts: Sequence[str], langs: Sequence[str]) -> list[ArticleSummary]:
        return [
            ArticleSummary(
                text=extractive_summary(text, lang, method=self.method, k=self.sentences),
                chunks=[Chunk(start=0, end=len(text), text="", n_tokens=0)],
                levels=1,
            )
            for text, lang in zip(texts, langs, strict=True)
        ]
