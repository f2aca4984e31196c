"""Numbers in text as comparable values, across scripts, separators and (small) number words.

Shared by the faithfulness and translation checks so that "is this number in the source?" is decided
by one rule. A number mention gets a *set* of candidate values instead of one value, because the
writing alone is ambiguous: "1,000" is one thousand in English and 1.0 in French, "3.500" is 3.5 or
3500. Two mentions match when their sets intersect, so a translation that writes 3,5 for 3.5 or
۱٬۰۰۰ for 1 000 passes, while any changed digit still fails (no reading of "1,500" is 1000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarize.text.characters import ascii_digits
from summarize.text.languages import Language, configured_languages, language

__all__ = ["Number", "ascii_digits", "find_numbers", "number_values"]


@dataclass(frozen=True)
class Number:
    start: int  # character offsets into the text it was found in
    end: int
    text: str
    values: frozenset[str]  # canonical decimal strings: "1000", "3.5"
    is_word: bool = False  # written in words ("five", "quatre-vingt")


# Separators between digit groups: thousands (, . ' ’ ٬ and spaces before exactly three digits) and
# decimal (. , ٫). A space only joins groups of three digits ("1 000", French and Persian style).
# The Arabic comma (U+060C) also groups thousands in Persian text ("۳۹،۷۶۸").
_SPACES = " \u00a0\u202f\u2009"
_NUMBER = re.compile(rf"\d+(?:(?:[,.'’\u060c\u066b\u066c/]|[{_SPACES}](?=\d{{3}}(?!\d)))\d+)*")
_GROUP_SPLIT = re.compile(rf"([,.'’\u060c\u066b\u066c/{_SPACES}])")
_THOUSANDS_ONLY = {"'", "’", "\u060c", "\u066c", *_SPACES}


def _canonical(integer: str, fraction: str = "") -> str:
    integer = integer.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{integer}.{fraction}" if fraction else integer


# A lone "," or "." before exactly three digits is decided by the language's decimal symbol
# (text.languages, from CLDR): "1,000" is a thousand in English and 1.0 in French, "1.000" the
# reverse. Where the decimal symbol is neither (Persian writes ٫ and ٬, but texts mix in "," and
# "."), both readings are kept.
def _may_group(sep: str, lang: Language, count: int) -> bool:
    if sep in _THOUSANDS_ONLY:
        return True
    return sep in ",." and (count > 1 or lang.decimal != sep)


def _may_decimal(sep: str, lang: Language, digits: int) -> bool:
    if sep == "\u066b":
        return True
    if sep in lang.text.decimal_also:
        return True
    other = {",": ".", ".": ","}.get(sep)
    return other is not None and not (digits == 3 and lang.decimal == other)


def _readings(groups: list[str], seps: list[str], lang: Language) -> set[str]:
    """Every value the digit groups can stand for (see the module docstring)."""
    if not seps:
        return {_canonical(groups[0])}
    values: set[str] = set()
    lead_ok = len(groups[0]) <= 3
    if (
        lead_ok
        and len(set(seps)) == 1
        and all(len(g) == 3 for g in groups[1:])
        and _may_group(seps[0], lang, len(seps))
    ):
        values.add(_canonical("".join(groups)))
    last = seps[-1]
    head = seps[:-1]
    if _may_decimal(last, lang, len(groups[-1])) and (
        not head
        or (
            lead_ok
            and len(set(head)) == 1
            and head[0] != last
            and all(len(g) == 3 for g in groups[1:-1])
            and _may_group(head[0], lang, 2)
        )
    ):
        values.add(_canonical("".join(groups[:-1]), groups[-1]))
    if not values:
        # Dates, versions, scores or two numbers side by side ("5 100"): the groups themselves.
        values.update(_canonical(g) for g in groups)
    return values


def _joins(rule: str, last: int, following: int) -> bool:
    """Whether "<last> and <following>" is one number: "one hundred and five", "vingt et un",
    "بیست و پنج" -- but not "two and three" or "twenty and one hundred"."""
    if rule == "hundreds":
        return last >= 100 and last % 100 == 0 and following < 100
    if rule == "tens_and_one":
        return last in (20, 30, 40, 50, 60) and following in (1, 11)
    if rule == "descending":
        return following < last
    raise ValueError(f"unknown connector_joins {rule!r}: hundreds, tens_and_one or descending")


@cache
def _scales() -> dict[str, int]:
    """Scale words after digits ("3.5 million", "۲ میلیون"), in any configured language."""
    return {
        word: value
        for code in configured_languages()
        for word, value in language(code).text.numbers.words.items()
        if value >= 1000
    }


_WORD = re.compile(r"[^\W\d_]+")


def _words_value(values: list[int], vigesimal: bool) -> int:
    total, current = 0, 0
    for v in values:
        if vigesimal and v == 20 and 1 < current % 100 < 10:
            current += (current % 100) * 19  # "quatre-vingt(s)" is 4 x 20
        elif v == 100:
            current = (current or 1) * 100
        elif v >= 1000:
            total += (current or 1) * v
            current = 0
        else:
            current += v
    return total + current


def _word_numbers(text: str, lang: Language) -> list[Number]:
    spelling = lang.text.numbers
    lexicon = {word.casefold(): value for word, value in spelling.words.items()}
    if not lexicon:
        return []
    connector = spelling.connector
    not_numbers = {tuple(phrase.casefold().split()) for phrase in spelling.not_numbers}
    previous = ""
    found: list[Number] = []
    run: list[tuple[int, int, int]] = []  # (start, end, value) of the current run of number words
    pending = False  # a connector ("and", "et", "و") right after the run

    def flush() -> None:
        # A lone "one"/"un"/"une"/"یک" is an article or a pronoun far more often than a count.
        if run and not (len(run) == 1 and run[0][2] == 1):
            start, end = run[0][0], run[-1][1]
            value = str(_words_value([v for _, _, v in run], spelling.vigesimal))
            found.append(Number(start, end, text[start:end], frozenset({value}), is_word=True))
        run.clear()

    for match in _WORD.finditer(text):
        word = match.group().casefold()
        previous, pair = word, (previous, word)
        if pair in not_numbers:
            word = "%"  # "pour cent" is "per cent", not a hundred
        gap = text[run[-1][1] : match.start()] if run else ""
        joined = (
            pending
            and word in lexicon
            and _joins(spelling.connector_joins, run[-1][2], lexicon[word])
        )
        if word in lexicon and run and (joined or (not pending and not gap.strip(" -"))):
            run.append((match.start(), match.end(), lexicon[word]))
            pending = False
        elif run and word == connector and not gap.strip(" -") and not pending:
            pending = True
        else:
            flush()
            pending = False
            if word in lexicon:
                run.append((match.start(), match.end(), lexicon[word]))
    flush()
    return found


def find_numbers(text: str, lang: str | None = None, *, words: bool = True) -> list[Number]:
    """Number mentions of ``text`` in order; digits of any script, and number words of en/fr/fa.

    A digit number followed by a scale word ("3.5 million", "۲ میلیون") also gets the scaled value.
    """
    reading = language(lang)
    plain = ascii_digits(text)
    found: list[Number] = []
    for match in _NUMBER.finditer(plain):
        end = match.end()
        pieces = _GROUP_SPLIT.split(match.group())
        groups, seps = pieces[0::2], pieces[1::2]
        values = _readings(groups, seps, reading)
        after = _WORD.match(plain, match.end() + (plain[match.end() : match.end() + 1] == " "))
        scale = _scales().get(after.group().casefold()) if after else None
        if plain[match.start() - 1 : match.start()] != ":" and _PM.match(plain, end):
            values |= {str(int(v) + 12) for v in values if v.isdigit() and int(v) < 12}
        if after and scale:
            values |= {_scaled(v, scale) for v in values}
            end = after.end()
        found.append(Number(match.start(), end, text[match.start() : end], frozenset(values)))
    if words:
        taken = [(n.start, n.end) for n in found]
        found.extend(
            n
            for n in _word_numbers(text, reading)
            if not any(a < n.end and n.start < b for a, b in taken)
        )
        found.sort(key=lambda n: n.start)
    return found


# "11:35 pm" is "23 h 35" in French and Persian.
_PM = re.compile(r"(?::\d\d)?\s?p\.?\s?m\b\.?", re.IGNORECASE)


def _scaled(value: str, scale: int) -> str:
    integer, _, fraction = value.partition(".")
    digits = len(str(scale)) - 1
    fraction = fraction.ljust(digits, "0")
    return _canonical(integer + fraction[:digits], fraction[digits:])


def number_values(numbers: list[Number]) -> set[str]:
    return {v for n in numbers for v in n.values}
