"""Language id: lingua over a small set, the script check, and the short-text threshold."""

from __future__ import annotations

import pytest

from summarize.checks.langid import MIN_LETTERS, detector
from summarize.evaluate import detect_language, is_wrong_language
from summarize.text.characters import script_share

PERSIAN = "کمیته بودجه جدید را پس از بحثی طولانی تصویب کرد."
ARABIC = "وافقت اللجنة على الميزانية الجديدة بعد نقاش طويل."
ENGLISH = "The committee approved the new budget after a long debate."
FRENCH = "Le comité a approuvé le nouveau budget après un long débat."
GERMAN = "Der Ausschuss hat den neuen Haushalt nach langer Debatte gebilligt."


def test_detector_is_built_once() -> None:
    assert detector() is detector()
    assert detector("en") is detector()  # already in the default set: same detector


@pytest.mark.parametrize(
    ("text", "code"),
    [(PERSIAN, "fa"), (ARABIC, "ar"), (ENGLISH, "en"), (FRENCH, "fr"), (GERMAN, "de")],
)
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "   ", "Hello", "OK merci", "سلام دنیا", "2024-05-01 12:00"])
def test_short_texts_are_unknown_and_never_flagged(text: str) -> None:
    assert sum(c.isalpha() for c in text) < MIN_LETTERS
    assert detect_language(text) is None
    assert not is_wrong_language(text, "fa")
    assert not is_wrong_language(text, "en")


@pytest.mark.parametrize(
    ("text", "expected", "wrong"),
    [
        (PERSIAN, "fa", False),
        (ARABIC, "fa", True),  # right script, wrong language: lingua tells them apart
        (PERSIAN, "ar", True),
        (ARABIC, "ar", False),
        (ENGLISH, "fa", True),  # fails the script check (untranslated source)
        (ENGLISH, "fr", True),
        (FRENCH, "fr", False),
        (FRENCH, "fr-FR", False),
        (GERMAN, "en", True),
        (PERSIAN, "ps", False),  # lingua has no Pashto: script check only, and it passes
        (ENGLISH, "ps", True),  # Pashto has no conf/lang file: its script comes from Babel (CLDR)
        (ENGLISH, "dv", True),  # Thaana (Maldivian), also from CLDR
        (ENGLISH, "ru", True),  # Cyrillic expected, Latin given
    ],
)
def test_is_wrong_language(text: str, expected: str, wrong: bool) -> None:
    assert is_wrong_language(text, expected) is wrong


def test_persian_with_some_latin_names_is_still_persian() -> None:
    text = "شرکت OpenAI و گوگل در این زمینه با یکدیگر رقابت می‌کنند."
    share = script_share(text, "Arab")
    assert share is not None
    assert 0.5 < share < 1.0
    assert not is_wrong_language(text, "fa")


def test_language_outside_the_default_set_is_added() -> None:
    swahili = "Kamati iliidhinisha bajeti mpya baada ya mjadala mrefu sana."
    assert detect_language(swahili, expected="sw") == "sw"
    assert not is_wrong_language(swahili, "sw")


def test_arabic_letters_outside_the_old_hand_written_ranges_count_as_arabic() -> None:
    # Arabic Extended-B (U+0870-089F: Arabic letters used for Quranic and African orthographies) and
    # the Arabic Mathematical Alphabetic Symbols (U+1EE00-1EEFF) are Arabic script for Unicode; the
    # code-point ranges written by hand before the regex module's properties missed both.
    assert script_share("\u0870\u0880\u0889", "Arab") == 1.0
    assert script_share("\U0001ee00\U0001ee01\U0001ee21", "Arab") == 1.0
    assert script_share("\u0640\u0628", "Arab") == 1.0  # tatweel (Common) belongs to Arabic text
    assert script_share("abc", "Arab") == 0.0
    assert script_share("123 !", "Arab") is None  # no letters
    assert script_share("abc", "Jpan") is None  # a mix of scripts, not one Unicode script
