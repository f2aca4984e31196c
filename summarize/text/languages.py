"""The language registry: every per-language fact a stage needs, asked here and nowhere else.

Facts come from three places, most specific first:

* ``conf/lang/<code>.yaml``: name, script, direction, normaliser, splitter, and under ``text:``
  what only a person can say about reading the language (stopwords, number words, abbreviations,
  the Snowball stemmer, Persian affixes written apart; see ``TextConfig``). Adding a language is
  one such file.
* Babel (CLDR) for any language: decimal and group symbols of its default numbering system, text
  direction, and its likely script ("ur" -> Arab) when no YAML says so.
* Unicode itself (``summarize.text.characters``, through the regex module): which characters are
  letters, marks and digits, and which script a letter belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

# A base language code (ISO 639-1/-3): never a path, whatever a record's "lang" field says.
_CODE = re.compile(r"^[a-z]{2,3}$")


def base_language(lang: str | None) -> str:
    """ "fa-IR", "fa_IR", "FA" -> "fa"; "" for none."""
    return (lang or "").strip().replace("_", "-").split("-")[0].lower()


def is_language_code(lang: str | None) -> bool:
    return bool(_CODE.match(base_language(lang)))


@dataclass
class NumberWordsConfig:
    """How numbers are written in words (``text.numbers`` in conf/lang/<code>.yaml)."""

    words: dict[str, int] = field(default_factory=dict)  # word -> value; ordinals from "third"
    connector: str | None = None  # "and" in "one hundred and five"
    # When "<a> <connector> <b>" is one number: hundreds ("hundred and five"), tens_and_one
    # ("vingt et un", "soixante et onze") or descending (any b < a: "بیست و پنج").
    connector_joins: str = "descending"
    vigesimal: bool = False  # "quatre-vingts" is 4 x 20
    # Words and two-word phrases that look like numbers and are not: "pour cent" is "%", "سهم" (a
    # share) is not "سه" + "م".
    not_numbers: list[str] = field(default_factory=list)
    # Round numbers that stand alone ("une soixantaine", "a dozen"): never part of a longer number.
    approximate: dict[str, int] = field(default_factory=dict)
    ordinal_suffixes: list[str] = field(default_factory=list)  # Persian "هفت" + "مین": seventh
    roman_suffixes: list[str] = field(default_factory=list)  # after Roman numerals: "XXe", "Ier"
    months: list[str] = field(
        default_factory=list
    )  # 12 entries, each its spellings (space-separated)
    decade_words: list[str] = field(default_factory=list)  # before a decade: "années 80", "دهه ۸۰"
    decade_suffixes: list[str] = field(default_factory=list)  # after one: "the 1980s", "the '80s"
    hour_words: list[str] = field(default_factory=list)  # after an hour: "21h30", "9 heures"
    am_words: list[str] = field(default_factory=list)  # "9 am", "۹ صبح"
    pm_words: list[str] = field(default_factory=list)  # "9.30pm", "۹ شب"
    range_words: list[str] = field(default_factory=list)  # between two numbers: "to", "au", "تا"
    units: dict[str, str] = field(
        default_factory=dict
    )  # word -> unit of checks.units: "pounds": lb


@dataclass
class TextConfig:
    """``text:`` in conf/lang/<code>.yaml: what the checks need to read the language."""

    decimal: str | None = None  # null: Babel's symbol for the language's default numbering system
    group: str | None = None
    decimal_also: list[str] = field(default_factory=list)  # Persian writes 3.5 as ۳/۵
    stemmer: str | None = None  # a Snowball stemmer of nltk: english, french, ...
    stopwords: str = ""  # space-separated, casefolded
    detached_affixes: str = ""  # written apart with a ZWNJ ("می‌روند", "کتاب‌ها"): not the stem
    abbreviations: list[str] = field(default_factory=list)  # sentencex breaks after them
    numbers: NumberWordsConfig = field(default_factory=NumberWordsConfig)


@dataclass(frozen=True)
class Language:
    code: str
    name: str | None = None
    script: str | None = None  # ISO 15924: Arab, Latn
    direction: str = "ltr"  # ltr | rtl
    decimal: str | None = None  # "." or "," or "٫"; None: unknown
    group: str | None = None
    normaliser: str = "none"  # persian | arabic | none
    splitter: str = "sentencex"
    clock_12h: bool = False  # "10:00" may be 22:00 (CLDR's short time format has a day period)
    text: TextConfig = field(default_factory=TextConfig)

    @property
    def stopwords(self) -> frozenset[str]:
        return _words(self.text.stopwords)

    @property
    def detached_affixes(self) -> frozenset[str]:
        return _words(self.text.detached_affixes)


@cache
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _babel_facts(code: str) -> dict[str, Any]:
    """What CLDR knows about ``code``: {} for a language it does not know."""
    from babel import Locale, UnknownLocaleError, numbers
    from babel.core import get_global

    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return {}
    likely = str(get_global("likely_subtags").get(code, "")).split("_")
    return {
        "script": likely[1] if len(likely) > 2 else None,
        "direction": "rtl" if locale.character_order == "right-to-left" else "ltr",
        "decimal": numbers.get_decimal_symbol(locale, numbering_system="default"),
        "group": numbers.get_group_symbol(locale, numbering_system="default"),
        "clock_12h": "a" in str(locale.time_formats["short"].pattern),
    }


def text_config(values: Any) -> TextConfig:
    """``text:`` of a language config, checked against ``TextConfig`` (unknown keys refused)."""
    from omegaconf import OmegaConf

    merged = OmegaConf.merge(OmegaConf.structured(TextConfig), values or {})
    return OmegaConf.to_object(merged)  # type: ignore[return-value]


@cache
def language(lang: str | None) -> Language:
    """Everything known about ``lang`` ("fa", "fa-IR", "FA"); defaults for what nobody knows."""
    code = base_language(lang)
    if not _CODE.match(code):
        return Language(code="")
    from summarize.config import lang_config_path, load_lang_config

    babel = _babel_facts(code)
    if not lang_config_path(code).is_file():
        return Language(code=code, **{k: v for k, v in babel.items() if v is not None})
    config = load_lang_config(code)
    text = text_config(config.text)
    return Language(
        code=code,
        name=config.name,
        script=config.script,
        direction=config.direction,
        decimal=text.decimal or babel.get("decimal"),
        group=text.group or babel.get("group"),
        clock_12h=bool(babel.get("clock_12h")),
        normaliser=config.normaliser,
        splitter=config.splitter,
        text=text,
    )


@cache
def configured_languages() -> tuple[str, ...]:
    """The codes that have a conf/lang/<code>.yaml, sorted."""
    from summarize.config import CONF_DIR

    return tuple(sorted(p.stem for p in (CONF_DIR / "lang").glob("*.yaml")))


@dataclass(frozen=True)
class TextSettings:
    normaliser: str = "none"  # persian | arabic | none
    splitter: str = "sentencex"


def text_settings(lang: str | None) -> TextSettings:
    """The normaliser and splitter that conf/lang/<code>.yaml names; defaults for other languages."""
    found = language(lang)
    return TextSettings(normaliser=found.normaliser, splitter=found.splitter)
