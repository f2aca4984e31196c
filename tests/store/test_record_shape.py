"""A record is defined once (store/record.py): the JSON schema, the export's columns, the
builders and the serialisation fallback are checked against it, so they cannot drift apart."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

from summarize.evaluate.record import EvaluationSettings, RecordEvaluator
from summarize.publish.columns import COLUMN_SOURCES, NOT_EXPORTED, record_features, to_row
from summarize.records import Article, ArticleSummary, Chunk, Generated, RecordError, Work
from summarize.run.record import build_record, error_record
from summarize.store.atomic import encode_line
from summarize.store.record import Chunks, ErrorInfo, ErrorRecord, ModelInfo, Record

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "summarize/schemas/record.schema.json").read_text()
)
_JSON = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def json_types(annotation: Any) -> set[str]:
    """The JSON types a Python annotation allows (containers and TypedDicts by their kind)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return set().union(*(json_types(a) for a in typing.get_args(annotation)))
    origin = typing.get_origin(annotation) or annotation
    if origin is list:
        return {"array"}
    if origin is dict or typing.is_typeddict(annotation):
        return {"object"}
    return {_JSON[origin]}


def schema_types(node: dict[str, Any]) -> set[str]:
    if "oneOf" in node:
        return set().union(*(schema_types(n) for n in node["oneOf"]))
    if "$ref" in node:
        return {"object"}
    kind = node["type"]
    return set(kind) if isinstance(kind, list) else {kind}


def test_the_schema_has_exactly_the_fields_of_a_record_with_their_types() -> None:
    hints = typing.get_type_hints(Record)
    assert set(SCHEMA["properties"]) == set(hints)
    assert set(SCHEMA["required"]) == set(ErrorRecord.__annotations__)
    for name, annotation in hints.items():
        assert schema_types(SCHEMA["properties"][name]) == json_types(annotation), name
    assert set(SCHEMA["$defs"]["model"]["required"]) == set(ModelInfo.__annotations__)
    assert set(SCHEMA["properties"]["chunks"]["required"]) == set(Chunks.__annotations__)
    error = next(n for n in SCHEMA["properties"]["error"]["oneOf"] if n["type"] == "object")
    assert set(error["properties"]) == set(ErrorInfo.__annotations__)


def test_every_field_of_a_record_is_an_export_column_or_deliberately_not_exported() -> None:
    fields = set(Record.__annotations__) | set(ErrorRecord.__annotations__)
    assert set(COLUMN_SOURCES.values()) | set(NOT_EXPORTED) == fields
    assert not set(COLUMN_SOURCES.values()) & set(NOT_EXPORTED)
    manifest = {"config": {"langs": {"fa": {}}, "task": "summarize", "translate": {"article": 1}}}
    features = record_features(manifest)
    for column in features:  # every column says where it comes from
        assert column in COLUMN_SOURCES or column.startswith(("translation_", "article_")), column
    assert set(features["model"]["summarizer"]) == set(ModelInfo.__annotations__)
    assert set(features["error"]) == set(ErrorInfo.__annotations__)


def built_record() -> dict[str, Any]:
    article = Article(id="a1", text="raw", lang="en", reference="Cats sat.", origin="f:1")
    w = Work(article, "The cat sat on the mat.", "s" * 64, "k", [], 0.1, summary_key="sk")
    w.summary = ArticleSummary("The cat sat.", [Chunk(0, 23, "", 7)], levels=1)
    w.translated[("fr", "summary")] = ("Le chat.", [Generated("Le chat.", 4, 3, False)])
    return dict(
        build_record(
            w,
            summarize_s=0.5,
            summarising=True,
            evaluator=RecordEvaluator(EvaluationSettings(bootstrap=0, langid=False)),
            models=lambda targets: {"summarizer": None, "translators": dict.fromkeys(targets)},
        )
    )


def test_the_builders_write_exactly_the_fields_the_definition_has() -> None:
    record = built_record()
    assert set(record) == set(typing.get_type_hints(Record))
    assert set(record["chunks"]) == set(Chunks.__annotations__)
    unread = error_record(RecordError("empty_text", "empty", id="b", origin="f:2"), "k2")
    assert set(unread) == set(ErrorRecord.__annotations__)
    # A record that cannot be serialised becomes an error record of the same shape.
    fallback = json.loads(encode_line({**record, "summary": "\ud800"}))
    assert set(fallback) == set(ErrorRecord.__annotations__)
    assert set(fallback["error"]) == set(ErrorInfo.__annotations__)
    # And the export turns a built record into a row of its own features.
    manifest = {"config": {"langs": {"fr": {}}, "task": "summarize"}}
    features = record_features(manifest)
    row = to_row(record, features)
    assert set(row) == set(features)
    features.encode_example(row)  # raises if a value does not fit its column
