"""Numbers in text as comparable values, across scripts, separators and (small) number words.

Shared by the faithfulness and translation checks so that "is this number in the source?" is decided
by one rule. A number mention gets a *set* of candidate values instead of one value, because the
writing alone is ambiguous: "1,000" is one thousand in English and 1.0 in French, "3.500" is 3.5 or
3500. Two mentions match when their sets intersect, so a translation that writes 3,5 for 3.5 or
۱٬۰۰۰ for 1 000 passes, while any changed digit still fails (no reading of "1,500" is 1000).
Clock times, numeric dates, decades, Roman ordinals and month names are read by
``checks.number_forms``; units after a number by ``checks.units``. Every language-specific word
comes from the language registry (conf/lang/<code>.yaml).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from summarize.checks import number_forms as forms
from summarize.checks.number_forms import Number
from summarize.checks.units import unit_after
from summarize.text.characters import ascii_digits
from summarize.text.languages import Language, configured_languages, language

__all__ = ["Number", "ascii_digits", "find_numbers", "number_values", "range_gap"]


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


@cache
def _ordinals(code: str) -> dict[str, int]:
    """The ordinals the language's suffixes make of its number words ("هفت" -> "هفتمین")."""
    spelling = language(code).text.numbers
    return {
        word.casefold() + suffix: value
        for word, value in spelling.words.items()
        for suffix in spelling.ordinal_suffixes
        if value > 0
    }


@cache
def _lexicon(code: str) -> dict[str, int]:
    spelling = language(code).text.numbers
    words = {word.casefold(): value for word, value in spelling.words.items()}
    excluded = {phrase.casefold() for phrase in spelling.not_numbers}
    return {w: v for w, v in {**_ordinals(code), **words}.items() if w not in excluded}


def _word_numbers(text: str, lang: Language) -> list[Number]:
    spelling = lang.text.numbers
    lexicon = _lexicon(lang.code)
    approximate = {word.casefold(): value for word, value in spelling.approximate.items()}
    decade_words = {word.casefold() for word in spelling.decade_words}
    if not lexicon and not approximate:
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
            before = _WORD.findall(text, max(0, start - 20), start)
            values = {value}
            if before and before[-1].casefold() in decade_words and value.endswith("0"):
                values = forms.decade_values(value)  # "دهه هفتاد": the seventies
            found.append(Number(start, end, text[start:end], frozenset(values), is_word=True))
        run.clear()

    for match in _WORD.finditer(text):
        word = match.group().casefold()
        previous, pair = word, (previous, word)
        if pair in not_numbers:
            word = "%"  # "pour cent" is "per cent", not a hundred
        if word in approximate:  # "une soixantaine": about 60, never part of a longer number
            flush()
            pending = False
            value = frozenset({str(approximate[word])})
            found.append(Number(match.start(), match.end(), match.group(), value, is_word=True))
            continue
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
        if word in _ordinals(lang.code) and run and run[-1][0] == match.start():
            flush()  # an ordinal ends its number: "سیزدهم و هفتمین" are two
            pending = False
    flush()
    return found


def find_numbers(text: str, lang: str | None = None, *, words: bool = True) -> list[Number]:
    """Number mentions of ``text`` in order; digits of any script, and number words of en/fr/fa.

    A digit number followed by a scale word ("3.5 million", "۲ میلیون") also gets the scaled value;
    one followed by a unit ("1,000 pounds") carries it.
    """
    reading = language(lang)
    plain = ascii_digits(text)
    found = [
        *forms.clock_times(plain, text, reading),
        *forms.numeric_dates(plain, text, reading),
        *forms.decades(plain, text, reading),
    ]
    taken = [(n.start, n.end) for n in found]
    for match in _NUMBER.finditer(plain):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        found.append(_digit_number(plain, text, match, reading))
    found = _with_units(plain, sorted(found, key=lambda n: n.start), reading)
    if words:
        taken = [(n.start, n.end) for n in found]
        in_words = [
            *_word_numbers(text, reading),
            *forms.roman_ordinals(text, reading),
            *forms.month_names(text, reading),
        ]
        found.extend(n for n in in_words if not any(a < n.end and n.start < b for a, b in taken))
        found.sort(key=lambda n: n.start)
    return found


def _digit_number(plain: str, text: str, match: re.Match[str], reading: Language) -> Number:
    start, end = match.start(), match.end()
    pieces = _GROUP_SPLIT.split(match.group())
    groups, seps = pieces[0::2], pieces[1::2]
    values = _readings(groups, seps, reading)
    if not seps and plain[start - 1 : start] == "." and not plain[start - 2 : start - 1].isdigit():
        values.add(_canonical("0", groups[0]))  # ".08%" is 0.08 %
        start -= 1
    after = _WORD.match(plain, end + (plain[end : end + 1] == " "))
    scale = _scales().get(after.group().casefold()) if after else None
    if after and scale:
        values |= {_scaled(v, scale) for v in values}
        end = after.end()
    return Number(start, end, text[start:end], frozenset(values))


@cache
def range_gap(code: str) -> re.Pattern[str]:
    """What stands between the two ends of a range: "100 to 250 meters", "du XIe au XIIIe"."""
    words = sorted(language(code).text.numbers.range_words, key=len, reverse=True)
    return re.compile("|".join([r"\s*[-–—]\s*", *(rf"\s+{re.escape(w)}\s+" for w in words)]))


def _with_units(plain: str, numbers: list[Number], reading: Language) -> list[Number]:
    """Each number with the unit written after it; the first end of a range takes the second's."""
    found = []
    for number in numbers:
        unit = unit_after(plain, number.end, reading.code)
        found.append(replace(number, unit=unit[0]) if unit else number)
    for i in range(len(found) - 2, -1, -1):
        first, second = found[i], found[i + 1]
        gap = plain[first.end : second.start]
        if first.unit is None and second.unit and range_gap(reading.code).fullmatch(gap):
            found[i] = replace(first, unit=second.unit)
    return found


def _scaled(value: str, scale: int) -> str:
    integer, _, fraction = value.partition(".")
    digits = len(str(scale)) - 1
    fraction = fraction.ljust(digits, "0")
    return _canonical(integer + fraction[:digits], fraction[digits:])


def number_values(numbers: list[Number]) -> set[str]:
    return {v for n in numbers for v in n.values}
