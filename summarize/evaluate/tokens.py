"""Word tokenisers shared by ROUGE and the reference-free statistics.

Two modes:

* ``compat`` is rouge-score's own ``DefaultTokenizer``: lowercase, then every character outside
  ``[a-z0-9]`` becomes a space. It exists only to reproduce published English ROUGE tables. It
  deletes every non-ASCII letter, so Persian text has no tokens at all (ROUGE 0.0) and French
  accented letters vanish ("été" -> "t", "là" -> "l").
* ``unicode`` keeps every script. Per text: NFC; the language's normaliser from
  ``summarize.text.normalise`` (Persian: Arabic yeh/kaf -> Persian, digits unified, the "mi" prefix
  joined with ZWNJ, so "می روند", "میروند" and "می‌روند" all become "می‌روند"); casefold; every
  decimal digit of any script mapped to ASCII. A word is ``summarize.text.characters.WORD``: a
  run of letters, numbers and combining marks that may contain ZWNJ/ZWJ; the joiners are then
  deleted from the token, so a ZWNJ-joined Persian word is ONE token ("می‌روند" -> "میروند"). Everything else (punctuation, apostrophes) is a
  separator: French elisions split off as a bare letter, "l'été" -> "l", "été", exactly as English
  "don't" -> "don", "t" in rouge-score. No stemming except English Porter (same rule as
  rouge-score: only tokens longer than 3 characters).
"""

from __future__ import annotations

import unicodedata
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from nltk.stem import porter
from rouge_score import tokenizers

from summarize.text.characters import JOINERS, WORD, ascii_digits
from summarize.text.languages import base_language
from summarize.text.normalise import language_normaliser

TOKENIZER_MODES = ("compat", "unicode")


class Tokenizer(Protocol):
    def tokenize(self, text: str) -> list[str]: ...


_JOINER_TABLE = str.maketrans("", "", JOINERS)


@dataclass(frozen=True)
class UnicodeTokenizer:
    """The ``unicode`` mode (see the module docstring); ``tokenize`` is what rouge-score calls."""

    lang: str
    stem: bool = False

    def normalise(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        text = language_normaliser(base_language(self.lang))(text)
        text = unicodedata.normalize("NFC", text.casefold())
        return ascii_digits(text)

    def tokenize(self, text: str) -> list[str]:
        words = (w.translate(_JOINER_TABLE) for w in WORD.findall(self.normalise(text)))
        tokens = [w for w in words if w]
        if self.stem:
            stemmer = _porter()
            tokens = [stemmer.stem(t) if len(t) > 3 else t for t in tokens]
        return tokens


@cache
def _porter() -> porter.PorterStemmer:
    return porter.PorterStemmer()


def resolve_stemmer(mode: str, lang: str, stemmer: bool | None) -> bool:
    """Default: stem English only. Porter is English-only, so unicode mode refuses it elsewhere."""
    is_english = base_language(lang) == "en"
    if stemmer is None:
        return is_english
    if stemmer and mode == "unicode" and not is_english:
        warnings.warn(
            f"the Porter stemmer is English-only; ignoring stemmer=True for lang={lang!r} "
            "(unicode tokenizer). Use rouge.tokenizer=compat only to reproduce old English tables.",
            UserWarning,
            stacklevel=3,
        )
        return False
    return stemmer


@cache
def make_tokenizer(mode: str, lang: str, stem: bool) -> Tokenizer:
    """The tokenizer of ``mode``; ``stem`` must already be resolved (see ``resolve_stemmer``)."""
    if mode == "compat":
        return tokenizers.DefaultTokenizer(use_stemmer=stem)
    if mode == "unicode":
        return UnicodeTokenizer(lang=base_language(lang), stem=stem)
    raise ValueError(f"unknown ROUGE tokenizer {mode!r}; choose one of {TOKENIZER_MODES}")


def words(text: str, lang: str) -> list[str]:
    """Unstemmed unicode-mode tokens: the word unit of the reference-free statistics."""
    return make_tokenizer("unicode", lang, False).tokenize(text)
