"""Screening: what is refused before any model sees an article, with a code a user can filter on."""

import pytest

from summarize.choices import DuplicateIds, LanguageCheck
from summarize.records import Article, RecordError, Work
from summarize.source.screening import Screen, binary_reason


def article(text: str, id: str = "a", lang: str = "en") -> Article:
    return Article(id=id, text=text, lang=lang, origin="in.jsonl:1")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_text"),
        ("  \n\t ", "whitespace_only"),
        ("<div><script>x()</script></div>", "html_without_text"),
        ("abc\x00def", "binary_content"),
        ("\x01\x02\x03\x04 ok", "binary_content"),
    ],
)
def test_unprocessable_text_gets_its_code(text: str, code: str) -> None:
    result = Screen().check(article(text), "key")
    assert isinstance(result, RecordError)
    assert result.code == code
    assert result.id == "a"
    assert result.origin == "in.jsonl:1"


def test_a_good_article_becomes_work_with_normalised_text() -> None:
    screen = Screen(language_check=LanguageCheck.off)
    result = screen.check(article("  Hello <b>world</b>.\r\n\r\n\r\nBye. "), "key")
    assert isinstance(result, Work)
    assert result.text == "Hello world.\n\nBye."
    assert len(result.sha256) == 64
    assert result.input_key == "key"


def test_duplicate_ids_are_errors_or_suffixed() -> None:
    strict = Screen(language_check=LanguageCheck.off)
    assert isinstance(strict.check(article("One."), "k1"), Work)
    second = strict.check(article("Two."), "k2")
    assert isinstance(second, RecordError)
    assert second.code == "duplicate_id"
    lenient = Screen(language_check=LanguageCheck.off, duplicate_ids=DuplicateIds.suffix)
    lenient.check(article("One."), "k1")
    renamed = lenient.check(article("Two."), "k2")
    assert isinstance(renamed, Work)
    assert renamed.article.id == "a#2"
    assert any("renamed" in note for note in renamed.notes)


def test_a_summariser_that_does_not_know_the_language_refuses_it() -> None:
    screen = Screen(
        language_check=LanguageCheck.off,
        summariser_languages=["en"],
        summariser_name="sshleifer/distilbart-cnn-12-6",
    )
    result = screen.check(article("Un texte en français.", lang="fr"), "key")
    assert isinstance(result, RecordError)
    assert result.code == "unsupported_language"
    assert "summarizer=extractive" in result.message


def test_binary_reason_is_none_for_ordinary_text() -> None:
    assert binary_reason("Persian: کتاب‌ها و French: déjà vu\n") is None
