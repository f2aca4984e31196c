"""Language codes, and what conf/lang/<code>.yaml says about handling a language's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# A base language code (ISO 639-1/-3): never a path, whatever a record's "lang" field says.
_CODE = re.compile(r"^[a-z]{2,3}$")


def base_language(lang: str | None) -> str:
    """ "fa-IR", "fa_IR", "FA" -> "fa"; "" for none."""
    return (lang or "").strip().replace("_", "-").split("-")[0].lower()


def is_language_code(lang: str | None) -> bool:
    return bool(_CODE.match(base_language(lang)))


@dataclass(frozen=True)
class TextSettings:
    normaliser: str = "none"  # persian | arabic | none
    splitter: str = "sentencex"


@cache
def text_settings(lang: str | None) -> TextSettings:
    """The normaliser and splitter that conf/lang/<code>.yaml names; defaults for other languages."""
    code = base_language(lang)
    if not _CODE.match(code):
        return TextSettings()
    from summarize.config import lang_config_path, load_lang_config

    if not lang_config_path(code).is_file():
        return TextSettings()
    config = load_lang_config(code)
    return TextSettings(normaliser=config.normaliser, splitter=config.splitter)
