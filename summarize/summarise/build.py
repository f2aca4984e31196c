"""The summariser the config asks for: a seq2seq model (chunk, generate, reduce) or a weight-free one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from omegaconf import DictConfig, OmegaConf

from summarize.generate.backends import make_generator
from summarize.generate.models import ModelCache, ModelSpec
from summarize.generate.settings import resolve_generation
from summarize.records import ArticleSummary
from summarize.summarise.extractive import ExtractiveSummariser
from summarize.summarise.seq2seq import Seq2SeqSummariser


class Summariser(Protocol):
    def summarise(self, texts: Sequence[str], langs: Sequence[str]) -> list[ArticleSummary]: ...


def build_summariser(cfg: DictConfig, models: ModelCache) -> Summariser:
    summarizer = cfg.summarizer
    if summarizer.kind == "extractive":
        return ExtractiveSummariser(summarizer.method, summarizer.sentences, summarizer.words)
    spec = ModelSpec(summarizer.name_or_path, summarizer.revision, "summarizer.name_or_path")
    loaded = models.get(spec)
    settings = resolve_generation(
        loaded,
        overrides=OmegaConf.to_container(cfg.generation.summary),
        preset=OmegaConf.to_container(summarizer.generation),  # type: ignore[arg-type]
        task="summarization",
        prefix=summarizer.prefix,
    )
    generator = make_generator(loaded, settings, cfg.runtime)
    return Seq2SeqSummariser(
        generator,
        prefix=settings.prefix,
        max_input_tokens=cfg.chunking.max_input_tokens,
        overlap_sentences=cfg.chunking.overlap_sentences,
        max_levels=cfg.generation.max_reduce_levels,
    )
