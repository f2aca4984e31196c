"""Checks of one translation against its source that need no model; each failure is a named flag.

* ``empty``: no letter or digit at all.
* ``wrong_language``: the output is confidently in another language or script
  (``checks.langid.is_wrong_language``).
* ``copy_of_source``: most of the output's words are the source's own words (left untranslated).
* ``length_ratio``: output length / source length (characters without spaces) outside the band of
  the language pair, learned from human translations (``LENGTH_BANDS``).
* ``repetition``: a loop -- one n-gram repeated back to back (``MIN_REPEATS`` times or more).
* ``numbers``: a number of the source missing from the output, or a number in the output that the
  source does not have, compared by value (``checks.numbers``: ``3,5`` = ``3.5`` in French,
  ``1 000`` = ``1,000`` = ``۱٬۰۰۰``, ``9.30pm`` = ``21h30``, ``the 1980s`` = ``les années 80``,
  ``20th century`` = ``XXe siècle``, ``2015-01-15`` = ``15 janvier 2015``; number words count on
  the side where they may be written). A number that changed with its unit by a known factor
  (``1,000 pounds`` -> ``450 kg``) is listed as ``converted``, not flagged; so is a number the
  output covers with a range of two source numbers (``11th, 12th and 13th`` -> ``XIe au XIIIe``).

None of them blocks anything: they sort outputs for a human to look at.
"""

from __future__ import annotations

import itertools
from typing import Any

from summarize.checks.langid import is_wrong_language
from summarize.checks.numbers import Number, ascii_digits, find_numbers, number_values, range_gap
from summarize.checks.units import converts
from summarize.checks.words import tokens
from summarize.text.languages import base_language

FLAGS = ("empty", "wrong_language", "copy_of_source", "length_ratio", "repetition", "numbers")

# Bands of (output / source) length in characters without whitespace, from the human references of
# ../shared/data (FLORES-200 devtest, TICO-19 test, Tatoeba v2021-08-07; 5,100 en-fa and 2,500
# en-fr pairs): the 0.5% and 99.5% quantiles over all sets, each bound widened by 10% to leave room
# for machine output. Re-derive with ``python -m summarize.tools.bench.translation --learn``.
# "short" sources have MIN_CHARS to LONG_CHARS characters, "long" ones more; shorter ones are
# not checked (a single word can legitimately double or halve).
LENGTH_BANDS: dict[tuple[str, str], dict[str, tuple[float, float]]] = {
    ("en", "fa"): {"short": (0.45, 1.82), "long": (0.55, 1.47)},
    ("en", "fr"): {"short": (0.64, 2.06), "long": (0.73, 1.87)},
}
# Any other pair: the union of the learned bands, widened the same way.
GENERIC_BAND: dict[str, tuple[float, float]] = {"short": (0.45, 2.06), "long": (0.55, 1.87)}
MIN_CHARS = 20
LONG_CHARS = 50
COPY_SHARE = 0.8  # share of the output's words found among the source's words
COPY_MIN_WORDS = 4  # fewer words are often all names ("Tom et Mary.")
MIN_REPEATS = 3  # back-to-back repeats of an n-gram (n >= 2) that make a loop
MIN_REPEATS_WORD = 4  # of a single word ("very very very" is English; four times is a loop)
MAX_N = 8


def _band(src_lang: str, tgt_lang: str, size: str) -> tuple[float, float]:
    if (src_lang, tgt_lang) in LENGTH_BANDS:
        return LENGTH_BANDS[src_lang, tgt_lang][size]
    if (tgt_lang, src_lang) in LENGTH_BANDS:  # the reverse direction: the band inverted
        low, high = LENGTH_BANDS[tgt_lang, src_lang][size]
        return round(1 / high, 2), round(1 / low, 2)
    return GENERIC_BAND[size]


def length_band(source: str, src_lang: str, tgt_lang: str) -> tuple[float, float] | None:
    """The allowed (low, high) output/source length ratio, or None when the source is too short."""
    chars = _chars(source)
    if chars < MIN_CHARS:
        return None
    size = "long" if chars > LONG_CHARS else "short"
    return _band(base_language(src_lang), base_language(tgt_lang), size)


def _chars(text: str) -> int:
    return sum(not c.isspace() for c in text)


def _span(text: str, number: Number | tuple[int, int]) -> dict[str, Any]:
    start, end = (number.start, number.end) if isinstance(number, Number) else number
    return {"start": start, "end": end, "text": text[start:end]}


def number_mismatches(
    translation: str, source: str, src_lang: str, tgt_lang: str
) -> dict[str, list[dict[str, Any]]]:
    """Digit numbers of the source absent from the output and vice versa (spans in each text);
    ``converted``: the pairs where a number changed with its unit by a known factor."""
    # "00" (minutes, "10:00" -> "dix heures") carries no quantity; zero is not checked.
    in_source = [n for n in find_numbers(source, src_lang) if n.values != {"0"}]
    in_output = [n for n in find_numbers(translation, tgt_lang) if n.values != {"0"}]
    source_keys = {k for n in in_source for k in _keys(n)}
    output_keys = {k for n in in_output for k in _keys(n)}
    missing = [n for n in in_source if not n.is_word and not _keys(n) & output_keys]
    added = [n for n in in_output if not n.is_word and not _keys(n) & source_keys]
    # "the 11th, 12th and 13th centuries" -> "du XIe au XIIIe siècle": 12 is inside the range.
    inside = _range_values(translation, in_output, tgt_lang, number_values(in_source))
    missing = [n for n in missing if not n.values & inside]
    # Converted: the number changed with its unit, and the other text does not write that unit
    # at all ("1,000 pounds" -> "450 kg"; "100 m (328 feet)" -> "100 m"). Where it does, a number
    # that differs is a changed number, whatever it converts to.
    source_units = {n.unit for n in in_source}
    output_units = {n.unit for n in in_output}
    converted = [
        (s, o)
        for s in in_source
        for o in in_output
        if (
            (s in missing and s.unit not in output_units)
            or (o in added and o.unit not in source_units)
        )
        and _converts(s, o)
    ]
    return {
        "missing": [_span(source, n) for n in missing if all(s is not n for s, _ in converted)],
        "added": [_span(translation, n) for n in added if all(o is not n for _, o in converted)],
        "converted": [
            {"source": _span(source, s), "output": _span(translation, o), "units": [s.unit, o.unit]}
            for s, o in converted
        ],
    }


