"""How rare a word is in its language: the weight of a word in the faithfulness support.

A summary word the article does not have is, when it is a common word ("asked", "often", "new"),
most often a paraphrase or an inference that people accept; when it is a rare one (a name, a place,
a specific detail), most often something the model made up. So each word counts in a sentence's
support in proportion to its rarity, ``1 - zipf / 8``: Zipf frequency is log10 of occurrences per
billion words (wordfreq's general-language lists, built from subtitles, news, Wikipedia, web text),
and 8 is the top of that scale (the commonest word of any language is about 7.7), so the weight is
fixed by the scale, not fitted: "the" 0.03, "asked" 0.34, "clarkson" 0.57, a word not in the list
(under about one per million words) 1.0.

Languages wordfreq has no list for get 1.0 for every word: the support is then the unweighted one,
as before this weighting. Lookups use the exact language code (never wordfreq's "nearest language",
which would score Swahili with English frequencies).

Note for the language registry: the set of languages is wordfreq's; only the Persian normaliser
(Arabic yeh/kaf -> Persian, as conf/lang says) is applied before the lookup.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import wordfreq

from summarize.text.languages import base_language
from summarize.text.normalise import language_normaliser

ZIPF_TOP = 8.0  # above the commonest word of any language (English "the": 7.73)
WORDLIST = "small"  # words down to about one per million; rarer ones are all "rare" here


@cache
def _languages() -> frozenset[str]:
    return frozenset(wordfreq.available_languages(WORDLIST))


def has_frequencies(lang: str | None) -> bool:
    return base_language(lang) in _languages()


@lru_cache(maxsize=200_000)
def rarity(word: str, lang: str | None) -> float:
    """``1 - zipf / 8`` of ``word`` in ``lang`` in [0, 1]; 1.0 where ``lang`` has no list."""
    code = base_language(lang)
    if code not in _languages():
        return 1.0
    text = unicodedata.normalize("NFC", language_normaliser(code)(word.casefold()))
    zipf = wordfreq.zipf_frequency(text, code, wordlist=WORDLIST)
    return max(0.0, 1.0 - zipf / ZIPF_TOP)
