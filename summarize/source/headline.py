"""A text file's headline: its first line, when that line is a title rather than the first sentence.

News text files usually open with the headline on a line of its own. Left in the text, a headline
has no full stop, so the sentence splitter glues it to the next paragraph ("...Commander's Burial
Massive crowds are seen...") and a lead summary starts with that run-on. The rule is deliberately
narrow, because a first sentence taken for a title would be dropped from what is summarised:

- it is the first non-blank line, and a blank line follows it (a paragraph of one line), with more
  text after that;
- it is short: at most ``MAX_WORDS`` words and ``MAX_CHARS`` characters;
- it does not end as a sentence or a clause ends (``.`` ``…`` ``,`` ``;`` ``:`` or Urdu/CJK full
  stops, also before a closing quote or bracket). ``?`` and ``!`` are allowed: headlines ask and
  exclaim.

A Markdown heading (``# Title``) loses its ``#`` marks. Everything else stays the article's text.
"""

from __future__ import annotations

MAX_WORDS = 20
MAX_CHARS = 200
_CLOSERS = "\"'”’»)]"
_SENTENCE_OR_CLAUSE_END = tuple(".…,;:۔。")


def split_headline(text: str) -> tuple[str | None, str]:
    """(headline, the text after it), or (None, text) when the first line is not a headline.
    Linear in the text: a 50,000-word file of one line is looked at once, not backtracked over."""
    first = len(text) - len(text.lstrip())
    end = text.find("\n", first, first + MAX_CHARS * 4 + 2)  # CRs and spaces around the line
    if end == -1:
        return None, text
    blank_end = text.find("\n", end + 1)
    if blank_end == -1 or text[end + 1 : blank_end].strip(" \t\r"):
        return None, text  # no blank line after it: the first line of a paragraph
    body = text[blank_end + 1 :]
    line = text[first:end].strip()
    headline = line.lstrip("#").strip() if line.startswith("#") else line
    if (
        not body.strip()
        or not headline
        or len(headline) > MAX_CHARS
        or len(headline.split()) > MAX_WORDS
        or headline.rstrip(_CLOSERS).endswith(_SENTENCE_OR_CLAUSE_END)
    ):
        return None, text
    return headline, body
