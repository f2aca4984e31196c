"""Text normalisation: Unicode NFC, HTML to text, control characters, whitespace, per language.

The normalised text is what every later stage (sentences, chunks, spans in records, the record key)
refers to, so normalisation must be deterministic and must never drop words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from bs4 import BeautifulSoup

from summarize.text.languages import text_settings

# A tag-like or entity-like pattern is enough to decide that a real HTML parser is needed; plain text
# with a stray "<" survives the parser unchanged apart from entity decoding.
_HTML_HINT = re.compile(
    r"<(?:[a-zA-Z][\w:-]*|/[a-zA-Z][\w:-]*|!--)[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);"
)
_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "section",
    "article",
)
# C0/C1 controls except tab and newline; they are never content and break JSON consumers downstream.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Horizontal whitespace, including NBSP and other Unicode spaces, but NOT the zero-width non-joiner
# (U+200C), which is part of Persian spelling.
_HSPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def looks_like_html(text: str) -> bool:
    return _HTML_HINT.search(text) is not None


def html_to_text(text: str) -> str:
    """Visible text of an HTML fragment; block elements become line breaks."""
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return soup.get_text()


def normalise_whitespace(text: str) -> str:
    lines = (
        _HSPACE.sub(" ", line).strip()
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    )
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


@cache
def _persian_normaliser() -> Callable[[str], str]:
    # rishe (Rust, no Python dependencies) rather than hazm (needs Python 3.12 or numpy<2 + gensim).
    # Only the orthographic unifications are switched on: Arabic yeh/kaf -> Persian, Arabic-Indic
    # and Latin digits -> Persian digits, "mi" prefix joined with ZWNJ. correct_spacing is off
    # because it splits decimals ("۳.۵" -> "۳. ۵"); the others are off because they delete content.
    from rishe import Normalizer

    normaliser = Normalizer(
        correct_spacing=False,
        remove_diacritics=False,
        remove_specials_chars=False,
        decrease_repeated_chars=False,
    )
    return normaliser.normalize


def _arabic(text: str) -> str:
    # Tatweel (kashida) is typographic stretching, never a letter.
    return text.replace("\u0640", "")


def _identity(text: str) -> str:
    return text


LANGUAGE_NORMALISERS: dict[str, Callable[[], Callable[[str], str]]] = {
    "persian": _persian_normaliser,
    "arabic": lambda: _arabic,
    "none": lambda: _identity,
}


def language_normaliser(lang: str | None, name: str | None = None) -> Callable[[str], str]:
    """``name``, else the normaliser conf/lang/<lang>.yaml names (none for other languages)."""
    key = name or text_settings(lang).normaliser
    if key not in LANGUAGE_NORMALISERS:
        raise ValueError(
            f"unknown normaliser {key!r}; choose one of {sorted(LANGUAGE_NORMALISERS)}"
        )
    return LANGUAGE_NORMALISERS[key]()


def normalise_text(
    text: str, lang: str | None = None, *, html: bool = True, normaliser: str | None = None
) -> str:
    """NFC, HTML to text (when it looks like HTML), controls removed, per-language rules, whitespace."""
    text = unicodedata.normalize("NFC", text)
    if html and looks_like_html(text):
        text = html_to_text(text)
    text = _CONTROL.sub("", text)
    text = language_normaliser(lang, normaliser)(text)
    return normalise_whitespace(unicodedata.normalize("NFC", text))
