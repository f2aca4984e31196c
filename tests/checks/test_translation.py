"""Translation checks: each failure a named flag, human-like translations unflagged."""

from __future__ import annotations

import pytest

from summarize.checks.translation import check_translation, length_band, repetition

SOURCE = "The council approved a budget of 1,000 dollars for 3.5 kilometres of new roads."
FRENCH = "Le conseil a approuvé un budget de 1 000 dollars pour 3,5 kilomètres de routes neuves."
PERSIAN = "شورا بودجه‌ای به مبلغ ۱٬۰۰۰ دلار برای ۳٫۵ کیلومتر جاده جدید تصویب کرد."


@pytest.mark.parametrize(("output", "lang"), [(FRENCH, "fr"), (PERSIAN, "fa")])
def test_a_faithful_translation_has_no_flags(output: str, lang: str) -> None:
    result = check_translation(output, SOURCE, "en", lang)
    assert result["flags"] == []
    assert result["numbers"] == {"missing": [], "added": [], "converted": []}


def test_a_changed_number_is_flagged_with_both_spans() -> None:
    changed = FRENCH.replace("1 000", "1 500")
    result = check_translation(changed, SOURCE, "en", "fr")
    assert result["flags"] == ["numbers"]
    (missing,) = result["numbers"]["missing"]
    (added,) = result["numbers"]["added"]
    assert SOURCE[missing["start"] : missing["end"]] == "1,000"
    assert changed[added["start"] : added["end"]] == "1 500" == added["text"]


def test_a_changed_persian_digit_is_flagged() -> None:
    result = check_translation(PERSIAN.replace("۳٫۵", "۳٫۸"), SOURCE, "en", "fa")
    assert result["flags"] == ["numbers"]


def test_a_dropped_number_is_flagged_and_number_words_count() -> None:
    dropped = "Le conseil a approuvé un budget pour 3,5 kilomètres de routes neuves."
    assert check_translation(dropped, SOURCE, "en", "fr")["flags"] == ["numbers"]
    in_words = "Le conseil a approuvé un budget de mille dollars pour 3,5 kilomètres de routes."
    assert "numbers" not in check_translation(in_words, SOURCE, "en", "fr")["flags"]


def test_a_copy_of_the_source_is_flagged() -> None:
    result = check_translation(SOURCE, SOURCE, "en", "fr")
    assert "copy_of_source" in result["flags"]
    assert "wrong_language" in result["flags"]
    assert result["copy"] == 1.0


def test_a_repetition_loop_is_flagged() -> None:
    looped = (
        "Le conseil a approuvé un budget de 1 000 dollars pour les routes les routes les routes."
    )
    result = check_translation(looped, SOURCE, "en", "fr")
    assert "repetition" in result["flags"]
    assert result["repetition"]["text"] == "les routes les routes les routes"
    assert repetition("très très bien", "fr") is None  # twice is language, not a loop


@pytest.mark.parametrize("output", ["", "   ", " . ! "])
def test_an_empty_output_is_flagged(output: str) -> None:
    assert check_translation(output, SOURCE, "en", "fr")["flags"] == ["empty"]


def test_a_truncated_output_is_out_of_the_length_band() -> None:
    result = check_translation("Le conseil a approuvé.", SOURCE, "en", "fr")
    assert "length_ratio" in result["flags"]
    low, high = result["band"]
    assert result["length_ratio"] < low < high


def test_length_bands_per_pair_reverse_and_fallback() -> None:
    long_source = "x" * 80
    low, high = length_band(long_source, "en", "fr")
    assert length_band(long_source, "fr", "en") == (round(1 / high, 2), round(1 / low, 2))
    assert length_band(long_source, "de", "es") is not None  # the generic band
    assert length_band("Hi!", "en", "fr") is None  # too short to judge


def test_wrong_language_is_flagged_and_a_known_verdict_is_reused() -> None:
    english = "The council approved the budget for new roads after a long debate on Monday."
    assert "wrong_language" in check_translation(english, SOURCE, "en", "fa")["flags"]
    assert (
        "wrong_language"
        not in check_translation(english, SOURCE, "en", "fa", wrong_language=False)["flags"]
    )
