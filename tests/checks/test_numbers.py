"""Numbers compared by value: scripts, separators per language, number words."""

from __future__ import annotations

import pytest

from summarize.checks.numbers import find_numbers, number_values


def values(text: str, lang: str) -> set[str]:
    return number_values(find_numbers(text, lang))


@pytest.mark.parametrize(
    ("text", "lang"),
    [("123", "en"), ("۱۲۳", "fa"), ("١٢٣", "ar"), ("۱۲۳", "en")],
)
def test_digits_of_every_script_are_the_same_number(text: str, lang: str) -> None:
    assert values(text, lang) == {"123"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [("1,000", "en"), ("1 000", "fr"), ("1\u202f000", "fr"), ("۱٬۰۰۰", "fa"), ("1.000", "fr")],
)
def test_thousands_separators(text: str, lang: str) -> None:
    assert values(text, lang) == {"1000"}


@pytest.mark.parametrize(
    ("text", "lang"), [("3,5", "fr"), ("3.5", "en"), ("۳٫۵", "fa"), ("۳/۵", "fa"), ("3,50", "fr")]
)
def test_decimal_marks(text: str, lang: str) -> None:
    assert values(text, lang) == {"3.5"}


def test_a_comma_before_three_digits_follows_the_language() -> None:
    assert values("1,500", "en") == {"1500"}
    assert values("1,500", "fr") == {"1.5"}
    assert values("1.500", "en") == {"1.5"}
    # Persian texts mix conventions: both readings stay possible.
    assert values("1,500", "fa") == {"1500", "1.5"}


def test_mixed_separators() -> None:
    assert values("$1,234.56", "en") == {"1234.56"}
    assert values("1.234,56 €", "fr") == {"1234.56"}


def test_a_changed_digit_is_another_number() -> None:
    assert not values("1,000", "en") & values("1 500", "fr")
    assert not values("۱۲", "fa") & values("13", "en")


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("twenty-five", "en", "25"),
        ("one hundred and five", "en", "105"),
        ("quatre-vingt-dix-sept", "fr", "97"),
        ("vingt et un", "fr", "21"),
        ("mille neuf cent quatre-vingt-dix-neuf", "fr", "1999"),
        ("دو هزار و پانصد", "fa", "2500"),
        ("on the twenty-fifth", "en", "25"),
    ],
)
def test_number_words(text: str, lang: str, value: str) -> None:
    assert values(text, lang) == {value}


def test_separate_numbers_stay_separate() -> None:
    assert values("two and three", "en") == {"2", "3"}
    assert values("in 2019 100 people", "en") == {"2019", "100"}


def test_lone_articles_and_pour_cent_are_not_numbers() -> None:
    assert values("une femme et un homme", "fr") == set()
    assert values("one of them", "en") == set()
    assert values("quatre-vingt pour cent", "fr") == {"80"}


def test_scale_words_and_twelve_hour_times() -> None:
    assert "3500000" in values("3.5 million", "en")
    assert "2000000" in values("۲ میلیون", "fa")
    assert values("11:35 pm", "en") == {"23:35", "11:35"}  # a clock time: number_forms


def test_offsets_point_into_the_original_text() -> None:
    text = "قیمت به ۱٬۲۵۰ دلار رسید"
    (number,) = find_numbers(text, "fa")
    assert text[number.start : number.end] == "۱٬۲۵۰" == number.text
    assert number.values == {"1250"}
