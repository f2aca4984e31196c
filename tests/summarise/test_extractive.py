"""Weight-free summaries: the word budget, the position prior, and lead-k as the run's baseline."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarize.evaluate.baseline import lead_k
from summarize.summarise.extractive import (
    ExtractiveSummariser,
    centroid,
    extractive_summary,
    lead_words,
    word_count,
)
from summarize.text.sentences import split_sentences

SENTENCES = st.lists(
    st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta"]), min_size=1, max_size=30).map(
        lambda ws: " ".join(ws).capitalize() + "."
    ),
    min_size=1,
    max_size=12,
)


@given(SENTENCES, st.integers(1, 6), st.integers(1, 120))
def test_word_budget_is_respected_up_to_the_sentence_that_reaches_it(
    sentences: list[str], k: int, budget: int
) -> None:
    chosen = lead_words(sentences, k, budget)
    assert chosen == sentences[: len(chosen)]  # a prefix: the article's own order
    assert 1 <= len(chosen) <= k
    before_last = sum(word_count(s) for s in chosen[:-1])
    assert before_last < budget  # it stopped at the first sentence that reached the budget...
    total = before_last + word_count(chosen[-1])
    stopped_early = len(chosen) < min(k, len(sentences))
    assert not stopped_early or total >= budget  # ...and not before


def test_long_first_sentences_shorten_the_summary_and_short_ones_do_not() -> None:
    long = [" ".join(["word"] * 40) + ".", " ".join(["more"] * 40) + ".", "Third one here."]
    assert lead_words(long, 3, 70) == long[:2]  # 80 words after two: the third is not needed
    short = ["One two three.", "Four five six.", "Seven eight nine.", "Ten eleven twelve."]
    assert lead_words(short, 3, 70) == short[:3]  # never more than k sentences
    assert lead_words(long, 3, 10) == long[:1]  # the first sentence is kept whole
    assert lead_words(long, 3, None) == long  # no word budget: lead-k


def test_position_beats_centrality_in_lead_words_but_not_in_centroid() -> None:
    text = (
        "The council approved the budget on Monday. "
        "Weather was mild. "
        "Budget council budget vote: the council budget passed, the budget council said."
    )
    sentences = split_sentences(text, "en")
    assert lead_words(sentences, 1, None) == [sentences[0]]
    assert centroid(sentences, 1, "en") == [sentences[2]]


def test_centroid_honours_the_word_budget_and_keeps_article_order() -> None:
    sentences = [
        "Budget talks opened in the council today.",
        "Unrelated note about sport.",
        "The council budget talks ended with a council budget deal.",
    ]
    assert centroid(sentences, 3, "en", 5) == [sentences[2]]
    assert centroid(sentences, 2, "en") == [sentences[0], sentences[2]]


def test_quoted_paragraph_no_longer_counts_as_one_sentence() -> None:
    text = (
        "The manager was confirmed on Friday. "
        "He said: 'It is a great club. I worked hard for this. The players deserve it. "
        "We will keep going. Nothing changes.' The deal runs for three years."
    )
    summary = extractive_summary(text, "en", method="lead_words", k=3, max_words=None)
    assert summary == (
        "The manager was confirmed on Friday. He said: 'It is a great club. I worked hard for this."
    )


def test_french_summary_splits_guillemets() -> None:
    text = "Le maire a parlé. « Nous sommes prêts. Le budget est voté. » La séance est levée."
    assert extractive_summary(text, "fr", k=2, max_words=None) == (
        "Le maire a parlé. « Nous sommes prêts."
    )


@pytest.mark.parametrize("k", [1, 2, 3])
def test_lead_is_exactly_the_runs_lead_k_baseline(k: int) -> None:
    text = "A long first sentence with many words in it here. Short. Another one. And more."
    assert extractive_summary(text, "en", method="lead", k=k, max_words=5) == lead_k(text, "en", k)


def test_bad_method_and_sentences_fail_with_the_fix() -> None:
    with pytest.raises(ValueError, match="lead_words, lead, centroid"):
        extractive_summary("A. B.", "en", method="textrank")
    with pytest.raises(ValueError, match="at least 1"):
        extractive_summary("A. B.", "en", k=0)


def test_summariser_passes_the_budget_and_keeps_one_chunk() -> None:
    text = " ".join(f"Sentence number {i} has five words." for i in range(10))
    summary = ExtractiveSummariser("lead_words", 4, 12).summarise([text], ["en"])[0]
    assert summary.text == " ".join(split_sentences(text, "en")[:2])
    assert [(c.start, c.end) for c in summary.chunks] == [(0, len(text))]
