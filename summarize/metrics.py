"""Run-level metrics, accumulated as records are written (memory does not grow with the corpus)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Lengths:
    n: int = 0
    input_chars: int = 0
    input_words: int = 0
    output_chars: int = 0
    output_words: int = 0
    compression_sum: float = 0.0
    empty: int = 0
    hit_max_new_tokens: int = 0

    def add(self, source: str, output: str, hit_max: bool) -> None:
        in_words, out_words = len(source.split()), len(output.split())
        self.n += 1
        self.input_chars += len(source)
        self.input_words += in_words
        self.output_chars += len(output)
        self.output_words += out_words
        self.empty += not output.strip()
        self.hit_max_new_tokens += hit_max
        if out_words:
            self.compression_sum += in_words / out_words

    def result(self) -> dict[str, Any]:
        n = max(self.n, 1)
        nonempty = max(self.n - self.empty, 1)
        return {
            "count": self.n,
            "mean_input_chars": self.input_chars / n,
            "mean_input_words": self.input_words / n,
            "mean_output_chars": self.output_chars / n,
            "mean_output_words": self.output_words / n,
            "mean_compression_ratio": self.compression_sum / nonempty,
            "empty_outputs": self.empty,
            "hit_max_new_tokens": self.hit_max_new_tokens,
        }


@dataclass
class RunMetrics:
    read: int = 0
    ok: int = 0
    failed: int = 0
    errors_by_code: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    summaries: dict[str, _Lengths] = field(default_factory=lambda: defaultdict(_Lengths))
    translations: dict[str, _Lengths] = field(default_factory=lambda: defaultdict(_Lengths))
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    generated_tokens: int = 0

    def add_error(self, code: str) -> None:
        self.read += 1
        self.failed += 1
        self.errors_by_code[code] += 1

    def add_summary(
        self, lang: str, source: str, summary: str, hit_max: bool, output_tokens: int
    ) -> None:
        self.summaries[lang].add(source, summary, hit_max)
        self.generated_tokens += output_tokens

    def add_translation(
        self, lang: str, source: str, translation: str, hit_max: bool, output_tokens: int
    ) -> None:
        self.translations[lang].add(source, translation, hit_max)
        self.generated_tokens += output_tokens

    def result(self, wall_seconds: float) -> dict[str, Any]:
        return {
            "counts": {
                "read": self.read,
                "ok": self.ok,
                "failed": self.failed,
                "errors_by_code": dict(self.errors_by_code),
            },
            "throughput": {
                "wall_seconds": wall_seconds,
                "articles_per_second": self.read / wall_seconds if wall_seconds else None,
                "generated_tokens": self.generated_tokens,
                "generated_tokens_per_second": self.generated_tokens / wall_seconds
                if wall_seconds
                else None,
            },
            "stage_seconds": dict(self.stage_seconds),
            "summary": {lang: s.result() for lang, s in self.summaries.items()},
            "translation": {lang: s.result() for lang, s in self.translations.items()},
        }