def _keys(number: Number) -> frozenset[str]:
    # "24/7", "2/3" written alike on both sides match whatever each language reads into the slash.
    if "/" in number.text:
        return number.values | {"=" + ascii_digits(number.text)}
    return number.values


def _range_values(text: str, numbers: list[Number], lang: str, known: set[str]) -> set[str]:
    """Integers strictly inside each range of ``numbers`` whose two ends are both ``known``."""
    inside: set[str] = set()
    gap = range_gap(base_language(lang))
    for first, second in itertools.pairwise(numbers):
        if not gap.fullmatch(text[first.end : second.start]):
            continue
        for low in first.values & known:
            for high in second.values & known:
                if low.isdigit() and high.isdigit() and int(high) - int(low) <= 100:
                    inside |= {str(v) for v in range(int(low) + 1, int(high))}
    return inside


def _converts(source: Number, output: Number) -> bool:
    if source.unit is None or output.unit is None:
        return False
    return any(
        converts(a, source.unit, b, output.unit)
        for a in source.values
        for b in output.values
        if _is_decimal(a) and _is_decimal(b)
    )


def _is_decimal(value: str) -> bool:
    return value.replace(".", "", 1).isdigit()


def repetition(text: str, lang: str | None = None) -> dict[str, Any] | None:
    """The first loop of ``text`` (an n-gram repeated back to back), as a span, or None."""
    keys = [(t.key, t.start, t.end) for t in tokens(text, lang)]
    for n in range(1, MAX_N + 1):
        needed = MIN_REPEATS_WORD if n == 1 else MIN_REPEATS
        for i in range(len(keys) - n * needed + 1):
            gram = [k for k, _, _ in keys[i : i + n]]
            repeats = 1
            while [k for k, _, _ in keys[i + repeats * n : i + (repeats + 1) * n]] == gram:
                repeats += 1
            if repeats >= needed:
                return _span(text, (keys[i][1], keys[i + repeats * n - 1][2]))
    return None


def copy_share(translation: str, source: str, src_lang: str, tgt_lang: str) -> float | None:
    """Share of the output's words that are words of the source; None under COPY_MIN_WORDS."""
    output = [t.text.casefold() for t in tokens(translation, tgt_lang) if not t.text.isdigit()]
    if len(output) < COPY_MIN_WORDS:
        return None
    source_words = {t.text.casefold() for t in tokens(source, src_lang)}
    return sum(w in source_words for w in output) / len(output)


def check_translation(
    translation: str,
    source: str,
    src_lang: str,
    tgt_lang: str,
    *,
    wrong_language: bool | None = None,
) -> dict[str, Any]:
    """All checks of ``translation`` against ``source``, as a JSON-ready dict::

        {"flags": ["numbers"], "length_ratio": 1.08, "band": [0.75, 1.87], "copy": 0.1,
         "numbers": {"missing": [{"start": 10, "end": 15, "text": "1,500"}], "added": [...]},
         "repetition": None}

    ``flags`` lists the failing checks in the order of ``FLAGS``; the other keys say why.
    ``wrong_language``: a verdict the caller already has (the record evaluation computes one);
    None runs ``is_wrong_language``.
    """
    flags: list[str] = []
    if not any(c.isalnum() for c in translation):
        return {
            "flags": ["empty"],
            "length_ratio": 0.0,
            "band": None,
            "copy": None,
            "numbers": {"missing": [], "added": [], "converted": []},
            "repetition": None,
        }
    if wrong_language is None:
        wrong_language = is_wrong_language(translation, tgt_lang)
    if wrong_language:
        flags.append("wrong_language")
    copy = copy_share(translation, source, src_lang, tgt_lang)
    if (
        copy is not None
        and copy >= COPY_SHARE
        and base_language(src_lang) != base_language(tgt_lang)
    ):
        flags.append("copy_of_source")
    ratio = _chars(translation) / max(_chars(source), 1)
    band = length_band(source, src_lang, tgt_lang)
    if band is not None and not band[0] <= ratio <= band[1]:
        flags.append("length_ratio")
    loop = repetition(translation, tgt_lang)
    if loop is not None:
        flags.append("repetition")
    numbers = number_mismatches(translation, source, src_lang, tgt_lang)
    if numbers["missing"] or numbers["added"]:
        flags.append("numbers")
    return {
        "flags": flags,
        "length_ratio": round(ratio, 3),
        "band": list(band) if band else None,
        "copy": None if copy is None else round(copy, 3),
        "numbers": numbers,
        "repetition": loop,
    }
