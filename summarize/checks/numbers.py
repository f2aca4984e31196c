"""Numbers in text as comparable values, across scripts, separators and (small) number words.

Shared by the faithfulness and translation checks so that "is this number in the source?" is decided
by one rule. A number mention gets a *set* of candidate values instead of one value, because the
writing alone is ambiguous: "1,000" is one thousand in English and 1.0 in French, "3.500" is 3.5 or
3500. Two mentions match when their sets intersect, so a translation that writes 3,5 for 3.5 or
۱٬۰۰۰ for 1 000 passes, while any changed digit still fails (no reading of "1,500" is 1000).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from summarize.text.languages import base_language


@dataclass(frozen=True)
class Number:
    start: int  # character offsets into the text it was found in
    end: int
    text: str
    values: frozenset[str]  # canonical decimal strings: "1000", "3.5"
    is_word: bool = False  # written in words ("five", "quatre-vingt")


@cache
def _digit_table() -> dict[int, str]:
    # Every Unicode decimal digit (Persian ۰-۹, Arabic-Indic ٠-٩, Devanagari, ...) -> ASCII, one
    # character for one, so offsets in the translated text are offsets in the original.
    return {
        cp: str(unicodedata.decimal(chr(cp)))
        for cp in range(0x20000)
        if cp > 0x7F and unicodedata.category(chr(cp)) == "Nd"
    }


def ascii_digits(text: str) -> str:
    return text.translate(_digit_table())


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


# Where a lone "," or "." before exactly three digits is decidable by language: "1,000" is a
# thousand in English and 1.0 in French, "1.000" the reverse. Other languages (Persian writes
# ٫ and ٬, but texts mix in "," and ".") keep both readings.
_COMMA_DECIMAL = frozenset(("fr", "de", "es", "it", "pt", "nl", "ru", "tr", "pl", "ro", "id", "vi"))
_DOT_DECIMAL = frozenset(("en", "zh", "ja", "ko", "he", "hi", "th"))


def _may_group(sep: str, lang: str, count: int) -> bool:
    if sep in _THOUSANDS_ONLY:
        return True
    if sep == ",":
        return count > 1 or lang not in _COMMA_DECIMAL
    return sep == "." and (count > 1 or lang not in _DOT_DECIMAL)


def _may_decimal(sep: str, lang: str, digits: int) -> bool:
    if sep == "\u066b":
        return True
    if sep == "/":  # Persian often writes 3.5 as ۳/۵
        return lang == "fa"
    if sep == ",":
        return not (digits == 3 and lang in _DOT_DECIMAL)
    return sep == "." and not (digits == 3 and lang in _COMMA_DECIMAL)


def _readings(groups: list[str], seps: list[str], lang: str) -> set[str]:
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


def _numbered(words: str, start: int = 0, step: int = 1) -> dict[str, int]:
    return {word: start + i * step for i, word in enumerate(words.split())}


def _valued(pairs: str) -> dict[str, int]:
    return {word: int(value) for word, _, value in (p.partition("=") for p in pairs.split())}


# Number words; ordinals from "third" ("first" and "second" are mostly not numbers).
_WORDS: dict[str, dict[str, int]] = {
    "en": {
        **_numbered(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        ),
        **_numbered("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10),
        **_numbered(
            "third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
            "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth",
            3,
        ),
        **_valued(
            "hundred=100 thousand=1000 million=1000000 billion=1000000000 twentieth=20 "
            "thirtieth=30 hundredth=100 thousandth=1000"
        ),
    },
    "fr": {
        **_numbered(
            "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
            "quinze seize"
        ),
        **_numbered(
            "deuxième troisième quatrième cinquième sixième septième huitième neuvième dixième "
            "onzième douzième",
            2,
        ),
        **_valued(
            "une=1 vingt=20 vingts=20 trente=30 quarante=40 cinquante=50 soixante=60 cent=100 "
            "cents=100 mille=1000 million=1000000 millions=1000000 milliard=1000000000 "
            "milliards=1000000000 vingtième=20 centième=100 millième=1000"
        ),
    },
    "fa": {
        **_numbered(
            "صفر یک دو سه چهار پنج شش هفت هشت نه ده یازده دوازده سیزده چهارده پانزده شانزده "
            "هفده هجده نوزده"
        ),
        **_numbered("بیست سی چهل پنجاه شصت هفتاد هشتاد نود", 20, 10),
        **_numbered("صد دویست سیصد چهارصد پانصد ششصد هفتصد هشتصد نهصد", 100, 100),
        **_numbered("دوم سوم چهارم پنجم ششم هفتم هشتم نهم دهم", 2),
        **_valued(
            "هیجده=18 یکصد=100 هزار=1000 میلیون=1000000 میلیارد=1000000000 بیستم=20 صدم=100 "
            "هزارم=1000"
        ),
    },
}
_CONNECTORS = {"en": "and", "fr": "et", "fa": "و"}


def _joins(lang: str, last: int, following: int) -> bool:
    """Whether "<last> and <following>" is one number: "one hundred and five", "vingt et un",
    "بیست و پنج" -- but not "two and three" or "twenty and one hundred"."""
    if lang == "en":
        return last >= 100 and last % 100 == 0 and following < 100
    if lang == "fr":
        return last in (20, 30, 40, 50, 60) and following in (1, 11)
    return following < last


# Scale words after digits ("3.5 million", "۲ میلیون") in any of the languages above.
_SCALES = {
    word: value for lexicon in _WORDS.values() for word, value in lexicon.items() if value >= 1000
}
_WORD = re.compile(r"[^\W\d_]+")


def _words_value(values: list[int], lang: str) -> int:
    total, current = 0, 0
    for v in values:
        if lang == "fr" and v == 20 and 1 < current % 100 < 10:
            current += (current % 100) * 19  # "quatre-vingt(s)" is 4 x 20
        elif v == 100:
            current = (current or 1) * 100
        elif v >= 1000:
            total += (current or 1) * v
            current = 0
        else:
            current += v
    return total + current


def _word_numbers(text: str, lang: str) -> list[Number]:
    lexicon = _WORDS.get(lang)
    if not lexicon:
        return []
    connector = _CONNECTORS.get(lang)
    found: list[Number] = []
    run: list[tuple[int, int, int]] = []  # (start, end, value) of the current run of number words
    pending = False  # a connector ("and", "et", "و") right after the run

    def flush() -> None:
        # A lone "one"/"un"/"une"/"یک" is an article or a pronoun far more often than a count.
        if run and not (len(run) == 1 and run[0][2] == 1):
            start, end = run[0][0], run[-1][1]
            value = str(_words_value([v for _, _, v in run], lang))
            found.append(Number(start, end, text[start:end], frozenset({value}), is_word=True))
        run.clear()

    for match in _WORD.finditer(text):
        word = match.group().casefold()
        if lang == "fr" and word == "cent" and text[: match.start()].rstrip().endswith("pour"):
            word = "%"  # "pour cent" is "per cent", not a hundred
        gap = text[run[-1][1] : match.start()] if run else ""
        joined = pending and word in lexicon and _joins(lang, run[-1][2], lexicon[word])
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
    code = base_language(lang)
    plain = ascii_digits(text)
    found: list[Number] = []
    for match in _NUMBER.finditer(plain):
        end = match.end()
        pieces = _GROUP_SPLIT.split(match.group())
        groups, seps = pieces[0::2], pieces[1::2]
        values = _readings(groups, seps, code)
        after = _WORD.match(plain, match.end() + (plain[match.end() : match.end() + 1] == " "))
        scale = _SCALES.get(after.group().casefold()) if after else None
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
            for n in _word_numbers(text, code)
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
