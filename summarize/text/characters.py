"""What Unicode says about characters, from the regex module's properties (never code-point ranges
written by hand): the digits of every script, what a word is made of, which script a letter is in.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import regex

# ZWNJ and ZWJ join the parts of one Persian (or Indic) word; never a boundary between words.
JOINERS = "\u200c\u200d"
# A word is a run of letters, combining marks (Latin accents in NFD, Arabic harakat, Devanagari
# vowel signs, the variation selectors of plane 14) and numbers, joiners included.
WORD_CHARS = rf"\p{{L}}\p{{M}}\p{{N}}{JOINERS}"
# The one definition of a word, in two cuts: ROUGE and the statistics keep "3pm" whole (as
# rouge-score does); the source checks take decimal digits apart, so "3pm" and "3 pm" tokenise alike.
WORD = regex.compile(rf"[{WORD_CHARS}]+")
WORD_DIGITS_APART = regex.compile(rf"\p{{Nd}}+|[{WORD_CHARS}--\p{{Nd}}]+", regex.VERSION1)


@cache
def _digit_table() -> dict[int, str]:
    # Every Unicode decimal digit (Persian ۰-۹, Arabic-Indic ٠-٩, Devanagari, ...) -> ASCII, one
    # character for one, so offsets in the translated text are offsets in the original.
    # (Digits newer than Python's own Unicode tables stay as they are.)
    digits = regex.findall(r"\p{Nd}", "".join(map(chr, range(0x80, 0x20000))))
    values = {ord(d): unicodedata.decimal(d, None) for d in digits}
    return {cp: str(value) for cp, value in values.items() if value is not None}


def ascii_digits(text: str) -> str:
    return text.translate(_digit_table())


@cache
def _script_letter(script: str) -> regex.Pattern[str] | None:
    try:
        # Script_Extensions: the tatweel and Arabic comma are "Common" but belong to Arabic text.
        return regex.compile(rf"\p{{Script_Extensions={script}}}")
    except (
        regex.error
    ):  # ISO 15924 codes of script mixes (Jpan, Kore, Hans) are not Unicode scripts
        return None


def knows_script(script: str | None) -> bool:
    return bool(script) and _script_letter(str(script)) is not None


def letters(text: str) -> list[str]:
    return regex.findall(r"\p{L}", text)


def script_share(text: str, script: str) -> float | None:
    """Share of the letters of ``text`` in ``script`` (ISO 15924, "Arab"); None without letters
    or for a code that is not one Unicode script."""
    pattern = _script_letter(script)
    found = letters(text)
    if pattern is None or not found:
        return None
    return sum(bool(pattern.match(c)) for c in found) / len(found)
