"""Units of measure after a number, and the known conversions between them.

A translation that turns "1,000 pounds" into "450 kg" or "100 feet" into "30 mètres" changed the
number with its unit by a known factor: ``converted`` says so, where a changed number would fail.
The target is compared at its own precision (the converted value rounded to as many significant
digits as the translation wrote), so "451 kg" for 1,000 pounds is still a changed number.

Unit *words* are language facts (``text.numbers.units`` in conf/lang/<code>.yaml); the symbols
below are written alike in every language, and the factors are physics.
"""

from __future__ import annotations

import math
import re
from functools import cache

from summarize.text.languages import configured_languages, language

# unit -> (dimension, factor to the dimension's base unit)
FACTORS: dict[str, tuple[str, float]] = {
    "m": ("length", 1.0),
    "km": ("length", 1000.0),
    "cm": ("length", 0.01),
    "mm": ("length", 0.001),
    "mi": ("length", 1609.344),
    "nmi": ("length", 1852.0),
    "yd": ("length", 0.9144),
    "ft": ("length", 0.3048),
    "in": ("length", 0.0254),
    "kg": ("mass", 1.0),
    "g": ("mass", 0.001),
    "t": ("mass", 1000.0),
    "lb": ("mass", 0.45359237),
    "oz": ("mass", 0.028349523125),
    "km/h": ("speed", 1.0),
    "mph": ("speed", 1.609344),
    "kn": ("speed", 1.852),
    "m/s": ("speed", 3.6),
    "m2": ("area", 1.0),
    "km2": ("area", 1e6),
    "ha": ("area", 1e4),
    "acre": ("area", 4046.8564224),
    "mi2": ("area", 2589988.110336),
    "ft2": ("area", 0.09290304),
    "l": ("volume", 1.0),
    "ml": ("volume", 0.001),
    "gal": ("volume", 3.785411784),
    "°C": ("temperature", 1.0),
    "°F": ("temperature", 1.0),  # affine: see _to_base
}
# Symbols written the same in every language (after the number, a space optional).
SYMBOLS: dict[str, str] = {
    **{unit: unit for unit in FACTORS if unit not in ("in", "t", "g", "l", "m2", "km2", "mi2")},
    "km²": "km2",
    "m²": "m2",
    "km/hr": "km/h",
    "kph": "km/h",
    "lbs": "lb",
    "°c": "°C",
    "°f": "°F",
    "ºC": "°C",
    "ºF": "°F",
}


@cache
def _units(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    names = {k.casefold(): v for k, v in SYMBOLS.items()}
    # Every configured language's unit words: translations quote units of the source's language.
    for code in sorted({lang, *configured_languages()}):
        names.update({k.casefold(): v for k, v in language(code).text.numbers.units.items()})
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"[ \u00a0\u202f]?(?:{alternatives})(?![^\W\d_])", re.IGNORECASE)
    return pattern, names


def unit_after(text: str, end: int, lang: str) -> tuple[str, int] | None:
    """The unit written right after a number ending at ``end``, and where it ends."""
    pattern, names = _units(lang)
    match = pattern.match(text, end)
    if not match:
        return None
    return names[match.group().strip(" \u00a0\u202f").casefold()], match.end()


def _to_base(value: float, unit: str) -> float:
    if unit == "°F":
        return (value - 32) * 5 / 9
    return value * FACTORS[unit][1]


def _from_base(value: float, unit: str) -> float:
    if unit == "°F":
        return value * 9 / 5 + 32
    return value / FACTORS[unit][1]


def _significant(value: str) -> int:
    """Significant digits as written: "450" -> 2, "28000" -> 2, "0.08" -> 1, "30.5" -> 3."""
    digits = value.replace(".", "").lstrip("0")
    if "." not in value:
        digits = digits.rstrip("0")
    return max(len(digits), 1)


def converts(source_value: str, source_unit: str, target_value: str, target_unit: str) -> bool:
    """Whether ``target`` is ``source`` converted between two units, rounded as it is written."""
    if source_unit == target_unit or source_unit not in FACTORS or target_unit not in FACTORS:
        return False
    if FACTORS[source_unit][0] != FACTORS[target_unit][0]:
        return False
    expected = _from_base(_to_base(float(source_value), source_unit), target_unit)
    target = float(target_value)
    if target == 0:
        return expected == 0
    # Rounded at the precision the translation wrote: 453.6 kg is "450", never "451".
    exponent = math.floor(math.log10(abs(target))) - _significant(target_value) + 1
    return math.isclose(round(expected, -exponent), target, rel_tol=1e-9)
