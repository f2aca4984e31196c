"""Word tokens with character offsets and comparison keys, for the source-based checks.

A key is what two words must share to count as "the same word": casefolded, the language's
normaliser applied (Persian: Arabic yeh/kaf unified), ZWNJ/ZWJ removed, digits in ASCII, then a
light stem (the Snowball stemmer that conf/lang/<code>.yaml names: English, French; the affixes
it lists as written apart with a ZWNJ -- Persian "می‌", "‌ها", "‌های", ... -- are dropped). Offsets
always point into the text as given, so spans can be highlighted in it. What a word is comes from
``text.characters``, stopwords and the rest from the language registry (``text.languages``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from nltk.stem.snowball import SnowballStemmer

from summarize.text.characters import JOINERS, ascii_digits
from summarize.text.characters import WORD_DIGITS_APART as WORD
from summarize.text.languages import base_language, configured_languages, language
from summarize.text.normalise import language_normaliser

__all__ = ["STOPWORDS", "WORD", "Token", "glued_parts", "is_stopword", "tokens", "word_key"]

_JOINERS = str.maketrans("", "", JOINERS)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class _Stopwords(Mapping[str, frozenset[str]]):
    """``STOPWORDS[lang]``: the stopwords of conf/lang/<lang>.yaml, read when first asked."""

    def __getitem__(self, lang: str) -> frozenset[str]:
        found = language(lang)
        if found.code != lang or not found.stopwords:
            raise KeyError(lang)
        return found.stopwords

    def __iter__(self) -> Iterator[str]:
        return (code for code in configured_languages() if language(code).stopwords)

    def __len__(self) -> int:
        return sum(1 for _ in self)


STOPWORDS: Mapping[str, frozenset[str]] = _Stopwords()


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    key: str
    stop: bool


@cache
def _stemmer(lang: str) -> Callable[[str], str] | None:
    name = language(lang).text.stemmer
    return SnowballStemmer(name).stem if name else None


@cache
def _normaliser(lang: str) -> Callable[[str], str]:
    return language_normaliser(lang)


@lru_cache(maxsize=200_000)
def word_key(word: str, lang: str) -> str:
    """The comparison key of one word (see the module docstring)."""
    text = ascii_digits(unicodedata.normalize("NFC", word).casefold())
    text = unicodedata.normalize("NFC", _normaliser(lang)(text))
    affixes = language(lang).detached_affixes
    if affixes:
        parts = [p for p in text.split("\u200c") if p]
        kept = [p for p in parts if p not in affixes]
        text = "".join(kept or parts)
    text = ascii_digits(text.translate(_JOINERS))  # the Persian normaliser writes Persian digits
    stem = _stemmer(lang)
    return stem(text) if stem and len(text) > 3 and not text.isdigit() else text


def is_stopword(word: str, lang: str) -> bool:
    return word.casefold().translate(_JOINERS) in language(lang).stopwords


def tokens(text: str, lang: str | None = None) -> list[Token]:
    code = base_language(lang)
    return [
        Token(
            m.start(), m.end(), m.group(), word_key(m.group(), code), is_stopword(m.group(), code)
        )
        for m in WORD.finditer(text)
    ]


def glued_parts(word: str) -> list[str]:
    """ "linkInfectiously" -> ["link", "Infectiously"]: words glued when HTML lost its breaks."""
    parts = _CAMEL.split(word)
    return parts if len(parts) > 1 else []
