"""Numbers as people write them, beyond digits and separators: clock times, numeric dates, decades,
Roman ordinals and month names, read the same way for every language from its conf/lang words.

Each form becomes ``Number``s whose values are comparable across languages: a clock time is
"21:30" whether written ``9.30pm``, ``21h30``, ``21:30`` or ``۲۱:۳۰``; a numeric date is one number
per part, the month also as "month:1" so that ``2015-01-15`` meets ``15 janvier 2015``; a decade
is also "decade:80" so that ``the 1980s`` meets ``les années 80`` and ``دهه ۸۰``. Values stay
specific enough that any changed digit gives a value the other text does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarize.text.languages import Language


@dataclass(frozen=True)
class Number:
    start: int  # character offsets into the text it was found in
    end: int
    text: str
    values: frozenset[str]  # canonical decimal strings: "1000", "3.5"; forms: "21:30", "month:1"
    is_word: bool = False  # written in words ("five", "quatre-vingt", "XXe", "janvier")
    unit: str | None = None  # checks.units: "kg", "mi"


_BEFORE = r"(?<![\d.,:/])"
_UNIVERSAL_ZONES = r"GMT|UTC|Z"  # after military time: "1200 GMT"


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or r"(?!x)x"


@dataclass(frozen=True)
class _Patterns:
    colon: re.Pattern[str]
    hour_word: re.Pattern[str]
    day_period: re.Pattern[str]
    military: re.Pattern[str]
    am: frozenset[str]


@cache
def _patterns(am: tuple[str, ...], pm: tuple[str, ...], hours: tuple[str, ...]) -> _Patterns:
    period = rf"(?:\s?(?P<period>{_alternatives([*am, *pm])})(?![^\W_]))?"
    return _Patterns(
        colon=re.compile(rf"{_BEFORE}(?P<h>\d{{1,2}}):(?P<m>\d\d)(?![\d:]){period}", re.I),
        hour_word=re.compile(
            rf"{_BEFORE}(?P<h>\d{{1,2}})\s?(?:{_alternatives(list(hours))})"
            rf"(?:\s?(?P<m>\d\d))?(?![^\W_]){period}"
            if hours
            else r"(?!x)x"
        ),
        # "9pm", "9.30 p.m.": the day period is what makes it a time.
        day_period=re.compile(
            rf"{_BEFORE}(?P<h>\d{{1,2}})(?:\.(?P<m>\d\d))?\s?"
            rf"(?P<period>{_alternatives([*am, *pm])})(?![^\W_])",
            re.I,
        ),
        military=re.compile(
            rf"{_BEFORE}(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s?(?:{_UNIVERSAL_ZONES})\b"
        ),
        am=frozenset(w.casefold() for w in am),
    )


def clock_times(plain: str, text: str, lang: Language) -> list[Number]:
    """Clock times of ``plain`` (``text`` with ASCII digits): values "H:MM", plus the hour alone
    on the hour ("9 pm" is also 21, as "21 h" and "21:00" are)."""
    spelling = lang.text.numbers
    patterns = _patterns(
        tuple(spelling.am_words), tuple(spelling.pm_words), tuple(spelling.hour_words)
    )
    found: list[Number] = []
    for kind in ("military", "colon", "day_period", "hour_word"):
        for match in getattr(patterns, kind).finditer(plain):
            if any(n.start < match.end() and match.start() < n.end for n in found):
                continue
            hour, minutes = int(match["h"]), match["m"]
            if hour > 24 or (minutes is not None and int(minutes) > 59):
                continue
            period = (match.groupdict().get("period") or "").casefold()
            hours = {hour}
            if period and period not in patterns.am and hour < 12:
                hours.add(hour + 12)
            elif period in patterns.am and hour == 12:
                hours.add(0)
            elif not period and kind != "military" and lang.clock_12h and 1 <= hour <= 12:
                hours.add((hour + 12) % 24)  # "10:00" in a 12-hour language may be 22:00
            values = {f"{h}:{int(minutes or 0):02d}" for h in hours}
            if minutes is None or int(minutes) == 0:  # "10:00" is also "dix heures"
                values |= {str(h) for h in hours}
            if kind == "military":
                values.add(str(int(match["h"] + match["m"])))
            end = match.end("m") if kind == "military" else match.end()
            found.append(Number(match.start(), end, text[match.start() : end], frozenset(values)))
    return found


_YEAR_FIRST = re.compile(
    rf"{_BEFORE}(?P<y>\d{{4}})(?P<s>[-/.])(?P<a>\d{{1,2}})(?P=s)(?P<b>\d{{1,2}})(?![\d])"
)
_YEAR_LAST = re.compile(
    rf"{_BEFORE}(?P<a>\d{{1,2}})(?P<s>[/.-])(?P<b>\d{{1,2}})(?P=s)(?P<y>\d{{4}}|\d\d)(?![\d.,]\d)"
)
_MONTH_YEAR = re.compile(rf"{_BEFORE}(?P<a>\d{{1,2}})/(?P<y>\d{{4}}|\d\d)(?![\d/])")


def _part(text: str, start: int, end: int, values: set[str]) -> Number:
    return Number(start, end, text[start:end], frozenset(values))


def _day_or_month(value: str) -> set[str]:
    number = int(value)
    return {str(number), f"month:{number}"} if 1 <= number <= 12 else {str(number)}


def _year(value: str) -> set[str]:
    if len(value) == 4:
        return {str(int(value))}
    return {str(int(value)), f"19{value}", f"20{value}"}  # "1/15" may be January 2015


def numeric_dates(plain: str, text: str, lang: Language) -> list[Number]:
    """The parts of numeric dates (2015-01-15, 15/01/2015, 1/15/2015, 12/2020): one number each,
    a part that may be the month also "month:N"."""
    found: list[Number] = []
    taken: list[tuple[int, int]] = []
    slash_decimal = "/" in lang.text.decimal_also
    for pattern in (_YEAR_FIRST, _YEAR_LAST, _MONTH_YEAR):
        for m in pattern.finditer(plain):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            parts = [g for g in ("a", "b") if m.groupdict().get(g) is not None]
            if not all(1 <= int(m[g]) <= 31 for g in parts) or not any(
                int(m[g]) <= 12 for g in parts
            ):
                continue
            if pattern is _MONTH_YEAR and (
                int(m["a"]) > 12 or (len(m["y"]) == 2 and slash_decimal)
            ):
                continue  # "۳/۵" is 3.5 in Persian
            if pattern is _YEAR_LAST and m["s"] != "/" and len(m["y"]) == 2:
                continue  # "1.5.20", "3-4-15": versions and scores more often than dates
            taken.append((m.start(), m.end()))
            found.append(_part(text, m.start("y"), m.end("y"), _year(m["y"])))
            found.extend(_part(text, m.start(g), m.end(g), _day_or_month(m[g])) for g in parts)
    return sorted(found, key=lambda n: n.start)


@cache
def _decade_patterns(
    words: tuple[str, ...], suffixes: tuple[str, ...]
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    before = rf"(?:{_alternatives(list(words))})\s+{_BEFORE}(?P<d>\d\d0|\d0)(?![\d])"
    after = rf"{_BEFORE}(?P<d>\d{{3}}0|\d0)(?:{_alternatives(list(suffixes))})(?![^\W_])"
    return re.compile(before if words else r"(?!x)x"), re.compile(after if suffixes else r"(?!x)x")


def decade_values(number: str) -> set[str]:
    return {str(int(number)), f"decade:{int(number) % 100}"}


def decades(plain: str, text: str, lang: Language) -> list[Number]:
    """Decades: "the 1980s", "the 80s", "les années 80", "دهه ۸۰" (also "decade:80")."""
    spelling = lang.text.numbers
    found = []
    for pattern in _decade_patterns(tuple(spelling.decade_words), tuple(spelling.decade_suffixes)):
        for m in pattern.finditer(plain):
            found.append(_part(text, m.start("d"), m.end("d"), decade_values(m["d"])))
    return found


_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}


def roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


@cache
def _roman_pattern(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    if not suffixes:
        return re.compile(r"(?!x)x")
    return re.compile(
        rf"(?<![^\W_])(?P<r>(?=[MDCLXVI]){_ROMAN})(?:{_alternatives(list(suffixes))})(?![^\W_])"
    )


def roman_ordinals(text: str, lang: Language) -> list[Number]:
    """Roman ordinals with the language's ordinal ending: "XXe siècle", "Ier", "XIIIe"."""
    return [
        Number(m.start(), m.end(), m.group(), frozenset({str(roman_value(m["r"]))}), is_word=True)
        for m in _roman_pattern(tuple(lang.text.numbers.roman_suffixes)).finditer(text)
    ]


@cache
def _months(months: tuple[str, ...]) -> dict[str, int]:
    return {name.casefold(): i for i, names in enumerate(months, 1) for name in names.split()}


def month_names(text: str, lang: Language) -> list[Number]:
    """Month names, valued "month:N": they meet the month of a numeric date."""
    months = _months(tuple(lang.text.numbers.months))
    return [
        Number(m.start(), m.end(), m.group(), frozenset({f"month:{months[word]}"}), is_word=True)
        for m in re.finditer(r"[^\W\d_]+", text)
        if (word := m.group().casefold().rstrip(".")) in months
    ]
