"""The records that flow between stages. Frozen: a stage makes new records, never edits old ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
