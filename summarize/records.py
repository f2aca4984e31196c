"""The records that flow between stages.

Frozen, except ``Work``: a stage makes new records, never edits old ones. ``Work`` is the one
mutable record, an article's state while its window goes through the stages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    lang: str
    title: str | None = None
    reference: str | None = None  # reference summary
    # Reference translations by language.
    references: Mapping[str, str] = field(default_factory=dict)
    target_lang: str | None = None  # parallel test sets: the language `reference` is written in
    origin: str = ""  # file and line/row it came from, for error messages
    notes: tuple[str, ...] = ()  # e.g. "invalid UTF-8 replaced"
    # False when neither the record nor source.lang named the language (``lang`` is the default).
    lang_declared: bool = True


@dataclass(frozen=True)
class RecordError:
    """An input record that cannot be processed; it still gets a line in records.jsonl."""

    code: str  # machine-readable: malformed_json, missing_text, empty_text, ...
    message: str
    id: str | None = None
    origin: str = ""
    lang: str | None = None
    # Set when the error is about an article that was read (so it can be resumed past).
    source_sha256: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A contiguous span [start, end) of the normalised article, fed to the model as one input."""

    start: int
    end: int
    text: str
    n_tokens: int


@dataclass(frozen=True)
class Generated:
    """One model output."""

    text: str
    n_input_tokens: int
    n_output_tokens: int
    hit_max_new_tokens: bool


@dataclass(frozen=True)
class ArticleSummary:
    text: str
    chunks: list[Chunk]
    levels: int  # 1: chunks summarised once; 2+: summaries of summaries
    n_output_tokens: int = 0
    hit_max_new_tokens: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Work:
    """One article on its way through a window (built by screening, filled by the stages)."""

    article: Article
    text: str  # normalised
    sha256: str
    input_key: str
    notes: list[str]
    normalise_s: float
    # The language check of screening (declared, detected, processed_as, flag); None: no mismatch.
    language: dict[str, Any] | None = None
    summary_key: str | None = None
    summary: ArticleSummary | Exception | None = None
    reused_summary: bool = False
    previous: dict[str, Any] | None = None
    # (target, part) -> key, and -> (text, outputs) | Exception
    translation_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    translated: dict[tuple[str, str], Any] = field(default_factory=dict)
    reused_translations: set[tuple[str, str]] = field(default_factory=set)
    translate_s: dict[str, float] = field(default_factory=dict)
