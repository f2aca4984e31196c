"""How well the source supports a summary, with no model: word presence and word co-occurrence.

Each summary sentence is reduced to its *items*: content words (stopwords dropped, light stems) and
numbers (one item per number mention, compared by value across scripts and separators, see
``checks.numbers``). An item is

* unsupported (score 0) when no source sentence has it -- or when the summary sentence repeats it
  more often than any one source sentence does ("Klopp has tipped compatriot Jurgen Klopp");
* otherwise scored ``ALPHA + (1 - ALPHA) * linked``, where ``linked`` is the share of its neighbours
  (the ``WINDOW`` items on each side) that occur in a same source sentence with it. A summary can
  only state a relation between two things the source mentions together; fusing words from unrelated
  source sentences is how extractive-looking summaries go wrong.

A sentence's support is the squared weighted mean of its items -- roughly the chance that two of
its items, drawn at random, are both supported, as any claim relates at least two things. A word
weighs its rarity in its language (``checks.rarity``: ``1 - zipf / 8``; names and numbers weigh 1):
a missing common word ("asked", "often") is mostly a paraphrase people accept, a missing rare one
mostly a made-up detail. The summary's ``support`` is the mean over sentences (people judge
faithfulness sentence by sentence).

The constants are what ``python -m summarize.tools.bench.frank`` chooses on all of FRANK dev; the
same choice made inside 5-fold cross-validation over articles is what the README's held-out figures
measure (the per-fold choices and the spread are printed there).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from summarize.checks.numbers import find_numbers
from summarize.checks.rarity import rarity
from summarize.checks.words import Token, glued_parts, tokens, word_key
from summarize.text.languages import base_language
from summarize.text.sentences import sentence_spans

# Neighbours on each side whose co-occurrence with an item in the source is checked; the folds chose
# 6 (4 of 5) and 3, with held-out r within 0.01 of each other: a summary sentence rarely has more.
WINDOW = 6
ALPHA = 0.5  # credit for being in the source at all; the rest comes from co-occurrence
# Support below this flags the summary: the value that maximises Youden's J (share of summaries
# with an unfaithful sentence flagged minus share of fully faithful ones flagged) on FRANK dev; the
# folds chose 0.80-0.845 and held out it keeps J at 0.51-0.65.
THRESHOLD = 0.80
POWER = 2.0  # sentence support = (mean item score) ** POWER
SOURCE_SENTENCES = 2  # best-matching source sentences reported per summary sentence


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    keys: frozenset[str]
    kind: str  # "word", "entity" (capitalised inside a sentence) or "number"
    weight: float = 1.0  # share in the sentence's support: a word's rarity (checks.rarity)


@dataclass
class SourceIndex:
    """Where each key occurs in the source, by sentence; built once per source text."""

    spans: list[tuple[int, int]]
    where: dict[str, set[int]] = field(default_factory=dict)
    most: Counter[str] = field(default_factory=Counter)  # most occurrences in one sentence
    sentence_keys: list[set[str]] = field(default_factory=list)


def _number_keys(values: frozenset[str]) -> frozenset[str]:
    return frozenset("#" + v for v in values)


def _items(
    text: str,
    start: int,
    end: int,
    lang: str,
    cased: bool,
    weigh: bool = True,
    piece_tokens: list[Token] | None = None,
) -> list[Item]:
    """Content words and numbers of ``text[start:end]``, offsets into ``text`` (weighed for a
    summary; a source's items need no weight). ``piece_tokens``: that piece's tokens, when the
    caller has them already."""
    piece = text[start:end]
    numbers = find_numbers(piece, lang)
    spans = [(n.start, n.end) for n in numbers]
    items = [
        Item(start + n.start, start + n.end, _number_keys(n.values), "number") for n in numbers
    ]
    first = True
    for token in tokens(piece, lang) if piece_tokens is None else piece_tokens:
        if any(a <= token.start < b for a, b in spans):
            continue
        if not token.stop:
            kind = "entity" if cased and not first and _looks_like_name(token) else "word"
            # A name the source lacks is made up however common the name: full weight.
            weight = rarity(token.text, lang) if weigh and kind == "word" else 1.0
            key = frozenset({token.key})
            items.append(Item(start + token.start, start + token.end, key, kind, weight))
        first = False
    items.sort(key=lambda item: item.start)
    return items


def _looks_like_name(token: Token) -> bool:
    return token.text[:1].isupper() and not token.text.isdigit()


def index_source(source: str, lang: str | None = None) -> SourceIndex:
    code = base_language(lang)
    index = SourceIndex(spans=sentence_spans(source, code))
    for i, (a, b) in enumerate(index.spans):
        sentence_tokens = tokens(source[a:b], code)  # once: a long article has many sentences
        counts = Counter(
            k
            for item in _items(source, a, b, code, False, weigh=False, piece_tokens=sentence_tokens)
            for k in item.keys
        )
        # Words glued by lost HTML breaks ("linkInfectiously") also count as their parts.
        for token in sentence_tokens:
            counts.update(word_key(p, code) for p in glued_parts(token.text))
        for key, count in counts.items():
            index.where.setdefault(key, set()).add(i)
            index.most[key] = max(index.most[key], count)
        index.sentence_keys.append(set(counts))
    return index


def _item_scores(items: list[Item], index: SourceIndex, window: int, alpha: float) -> list[float]:
    seen: Counter[str] = Counter()
    places: list[set[int]] = []
    for item in items:
        found = [k for k in item.keys if k in index.where]
        seen.update(item.keys)
        repeated = all(seen[k] > index.most[k] for k in found)
        places.append(
            set().union(*(index.where[k] for k in found)) if found and not repeated else set()
        )
    scores = []
    for i, place in enumerate(places):
        if not place:
            scores.append(0.0)
            continue
        neighbours = [p for j, p in enumerate(places) if j != i and abs(j - i) <= window]
        if not neighbours:
            scores.append(1.0)
            continue
        linked = sum(bool(place & p) for p in neighbours) / len(neighbours)
        scores.append(alpha + (1 - alpha) * linked)
    return scores


def _best_sources(items: list[Item], index: SourceIndex) -> list[list[int]]:
    keys = {k for item in items for k in item.keys}
    overlap = sorted(
        ((len(keys & s), i) for i, s in enumerate(index.sentence_keys)), key=lambda p: (-p[0], p[1])
    )
    return [list(index.spans[i]) for shared, i in overlap[:SOURCE_SENTENCES] if shared]


def _spans(items: list[Item], scores: list[float], summary: str) -> list[dict[str, Any]]:
    """Runs of unsupported items (no supported item between them) as summary spans."""
    out: list[dict[str, Any]] = []
    run: list[Item] = []
    for item, score in [*zip(items, scores, strict=True), (None, 1.0)]:
        if item is not None and score == 0.0:
            run.append(item)
            continue
        if run:
            kinds = {i.kind for i in run}
            kind = next(k for k in ("number", "entity", "word") if k in kinds)
            start, end = run[0].start, run[-1].end
            out.append({"start": start, "end": end, "text": summary[start:end], "kind": kind})
        run = []
    return out


def score_summary(
    summary: str,
    source: str | SourceIndex,
    lang: str | None = None,
    *,
    threshold: float = THRESHOLD,
    window: int = WINDOW,
    alpha: float = ALPHA,
    power: float = POWER,
) -> dict[str, Any]:
    """Source support of ``summary`` (see the module docstring), as a JSON-ready dict::

        {"support": 0.83, "flag": False,
         "sentences": [{"start": 0, "end": 61, "support": 0.9, "source": [[120, 240], ...]}],
         "unsupported": [{"start": 12, "end": 19, "text": "Lisbon", "kind": "entity"}]}

    Offsets are character offsets into ``summary`` (``source`` spans into the source text). An
    empty summary (no letter or digit at all) has support 0.0 and is flagged; a sentence with no content word counts as 1.0.
    Pass a ``SourceIndex`` (``index_source``) to score several summaries of one source; the other
    keywords exist for the benchmark's cross-validation.
    """
    code = base_language(lang)
    index = source if isinstance(source, SourceIndex) else index_source(source, code)
    cased = summary != summary.lower()  # lower-cased outputs carry no name information
    sentences: list[dict[str, Any]] = []
    supports: list[float] = []
    unsupported: list[dict[str, Any]] = []
    for a, b in sentence_spans(summary, code):
        if not any(c.isalnum() for c in summary[a:b]):  # blank, or only U+FFFD/punctuation
            continue
        items = _items(summary, a, b, code, cased)
        scores = _item_scores(items, index, window, alpha)
        total = sum(item.weight for item in items)
        mean = (
            sum(i.weight * s for i, s in zip(items, scores, strict=True)) / total if total else 1.0
        )
        support = mean**power
        supports.append(support)
        sentences.append(
            {
                "start": a,
                "end": b,
                "support": round(support, 4),
                "source": _best_sources(items, index),
            }
        )
        unsupported.extend(_spans(items, scores, summary))
    support = sum(supports) / len(supports) if supports else 0.0
    return {
        "support": round(support, 4),
        "flag": support < threshold,
        "sentences": sentences,
        "unsupported": unsupported,
    }
