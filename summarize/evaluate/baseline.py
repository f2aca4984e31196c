"""Lead-k: the first k sentences of the source, the baseline every summary should beat."""

from __future__ import annotations

from summarize.text.sentences import split_sentences


def lead_k(text: str, lang: str, k: int = 3) -> str:
    """First ``k`` sentences of ``text`` (split as everywhere else), joined by single spaces.

    Score it with the same ``score_rouge`` call as the model outputs; rougeLsum re-splits it.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return " ".join(split_sentences(text, lang)[:k])
