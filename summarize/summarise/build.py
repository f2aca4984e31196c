"""The summariser the config asks for: a seq2seq model (chunk, generate, reduce) or a weight-free one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from summarize.config import ChunkingConfig, RuntimeConfig, SummarizerConfig
from summarize.generate.backends import make_generator
from summarize.generate.models import ModelCache, ModelSpec
from summarize.generate.settings import resolve_generation
from summarize.records import ArticleSummary
from summarize.summarise.extractive import ExtractiveSummariser
from summarize.summarise.seq2seq import Seq2SeqSummariser


class Summariser(Protocol):
    def summarise(self, texts: Sequence[str], langs: Sequence[str]) -> list[ArticleSummary]: ...


def build_summariser(
    summarizer: SummarizerConfig,
    models: ModelCache,
    *,
    overrides: dict[str, Any] | None = None,
    runtime: RuntimeConfig | None = None,
    chunking: ChunkingConfig | None = None,
    max_levels: int = 8,
) -> Summariser:
    """``overrides``: generation.summary (over the preset's and the checkpoint's settings);
    ``max_levels``: generation.max_reduce_levels."""
    if summarizer.kind == "extractive":
        return ExtractiveSummariser(summarizer.method, summarizer.sentences, summarizer.words)
    assert summarizer.name_or_path, "config.validate refuses an empty summarizer.name_or_path"
    spec = ModelSpec(summarizer.name_or_path, summarizer.revision, "summarizer.name_or_path")
    loaded = models.get(spec)
    settings = resolve_generation(
        loaded,
        overrides=overrides or {},
        preset=summarizer.generation,
        task="summarization",
        prefix=summarizer.prefix,
    )
    chunking = chunking or ChunkingConfig()
    generator = make_generator(loaded, settings, runtime or RuntimeConfig())
    return Seq2SeqSummariser(
        generator,
        prefix=settings.prefix,
        max_input_tokens=chunking.max_input_tokens,
        overlap_sentences=chunking.overlap_sentences,
        max_levels=max_levels,
    )
