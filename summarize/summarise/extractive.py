"""Weight-free summaries: the lead under a word budget (default), lead-k, and a centroid ranker.

``lead_words`` is the default because news puts the point first (the inverted pyramid), and on
CNN/DailyMail dev nothing weight-free that we measured beat the article's own order: re-ranking the
opening sentences by TF-IDF centrality, or weighting centrality by position, lost ROUGE against
Lead-3 (``python -m summarize.tools.bench.extractive`` prints the table). What Lead-3 gets wrong is
length: three long sentences can be 150 words, three short ones 30. So sentences are taken in
article order until the summary reaches ``words`` words (the sentence that reaches it is kept
whole) or has ``sentences`` sentences, whichever comes first.

``lead`` is exactly the Lead-k baseline every run reports (``baseline_lead3``): the first
``sentences`` sentences, no word budget. ``centroid`` (Radev et al. 2004, TF-IDF flavour) takes
sentences in order of similarity to the article's centroid under the same budget, and prints them
in article order. Language-aware through the pipeline's sentence splitter and normaliser.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from summarize.records import ArticleSummary, Chunk
from summarize.text.characters import WORD
from summarize.text.normalise import language_normaliser
from summarize.text.sentences import split_sentences

METHODS = ("lead_words", "lead", "centroid")


def words(text: str, lang: str | None) -> list[str]:
    # ZWNJ joins parts of one Persian word; dropping it keeps "می‌روند" a single token.
    return WORD.findall(language_normaliser(lang)(text).replace("\u200c", "").casefold())


def word_count(sentence: str) -> int:
    """Whitespace words: what a reader counts, in any script that separates words by spaces."""
    return len(sentence.split())


def take(
    order: Iterable[int], sentences: Sequence[str], k: int, max_words: int | None
) -> list[str]:
    """Sentences in ``order`` until ``k`` are taken or they reach ``max_words``; article order.

    The sentence that reaches the budget is kept whole (a summary never ends mid-sentence), so the
    summary can pass ``max_words`` by part of one sentence, and the first sentence is always kept.
    """
    chosen: list[int] = []
    total = 0
    for i in order:
        if len(chosen) >= k or (max_words is not None and total >= max_words):
            break
        chosen.append(i)
        total += word_count(sentences[i])
    return [sentences[i] for i in sorted(chosen)]


def lead(sentences: list[str], k: int) -> list[str]:
    return sentences[:k]


def lead_words(sentences: list[str], k: int, max_words: int | None) -> list[str]:
    return take(range(len(sentences)), sentences, k, max_words)


def centrality(sentences: Sequence[str], lang: str | None) -> list[float]:
    """Cosine of each sentence's TF-IDF vector (IDF over the article's sentences) to their sum."""
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

    return [similarity(v) for v in vectors]


def centroid(
    sentences: list[str], k: int, lang: str | None, max_words: int | None = None
) -> list[str]:
    """The sentences most similar to the article's TF-IDF centroid, in article order."""
    scores = centrality(sentences, lang)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return take(ranked, sentences, k, max_words)


def extractive_summary(
    text: str,
    lang: str | None,
    *,
    method: str = "lead_words",
    k: int = 3,
    max_words: int | None = 70,
) -> str:
    if method not in METHODS:
        raise ValueError(f"extractive method {method!r}: use one of {', '.join(METHODS)}")
    if k < 1:
        raise ValueError(f"summarizer.sentences must be at least 1, got {k}")
    sentences = split_sentences(text, lang)
    if method == "lead":
        chosen = lead(sentences, k)
    elif method == "centroid":
        chosen = centroid(sentences, k, lang, max_words)
    else:
        chosen = lead_words(sentences, k, max_words)
    return " ".join(chosen)


class ExtractiveSummariser:
    """No model: the whole article is one chunk."""

    def __init__(self, method: str, sentences: int, words: int | None = None) -> None:
        self.method = method
        self.sentences = sentences
        self.words = words

    def summarise(self, texts: Sequence[str], langs: Sequence[str]) -> list[ArticleSummary]:
        return [
            ArticleSummary(
                text=extractive_summary(
                    text, lang, method=self.method, k=self.sentences, max_words=self.words
                ),
                chunks=[Chunk(start=0, end=len(text), text="", n_tokens=0)],
                levels=1,
            )
            for text, lang in zip(texts, langs, strict=True)
        ]
