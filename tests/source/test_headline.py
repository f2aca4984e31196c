"""A text file's first line is its title only when it reads as a headline."""

from __future__ import annotations

from pathlib import Path

import pytest

import summarize
from summarize.config import SourceConfig
from summarize.source.headline import split_headline
from summarize.source.readers import read_text_folder

SAMPLE = Path(summarize.__file__).parent / "samples" / "article.txt"
BODY = "The council met on Tuesday. Members agreed to fund two schools."


def test_the_sample_articles_headline_is_its_title_and_not_its_text() -> None:
    text = SAMPLE.read_text("utf-8")
    title, body = split_headline(text)
    assert title == "Stampede Kills Dozens Of Mourners At Iranian Commander's Burial"
    assert body.startswith("Massive crowds are seen mourning General Qasem Soleimani")
    assert title not in body


def test_the_text_reader_gives_the_sample_its_title(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_bytes(SAMPLE.read_bytes())
    (article,) = read_text_folder(SourceConfig(path=str(tmp_path)))
    assert article.title == "Stampede Kills Dozens Of Mourners At Iranian Commander's Burial"
    assert not article.text.startswith("Stampede")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (f"Council Funds Two Schools\n\n{BODY}", "Council Funds Two Schools"),
        (f"\n\n  Council funds two schools  \n \n{BODY}", "Council funds two schools"),
        (f"Will the council fund two schools?\n\n{BODY}", "Will the council fund two schools?"),
        (f"# Council Funds Two Schools\n\n{BODY}", "Council Funds Two Schools"),
        (f"Council Funds Two Schools\r\n\r\n{BODY}", "Council Funds Two Schools"),
        (f"بودجه مدارس افزایش می‌یابد\n\n{BODY}", "بودجه مدارس افزایش می‌یابد"),
        (f"Le conseil finance deux écoles\n\n{BODY}", "Le conseil finance deux écoles"),
    ],
)
def test_a_short_line_without_a_full_stop_before_a_blank_line_is_the_headline(
    text: str, title: str
) -> None:
    found, body = split_headline(text)
    assert found == title
    assert body == BODY


@pytest.mark.parametrize(
    "text",
    [
        f"The council met on Tuesday.\n\n{BODY}",  # a sentence: it ends with a full stop
        f'"We will fund them," the mayor said.\n\n{BODY}',
        f"The mayor said:\n\n{BODY}",  # a clause that goes on
        f"Council Funds Two Schools\n{BODY}",  # no blank line: the first line of a paragraph
        "Council Funds Two Schools\n\n",  # nothing after it
        "Council Funds Two Schools",
        " ".join(["word"] * 21) + f"\n\n{BODY}",  # too long for a headline
        f"{BODY}\n\n{BODY}",
    ],
)
def test_anything_else_stays_the_articles_text(text: str) -> None:
    assert split_headline(text) == (None, text)


def test_a_long_one_line_text_is_looked_at_once() -> None:
    """A 50,000-word file of one line: the rule reads it linearly (a backtracking pattern took
    minutes here)."""
    text = "word " * 50_000
    assert split_headline(text) == (None, text)
    assert split_headline(f"Council Funds Schools\n\n{text}") == ("Council Funds Schools", text)
