"""Reference-free statistics: Newsroom fragments, n-gram shares, and a constant-memory stream."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.evaluate import ReferenceFreeStats, fragments, record_stats


def paper_fragments(summary: list[str], article: list[str]) -> list[int]:
    """Grusky et al. 2018, Fig. 2, written as literally as possible (O(|S| x |A|))."""
    found, i, j = [], 0, 0
    while i < len(summary):
        best: list[str] = []
        while j < len(article):
            if summary[i] == article[j]:
                i2, j2 = i, j
                while i2 < len(summary) and j2 < len(article) and summary[i2] == article[j2]:
                    i2, j2 = i2 + 1, j2 + 1
                if len(best) < i2 - i:
                    best = summary[i:i2]
                j = j2
            else:
                j += 1
        i, j = i + max(len(best), 1), 0
        if best:
            found.append(len(best))
    return found


def test_fragments_by_hand() -> None:
    article = ["a", "b", "c", "d", "e", "f"]
    # "a b" (2), "x" unmatched, "d e f" (3), "c" (1)
    assert fragments(["a", "b", "x", "d", "e", "f", "c"], article) == [2, 3, 1]
    # the longest match wins: "a b c" at position 2, not "a b" at 0
    assert fragments(["a", "b", "c"], ["a", "b", "a", "b", "c"]) == [3]
    assert fragments([], article) == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from("abcd"), max_size=12),
    st.lists(st.sampled_from("abcde"), max_size=30),
)
def test_fragments_equal_the_papers_pseudocode(summary: list[str], article: list[str]) -> None:
    found = fragments(summary, article)
    assert found == paper_fragments(summary, article)
    assert sum(found) <= len(summary)


def test_coverage_density_compression_by_hand() -> None:
    s = record_stats("a b c d e f", "a b x d e f c", "en")
    assert (s.source_words, s.output_words) == (6, 7)
    assert s.coverage == pytest.approx(6 / 7)  # fragments 2 + 3 + 1 of 7 words
    assert s.density == pytest.approx((4 + 9 + 1) / 7)
    assert s.compression == pytest.approx(6 / 7)


def test_novel_and_repeated_ngrams_by_hand() -> None:
    s = record_stats("the cat sat on the mat", "the cat sat the cat sat", "en")
    # unigrams: all 6 output words are in the source -> 0 novel
    assert s.novel[1] == 0.0
    # bigrams: the-cat, cat-sat, sat-the, the-cat, cat-sat; only "sat the" is new -> 1/5
    assert s.novel[2] == pytest.approx(1 / 5)
    # trigrams: the-cat-sat, cat-sat-the, sat-the-cat, the-cat-sat: two are new -> 2/4
    assert s.novel[3] == pytest.approx(2 / 4)
    # 4 trigrams, 3 distinct -> 1/4 repeated
    assert s.repeated_3gram == pytest.approx(1 / 4)


def test_persian_words_use_the_normalised_tokens() -> None:
    s = record_stats("آنها به مدرسه می روند", "آن\u200cها میروند", "fa")
    assert (s.source_words, s.output_words) == (4, 2)
    assert s.novel[1] == 0.0
    assert s.coverage == 1.0


def test_accumulator_result() -> None:
    acc = ReferenceFreeStats(check_language=False)
    acc.add("a b c d e f", "a b c", "en", source_tokens=8, output_tokens=4, hit_max_new_tokens=True)
    acc.add("a b c d", "", "en", hit_max_new_tokens=False, wrong_language=None)
    acc.add("a b c d", "a b c d", "en", wrong_language=True)
    r = acc.result()
    assert r["records"] == 3
    assert r["empty_outputs"] == {"count": 1, "of": 3, "share": pytest.approx(1 / 3)}
    assert r["hit_max_new_tokens"] == {"count": 1, "of": 2, "share": 0.5}
    assert r["wrong_language"] == {"count": 1, "of": 1, "share": 1.0}
    assert r["source_words"]["mean"] == pytest.approx((6 + 4 + 4) / 3)
    assert r["output_words"]["min"] == 0
    assert r["compression_ratio"]["n"] == 2  # undefined for the empty output
    assert r["compression_ratio"]["mean"] == pytest.approx((2 + 1) / 2)
    assert r["output_tokens"] == {"n": 1, "mean": 4, "std": 0.0, "min": 4, "max": 4}
    assert r["coverage"]["mean"] == 1.0


def test_accumulator_checks_language_when_asked() -> None:
    acc = ReferenceFreeStats()
    english = "The committee approved the new budget after a long debate."
    record = acc.add("source text", english, "fa")
    assert record.wrong_language is True
    acc.add("source text", "کمیته بودجه جدید را پس از بحثی طولانی تصویب کرد.", "fa")
    assert acc.result()["wrong_language"]["count"] == 1


def test_memory_does_not_grow_with_records() -> None:
    acc = ReferenceFreeStats(check_language=False)

    def feed(count: int) -> None:
        for i in range(count):
            acc.add(f"word{i} a b c d e", f"a b word{i}", "en", hit_max_new_tokens=i % 2 == 0)

    feed(20)
    small = len(pickle.dumps(acc))
    feed(2000)
    # Only counters and floats change; a per-record list would add kilobytes.
    assert len(pickle.dumps(acc)) - small < 64
