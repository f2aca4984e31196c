"""Sentence splitting with sentencex, as character spans that tile the text.

Spans (not strings) so that chunking can prove that every character of the article lands in a chunk.
"""

from __future__ import annotations

import re
from functools import cache

from sentencex import segment

from summarize.text.languages import base_language, text_settings

# Abbreviations after which sentencex still breaks in these languages (seen on real text).
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "fr": (
        "M.",
        "MM.",
        "Mme.",
        "Mlle.",
        "Dr.",
        "Pr.",
        "St.",
        "Ste.",
        "av.",
        "env.",
        "etc.",
        "p.",
        "vol.",
        "n°.",
    ),
    "en": ("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr.", "U.S.", "U.K.", "No.", "vs."),
    "de": ("z.B.", "bzw.", "Dr.", "Nr.", "St.", "usw.", "ca."),
    "es": ("Sr.", "Sra.", "Dr.", "Dra.", "Ud.", "etc."),
}
_DIGIT_DOT_END = re.compile(r"\d[.٫]$")
_DIGIT_START = re.compile(r"\d")


@cache
def _abbreviation_pattern(lang: str) -> re.Pattern[str] | None:
    abbreviations = _ABBREVIATIONS.get(lang)
    if not abbreviations:
        return None
    alternatives = "|".join(re.escape(a) for a in abbreviations)
    return re.compile(rf"(?:^|[\s(«\"'])(?:{alternatives})$")


def _glued(previous: str, current: str, abbreviation: re.Pattern[str] | None) -> bool:
    """True when sentencex split inside a decimal number or after a known abbreviation."""
    tail = previous.rstrip()
    if previous == tail and _DIGIT_DOT_END.search(tail) and _DIGIT_START.match(current):
        return True
    return bool(abbreviation and previous != tail and abbreviation.search(tail))


def sentence_spans(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """Half-open spans [start, end) of the sentences of ``text``, in order, covering it exactly.

    Whitespace between sentences belongs to the sentence before it; a whitespace-only segment
    (a paragraph break) is merged into the previous sentence.
    """
    if not text:
        return []
    code = base_language(lang) or "en"
    splitter = text_settings(code).splitter
    if splitter != "sentencex":
        raise ValueError(f"splitter {splitter!r} for {code!r}: the only splitter is sentencex")
    abbreviation = _abbreviation_pattern(code)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in segment(code, text):
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start != cursor:  # sentencex dropped characters; keep them with the previous sentence
            start = cursor
        end = max(start + len(piece), cursor)
        if spans and (
            not piece.strip() or _glued(text[spans[-1][0] : spans[-1][1]], piece, abbreviation)
        ):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        cursor = end
    if cursor < len(text):
        if spans:
            spans[-1] = (spans[-1][0], len(text))
        else:
            spans.append((0, len(text)))
    return spans


def split_sentences(text: str, lang: str | None = None) -> list[str]:
    """Sentences of ``text`` with surrounding whitespace stripped (empty ones dropped)."""
    return [s for a, b in sentence_spans(text, lang) if (s := text[a:b].strip())]
