"""Summarising whole articles: chunk, summarise each chunk, reduce hierarchically to one summary.

All chunks of all articles in a window go through ``generate`` together (sorted and batched by token
budget), level by level, so a long article does not serialise the batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from summarize.generate.backends import TextGenerator
from summarize.records import ArticleSummary, Chunk
from summarize.text.chunks import input_budget, pack_chunks, tokenizer_counter
from summarize.text.sentences import sentence_spans


class Seq2SeqSummariser:
    def __init__(
        self,
        generator: TextGenerator,
        *,
        prefix: str = "",
        max_input_tokens: int | None = None,
        overlap_sentences: int = 0,
        max_levels: int = 8,
    ) -> None:
        loaded = generator.loaded
        self.generator = generator
        self.prefix = prefix
        limit = min(max_input_tokens or loaded.max_input_tokens, loaded.max_input_tokens)
        self.budget = input_budget(loaded.tokenizer, limit, prefix)
        self.count = tokenizer_counter(loaded.tokenizer, prefix)
        self.overlap_sentences = overlap_sentences
        self.max_levels = max_levels

    def chunk(self, text: str, lang: str) -> list[Chunk]:
        return pack_chunks(
            text,
            sentence_spans(text, lang),
            self.count,
            self.budget,
            tokenizer=self.generator.loaded.tokenizer,
            overlap_sentences=self.overlap_sentences,
        )

    def summarise(self, texts: Sequence[str], langs: Sequence[str]) -> list[ArticleSummary]:
        first_chunks = [
            self.chunk(t, lang) if t else [] for t, lang in zip(texts, langs, strict=True)
        ]
        current = {i: chunks for i, chunks in enumerate(first_chunks) if chunks}
        # Tokens each article's current level reads: a level must shrink it, or stop.
        sizes = {i: self.count(texts[i]) for i in current}
        final: dict[int, ArticleSummary] = {}
        target = self.generator.max_new_tokens or self.budget
        level = 0
        while current:
            level += 1
            order = [(i, c) for i, chunks in current.items() for c in chunks]
            outputs = self.generator.generate([c.text for _, c in order], prefix=self.prefix)
            by_article: dict[int, list] = {}
            for (i, _), output in zip(order, outputs, strict=True):
                by_article.setdefault(i, []).append(output)
            current = {}
            for i, parts in by_article.items():
                joined = " ".join(p.text for p in parts if p.text)
                size = self.count(joined)
                done = len(parts) == 1 or size <= target
                # Summaries as long as their input (a model that runs to its limit on every
                # chunk) would make every further level as big or bigger: stop, and say so.
                grew = not done and size >= sizes[i]
                if done or grew or level >= self.max_levels:
                    why = ": the summaries were not shorter than their input" if grew else ""
                    notes = () if done else (f"reduction stopped after {level} levels{why}",)
                    final[i] = ArticleSummary(
                        text=joined,
                        chunks=first_chunks[i],
                        levels=level,
                        n_output_tokens=sum(p.n_output_tokens for p in parts),
                        hit_max_new_tokens=any(p.hit_max_new_tokens for p in parts),
                        notes=notes,
                    )
                else:  # the joined summaries are the next level's input
                    current[i] = self.chunk(joined, langs[i])
                    sizes[i] = size
        return [
            final.get(i, ArticleSummary(text="", chunks=[], levels=0)) for i in range(len(texts))
        ]
