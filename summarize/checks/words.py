"""Word tokens with character offsets and comparison keys, for the source-based checks.

A key is what two words must share to count as "the same word": casefolded, the language's
normaliser applied (Persian: Arabic yeh/kaf unified), ZWNJ/ZWJ removed, digits in ASCII, then a
light stem (Snowball for English and French; for Persian the affixes that are written apart with a
ZWNJ -- "می‌", "‌ها", "‌های", ... -- are dropped). Offsets always point into the text as given, so
spans can be highlighted in it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from nltk.stem.snowball import SnowballStemmer

from summarize.checks.numbers import ascii_digits
from summarize.text.languages import base_language
from summarize.text.normalise import language_normaliser

# Letters and the combining marks that live inside words (Latin accents in NFD, Arabic harakat),
# with ZWNJ/ZWJ, which join the parts of one Persian word; digits are separate tokens so that
# "3pm" and "3 pm" tokenise alike.
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d"
WORD = re.compile(rf"\d+|(?:[^\W\d_]|[{_MARKS}])+")
_JOINERS = str.maketrans("", "", "\u200c\u200d")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": _wordlist(
        """a an the and or but if of to in on at by for with from as is are was were be been being
        has have had do does did will would can could should may might must shall this that these
        those it its he she they we you i me him her them us my your his their our who whom which
        what when where why how not no so than then there here also just only very too more most
        such into over under about after before up down out off again further once all any both
        each few other some own same now s t n ll re ve d m said says say told tell according"""
    ),
    "fr": _wordlist(
        """le la les l un une des de du d et ou mais donc or ni car à au aux en dans par pour sur
        sous avec sans chez vers entre ce cet cette ces c ça cela ceci qui que qu quoi dont où il
        elle ils elles on je j tu nous vous me m te t se s lui leur leurs son sa ses mon ma mes ton
        ta tes notre nos votre vos y ne n pas plus moins très aussi bien est sont était étaient été
        être a ont avait avaient eu avoir fait comme si tout tous toute toutes même ainsi alors
        puis déjà encore selon dit déclaré affirmé"""
    ),
    "fa": _wordlist(
        """و در به از که این را با است برای آن یک خود تا بر هم نیز شد شده ها های ای شود دارد کند
        کنند باید بود هر او ما من تو آنها شما وی همه پس اگر چه چون نه بی پیش روی زیر بین کرده
        کرد کردن شدن داشت دارند بودند هستند نیست همین همان چنین زیرا ولی اما یا دیگر می گفت
        گفته افزود"""
    ),
}
# Persian affixes written apart from the stem with a ZWNJ ("می‌روند", "کتاب‌ها").
_FA_AFFIXES = _wordlist("می نمی ها های هایی ای ی تر ترین ام ات اش مان تان شان")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    key: str
    stop: bool


@cache
def _stemmer(lang: str) -> Callable[[str], str] | None:
    name = {"en": "english", "fr": "french"}.get(lang)
    return SnowballStemmer(name).stem if name else None


@cache
def _normaliser(lang: str) -> Callable[[str], str]:
    return language_normaliser(lang)


@lru_cache(maxsize=200_000)
def word_key(word: str, lang: str) -> str:
    """The comparison key of one word (see the module docstring)."""
    text = ascii_digits(unicodedata.normalize("NFC", word).casefold())
    text = unicodedata.normalize("NFC", _normaliser(lang)(text))
    if lang == "fa":
        parts = [p for p in text.split("\u200c") if p]
        kept = [p for p in parts if p not in _FA_AFFIXES]
        text = "".join(kept or parts)
    text = ascii_digits(text.translate(_JOINERS))  # the Persian normaliser writes Persian digits
    stem = _stemmer(lang)
    return stem(text) if stem and len(text) > 3 and not text.isdigit() else text


def is_stopword(word: str, lang: str) -> bool:
    return word.casefold().translate(_JOINERS) in STOPWORDS.get(lang, frozenset())


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
