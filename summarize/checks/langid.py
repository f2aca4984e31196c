"""Language identification of outputs: lingua over a small language set, plus a script check.

lingua's detector over all 75 languages takes ~5.5 s and ~1 GB to preload; over the set below it
builds in under a millisecond and loads each language's models lazily on first use (~0.3-0.7 s per
script, once per process). The set covers the project's languages (every conf/lang/<code>.yaml)
plus the usual confusions of a wrong-language output: Urdu for Persian/Arabic, Italian,
Portuguese, Dutch, Turkish for Latin-script outputs, Russian and Chinese for other scripts.
"""

from __future__ import annotations

from functools import cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from summarize.text.characters import knows_script, letters, script_share
from summarize.text.languages import base_language, configured_languages, language

# What a wrong-language output usually is instead (not a fact of any one language).
CONFUSIONS = ("it", "nl", "pt", "ru", "tr", "ur", "zh")
# Below this many letters lingua's guesses are close to noise (e.g. "Hello" -> Italian, "OK merci"
# -> Turkish), so shorter texts are "unknown": detect_language returns None and nothing is flagged.
MIN_LETTERS = 12
# An output expected in a script other than Latin needs at least this share of its letters in
# that script; below it the text is mostly Latin (untranslated source, transliteration) whatever
# lingua says.
MIN_SCRIPT_SHARE = 0.5


def detector_languages() -> tuple[str, ...]:
    return tuple(sorted({*configured_languages(), *CONFUSIONS}))


def _language(code: str) -> Language | None:
    iso = getattr(IsoCode639_1, code.upper(), None)
    return None if iso is None else Language.from_iso_code_639_1(iso)


@cache
def _detector(codes: frozenset[str]) -> LanguageDetector:
    languages = [lang for code in sorted(codes) if (lang := _language(code)) is not None]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detector(extra: str | None = None) -> LanguageDetector:
    """The shared detector; a language outside the default set gets its own (also cached) one."""
    codes = set(detector_languages())
    if extra and _language(extra) is not None:
        codes.add(extra)
    return _detector(frozenset(codes))


def detect_language(text: str, expected: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``, or None when it is shorter than MIN_LETTERS or undecided.

    ``expected`` only makes sure that language is among the candidates.
    """
    if len(letters(text)) < MIN_LETTERS:
        return None
    found = detector(base_language(expected) if expected else None).detect_language_of(text)
    return None if found is None else found.iso_code_639_1.name.lower()


def is_wrong_language(text: str, expected_lang: str) -> bool:
    """True when ``text`` is confidently not in ``expected_lang``.

    Texts under MIN_LETTERS letters are never flagged. For a language written in another script
    than Latin (the registry's ``script``: Arab, Cyrl, Hebr, ...) the script check comes first;
    lingua then tells Persian from Arabic (and Urdu). A language lingua does not know is only
    checked by script.
    """
    expected = base_language(expected_lang)
    if len(letters(text)) < MIN_LETTERS:
        return False
    script = language(expected).script
    if (
        script
        and script != "Latn"
        and knows_script(script)
        and (script_share(text, script) or 0.0) < MIN_SCRIPT_SHARE
    ):
        return True
    if _language(expected) is None:
        return False
    found = detect_language(text, expected)
    return found is not None and found != expected
