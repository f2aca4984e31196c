"""Sentence splitting with sentencex, as character spans that tile the text.

Spans (not strings) so that chunking can prove that every character of the article lands in a chunk.

sentencex never breaks inside a quotation, and news quotes run for paragraphs: on CNN/DailyMail a
quoted passage of 5-10 sentences came back as one "sentence" of 1,000+ characters, so "the first
three sentences" could be most of an article. ``_inner_cuts`` therefore splits each sentencex
segment again at sentence ends followed by the start of a new sentence (an upper-case letter,
or a letter of a script without case, after optional opening quotes), also inside quotes, with the
same abbreviation and decimal guards; at paragraph breaks (a blank line); and where scraped text
glued two sentences together ("inconnues.Lorsque").
"""

from __future__ import annotations

import re
from functools import cache

from sentencex import segment

from summarize.text.languages import base_language, language, text_settings

_DIGIT_DOT_END = re.compile(r"\d[.٫]$")
_DIGIT_START = re.compile(r"\d")
# A sentence end inside a segment: terminal marks, closing quotes or brackets (French puts a space
# before the closing guillemet: "fin. »"), then the gap before the next sentence.
_INNER_END = re.compile(r"[.!?…؟]+(?:[\"'’”»)\]]|\s[»”])*(?P<gap>\s*)")
_OPENERS = frozenset("\"'‘“«„([¿¡")
_WORD_BEFORE = re.compile(r"(\w+(?:\.\w+)*)$")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")


@cache
def _abbreviation_pattern(lang: str) -> re.Pattern[str] | None:
    # conf/lang/<code>.yaml lists the abbreviations after which sentencex still breaks.
    abbreviations = language(lang).text.abbreviations
    if not abbreviations:
        return None
    alternatives = "|".join(re.escape(a) for a in abbreviations)
    return re.compile(rf"(?:^|[\s(«\"'])(?:{alternatives})$")


def _glued(previous: str, current: str, abbreviation: re.Pattern[str] | None) -> bool:
    """True when sentencex split inside a decimal number or after a known abbreviation."""
    tail = previous.rstrip()
    if previous == tail and _DIGIT_DOT_END.search(tail) and _DIGIT_START.match(current):
        return True
    # "M. Dupont", and "M.Dupont" as scraped text writes it.
    glued_word = previous == tail and current[:1].isalpha()
    return bool(abbreviation and (previous != tail or glued_word) and abbreviation.search(tail))


def _starts_sentence(text: str, i: int) -> bool:
    """Optional opening quotes or brackets (and spaces), then a letter that is not lower-case.

    Letters of scripts without case (Persian, Arabic, ...) count: there a terminal mark followed by
    a new word is a boundary, as sentencex itself decides outside quotes.
    """
    n = len(text)
    while i < n and (text[i] in _OPENERS or text[i] == " "):
        i += 1
    return i < n and text[i].isalpha() and not text[i].islower()


def _abbreviated(before: str, abbreviations: frozenset[str]) -> bool:
    """True when the full stop ending ``before`` closes an abbreviation, initial or initialism."""
    match = _WORD_BEFORE.search(before)
    if not match:
        return True  # "... ." or a stop after punctuation: not a word's end, leave it
    word = match.group(1)
    return len(word) == 1 or "." in word or f"{word}.".casefold() in abbreviations


def _inner_cuts(text: str, start: int, end: int, abbreviations: frozenset[str]) -> list[int]:
    """Positions inside [start, end) where a new sentence starts that sentencex did not cut."""
    cuts = [start + m.end() for m in _PARAGRAPH.finditer(text, start, end)]
    for m in _INNER_END.finditer(text, start, end):
        cut = m.end()
        if cut >= end or not _starts_sentence(text, cut):
            continue
        before = text[start : m.start()]
        if text[m.start()] == "." and _abbreviated(before, abbreviations):
            continue
        if not m.group("gap"):
            # Glued without a space: only "word.Word" or "word.\"Word" (scraped paragraphs),
            # never "U.S.Army" or "3.5"; the letter after the capital must be lower-case.
            nxt = text[cut : cut + 3].lstrip("".join(_OPENERS))
            if not (
                before[-1:].islower() and len(nxt) >= 2 and (nxt[1].islower() or nxt[1] in "'’")
            ):
                continue
        cuts.append(cut)
    return sorted(c for c in set(cuts) if start < c < end)


def _refine(text: str, spans: list[tuple[int, int]], lang: str) -> list[tuple[int, int]]:
    abbreviations = frozenset(a.casefold() for a in language(lang).text.abbreviations)
    refined: list[tuple[int, int]] = []
    for start, end in spans:
        previous = start
        for cut in _inner_cuts(text, start, end, abbreviations):
            # Never leave a whitespace-only sentence on either side of a cut.
            if text[previous:cut].strip() and text[cut:end].strip():
                refined.append((previous, cut))
                previous = cut
        refined.append((previous, end))
    return refined


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
    return _whitespace_to_previous(text, _refine(text, spans, code))


def _whitespace_to_previous(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Leading whitespace of a sentence moves to the one before it (sentencex can return a
    whitespace-only first segment, "\n\n", then " 3"); whitespace-only sentences merge."""
    fixed: list[tuple[int, int]] = []
    for start, end in spans:
        if fixed:
            while start < end and text[start].isspace():
                start += 1
            if start == end:  # only whitespace: it belongs to the sentence before
                fixed[-1] = (fixed[-1][0], end)
                continue
            fixed[-1] = (fixed[-1][0], start)
        elif not text[start:end].strip() and end < len(text):
            continue  # a leading whitespace-only piece: the next sentence starts at 0 instead
        fixed.append((start if fixed else 0, end))
    return fixed


def split_sentences(text: str, lang: str | None = None) -> list[str]:
    """Sentences of ``text`` with surrounding whitespace stripped (empty ones dropped)."""
    return [s for a, b in sentence_spans(text, lang) if (s := text[a:b].strip())]
