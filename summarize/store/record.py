"""The one definition of a line of records.jsonl.

``run/record.build_record`` builds a ``Record``; an input that could not be read gets an
``ErrorRecord`` (the fields every line has). schemas/record.schema.json and the export's columns
(publish/export.py) are checked against these types by tests/store/test_record_shape.py, so the
three cannot drift apart. TypedDicts, not dataclasses: a record is written as the plain dict it
is, so the bytes on disk do not depend on this definition.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class ErrorInfo(TypedDict):
    code: str  # machine-readable: malformed_json, generation_failed, ...
    message: str
    origin: str  # file and line/row of the input


class ModelInfo(TypedDict):
    """What every record names of a model (generate.models.LoadedModel.describe)."""

    name_or_path: str
    revision: str | None
    weights_sha256: str | None
    family: str


class Models(TypedDict):
    summarizer: ModelInfo | None  # null: extractive summaries
    translators: dict[str, ModelInfo | None]  # null: no record needed it (fa into fa)


class Chunks(TypedDict):
    count: int
    spans: list[list[int]]  # [start, end) in the normalised text


class Timings(TypedDict):
    normalise_s: float
    summarize_s: float
    translate_s: dict[str, float]


class Keys(TypedDict):
    """What each part's output depends on, hashed (run/keys.py): reuse looks records up by them."""

    summary: str | None
    translations: dict[str, dict[str, str | None]]  # target -> part -> key


class Reused(TypedDict):
    summary: bool
    translations: dict[str, bool]


class Checks(TypedDict):
    summary: dict[str, Any] | None  # support, flag, sentences, unsupported
    translations: dict[str, dict[str, dict[str, Any] | None]]  # target -> part -> flags
    # Only when the text is not in the language declared (or defaulted) for it: declared,
    # detected, processed_as, flag.
    language: NotRequired[dict[str, Any]]
    needs_review: bool


class ErrorRecord(TypedDict):
    """The line of an input record that could not be processed: what every line has."""

    id: str | None
    input_key: str
    source_sha256: str | None
    lang: str | None
    summary: str | None
    translations: dict[str, dict[str, str | None]]  # target -> part (summary, article) -> text
    chunks: Chunks
    error: ErrorInfo | None


class Record(ErrorRecord):
    """The line of an article that was read (its ``error`` set if a stage failed)."""

    title: str | None
    reference: str | None
    references: dict[str, str]
    reduce_levels: int | None
    keys: Keys
    reused: Reused
    model: Models
    timings: Timings
    evaluation: dict[str, Any]
    checks: Checks
    notes: list[str]
