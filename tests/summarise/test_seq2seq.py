"""Chunk, summarise each chunk, reduce hierarchically: levels, limits and truncation flags."""

from collections.abc import Sequence
from pathlib import Path

import pytest
import torch

from summarize.generate.models import LoadedModel, ModelSpec, load_seq2seq
from summarize.records import Generated
from summarize.summarise.extractive import ExtractiveSummariser
from summarize.summarise.seq2seq import Seq2SeqSummariser


class FakeGenerator:
    """Returns `words` words per input; counts calls per level."""

    def __init__(
        self, loaded: LoadedModel, words: int, limit: int | None = 8, word: str = "summary"
    ) -> None:
        self.loaded = loaded
        self.words = words
        self.word = word  # "the" is one token of the tiny BART tokenizer; "summary" is five
        self.limit = limit
        self.calls: list[int] = []
        self.inputs = 0
        self.kwargs: dict = {}

    @property
    def max_new_tokens(self) -> int | None:
        return self.limit

    def generate(self, texts: Sequence[str], **_: object) -> list[Generated]:
        self.calls.append(len(texts))
        return [
            Generated(
                text=" ".join([self.word] * self.words),
                n_input_tokens=10,
                n_output_tokens=self.words,
                hit_max_new_tokens=self.limit is not None and self.words >= self.limit,
            )
            for _ in texts
        ]


@pytest.fixture(scope="module")
def bart(tiny_models: dict[str, Path]) -> LoadedModel:
    return load_seq2seq(
        ModelSpec(str(tiny_models["bart"])),
        model_root=None,
        device=torch.device("cpu"),
        dtype=torch.float32,
    )


def long_text(sentences: int) -> str:
    return " ".join(
        f"Sentence number {i} tells a short story about the city." for i in range(sentences)
    )


def test_a_short_article_is_one_chunk_and_one_level(bart: LoadedModel) -> None:
    generator = FakeGenerator(bart, words=3)
    summary = Seq2SeqSummariser(generator).summarise(["A short article."], ["en"])[0]
    assert summary.levels == 1
    assert len(summary.chunks) == 1
    assert generator.calls == [1]
    assert summary.text == "summary summary summary"


def test_long_articles_reduce_until_the_summary_fits(bart: LoadedModel) -> None:
    generator = FakeGenerator(bart, words=20, limit=30, word="the")
    summariser = Seq2SeqSummariser(generator, max_input_tokens=64)
    summary = summariser.summarise([long_text(60)], ["en"])[0]
    assert len(summary.chunks) > 4
    assert summary.levels >= 2
    assert summary.notes == ()  # it fitted, no level limit stopped it
    assert len(generator.calls) == summary.levels
    assert generator.calls[0] == len(summary.chunks)
    # chunks tile the normalised text in order
    assert summary.chunks[0].start == 0
    assert all(a.end == b.start for a, b in zip(summary.chunks, summary.chunks[1:], strict=False))


def test_reduction_stops_at_max_levels_with_a_note(bart: LoadedModel) -> None:
    generator = FakeGenerator(bart, words=30, limit=8, word="the")  # shrinks, slowly
    summariser = Seq2SeqSummariser(generator, max_input_tokens=64, max_levels=2)
    summary = summariser.summarise([long_text(60)], ["en"])[0]
    assert summary.levels == 2
    assert summary.notes == ("reduction stopped after 2 levels",)
    assert summary.hit_max_new_tokens


def test_reduction_stops_when_a_level_does_not_shrink_the_text(bart: LoadedModel) -> None:
    """Summaries longer than their chunks would grow every level: one level, and a note."""
    generator = FakeGenerator(bart, words=80, limit=200)
    summariser = Seq2SeqSummariser(generator, max_input_tokens=64, max_levels=8)
    summary = summariser.summarise([long_text(60)], ["en"])[0]
    assert summary.levels == 1
    assert generator.calls == [len(summary.chunks)]
    assert summary.notes == (
        "reduction stopped after 1 levels: the summaries were not shorter than their input",
    )


def test_empty_texts_give_empty_summaries(bart: LoadedModel) -> None:
    generator = FakeGenerator(bart, words=3)
    summaries = Seq2SeqSummariser(generator).summarise(["", "Some text."], ["en", "en"])
    assert summaries[0].text == ""
    assert summaries[0].levels == 0
    assert summaries[1].text
    assert generator.calls == [1]


def test_extractive_summariser_keeps_the_whole_article_as_one_chunk() -> None:
    text = "First sentence here. Second one follows. Third closes. Fourth is extra."
    summary = ExtractiveSummariser("lead", 2).summarise([text], ["en"])[0]
    assert summary.text == "First sentence here. Second one follows."
    assert [(c.start, c.end) for c in summary.chunks] == [(0, len(text))]
