"""Readers: stream articles from a text folder, JSONL, CSV, Parquet or a Hugging Face dataset.

Each reader yields ``Article`` or ``RecordError`` one at a time; nothing is loaded whole. A bad
record becomes a ``RecordError`` naming the file and line/row, and reading goes on: that includes
a record over ``source.max_record_chars`` (``record_too_large``), text that is not valid Unicode
(``invalid_text``) and JSON nested too deep to parse.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from summarize.config import DEFAULT_SOURCE_LANG, FieldMap, SourceConfig, source_language
from summarize.records import Article, RecordError
from summarize.source.files import (
    UTF8_BOM,
    bounded_lines,
    input_path,
    is_encoded,
    line_limit,
    open_text_input,
    problem,
    resolve_kind,
    sniff,
    text_files,
)
from summarize.source.headline import split_headline

SourceItem = Article | RecordError
# A lone UTF-16 surrogate ("\ud800" in JSON) is not Unicode text: it cannot even be written out.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _decode(data: bytes, errors: str) -> tuple[str, tuple[str, ...]]:
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        if errors == "strict":
            raise
        return data.decode("utf-8", errors="replace"), (
            f"invalid UTF-8 at byte {exc.start} replaced",
        )


def _field(row: Mapping[str, Any], name: str | None) -> Any:
    return None if name is None else row.get(name)


def _references(row: Mapping[str, Any], name: str | None) -> dict[str, str]:
    if name is None:
        return {}
    nested = row.get(name)
    if isinstance(nested, Mapping):
        return {str(k): str(v) for k, v in nested.items() if v is not None}
    prefix = f"{name}."
    return {
        k[len(prefix) :]: str(v) for k, v in row.items() if k.startswith(prefix) and v is not None
    }


def _printable(value: str) -> str:
    """``value`` with lone surrogates escaped (\\ud800), so it can be written in an error record."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _invalid_text(row: Mapping[str, Any], raw_id: str, origin: str) -> RecordError | None:
    for name, value in row.items():
        values = value.values() if isinstance(value, Mapping) else (value,)
        for item in (name, *values):
            if isinstance(item, str) and (bad := _SURROGATE.search(item)):
                return RecordError(
                    "invalid_text",
                    f"field {_printable(str(name))!r} holds a lone surrogate "
                    f"{_printable(bad.group())} at character {bad.start()}: not Unicode text",
                    id=_printable(raw_id),
                    origin=origin,
                )
    return None


def article_from_row(
    row: Mapping[str, Any],
    fields: FieldMap,
    default_lang: str | None,
    origin: str,
    notes: tuple[str, ...] = (),
    max_chars: int | None = None,
) -> SourceItem:
    raw_id = _field(row, fields.id)
    if raw_id is None or str(raw_id).strip() == "":
        return RecordError("missing_id", f"record has no {fields.id!r} field", origin=origin)
    invalid = _invalid_text(row, str(raw_id), origin)
    if invalid is not None:
        return invalid
    text = _field(row, fields.text)
    if text is None:
        return RecordError(
            "missing_text", f"record has no {fields.text!r} field", id=str(raw_id), origin=origin
        )
    if not isinstance(text, str):
        return RecordError(
            "bad_text",
            f"field {fields.text!r} is {type(text).__name__}, not text",
            id=str(raw_id),
            origin=origin,
        )
    if max_chars is not None and len(text) > max_chars:
        return too_large(f"the text has {len(text):,} characters", max_chars, str(raw_id), origin)
    title, lang, reference, target = (
        _field(row, f) for f in (fields.title, fields.lang, fields.reference, fields.target_lang)
    )
    return Article(
        id=str(raw_id),
        text=text,
        lang=str(lang) if lang else (default_lang or DEFAULT_SOURCE_LANG),
        title=str(title) if title else None,
        reference=str(reference) if reference else None,
        references=_references(row, fields.references),
        target_lang=str(target) if target else None,
        origin=origin,
        notes=notes,
        lang_declared=bool(lang) or default_lang is not None,
    )


def too_large(what: str, max_chars: int, article_id: str | None, origin: str) -> RecordError:
    return RecordError(
        "record_too_large",
        f"{what}, over source.max_record_chars={max_chars:,}: split it, or raise the limit",
        id=article_id,
        origin=origin,
    )


def read_text_folder(cfg: SourceConfig) -> Iterator[SourceItem]:
    root = input_path(cfg)
    for path, article_id, outside in text_files(root, cfg.suffixes, cfg.follow_symlinks):
        origin = str(path)
        if outside:
            yield RecordError("symlink_outside_source", outside, id=article_id, origin=origin)
            continue
        size = path.stat().st_size
        if size > 4 * cfg.max_record_chars:  # UTF-8: at least one character per 4 bytes
            yield too_large(
                f"the file has {size:,} bytes", cfg.max_record_chars, article_id, origin
            )
            continue
        data = path.read_bytes().removeprefix(UTF8_BOM)
        kind = sniff(data[:4096])
        if kind is not None:
            code = "unsupported_encoding" if is_encoded(kind) else "binary_content"
            yield RecordError(code, problem(path, kind, data[:64]), id=article_id, origin=origin)
            continue
        try:
            text, notes = _decode(data, cfg.encoding_errors)
        except UnicodeDecodeError as exc:
            yield RecordError(
                "invalid_utf8", f"not UTF-8 at byte {exc.start}", id=article_id, origin=origin
            )
            continue
        if len(text) > cfg.max_record_chars:
            yield too_large(
                f"the text has {len(text):,} characters", cfg.max_record_chars, article_id, origin
            )
            continue
        title, text = split_headline(text)
        yield Article(
            id=article_id,
            text=text,
            lang=source_language(cfg),
            title=title,
            origin=origin,
            notes=notes,
            lang_declared=cfg.lang is not None,
        )


def _parse_line(line: bytes, number: int, origin: str, cfg: SourceConfig) -> SourceItem:
    try:
        decoded, notes = _decode(line, cfg.encoding_errors)
        row = json.loads(decoded)
    except UnicodeDecodeError as exc:
        return RecordError(
            "invalid_utf8", f"line {number} is not UTF-8 at byte {exc.start}", origin=origin
        )
    except json.JSONDecodeError as exc:
        return RecordError(
            "malformed_json", f"line {number}: {exc.msg} at column {exc.colno}", origin=origin
        )
    except RecursionError:
        return RecordError(
            "malformed_json", f"line {number} is nested too deeply to parse", origin=origin
        )
    if not isinstance(row, dict):
        return RecordError(
            "malformed_json",
            f"line {number} is a JSON {type(row).__name__}, not an object",
            origin=origin,
        )
    return article_from_row(row, cfg.fields, cfg.lang, origin, notes, cfg.max_record_chars)


def read_jsonl(cfg: SourceConfig) -> Iterator[SourceItem]:
    path = input_path(cfg)
    with open_text_input(path, cfg.compression) as handle:
        lines = bounded_lines(handle, line_limit(cfg.max_record_chars))
        for number, (line, size) in enumerate(lines, start=1):
            origin = f"{path}:{number}"
            if line is None:
                yield too_large(
                    f"line {number} has {size:,} bytes", cfg.max_record_chars, None, origin
                )
                continue
            if number == 1:
                line = line.removeprefix(UTF8_BOM)
            if not line.strip():
                continue
            yield _parse_line(line, number, origin, cfg)


def read_csv(cfg: SourceConfig) -> Iterator[SourceItem]:
    path = input_path(cfg)
    # A long article is one field (the default limit is 128 KiB); a field far over the record
    # limit is refused by the csv module itself, so it is never held whole.
    csv.field_size_limit(max(4 * cfg.max_record_chars, 1 << 17))
    with open_text_input(path, cfg.compression) as raw:
        text_stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.DictReader(text_stream)
        number = 1  # row 1 is the header
        while True:
            number += 1
            origin = f"{path}:{number}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field limit" in str(exc):
                    yield too_large(
                        f"row {number} has a larger field", cfg.max_record_chars, None, origin
                    )
                else:
                    yield RecordError("malformed_csv", f"row {number}: {exc}", origin=origin)
                continue
            yield article_from_row(row, cfg.fields, cfg.lang, origin, (), cfg.max_record_chars)


def read_parquet(cfg: SourceConfig) -> Iterator[SourceItem]:
    import pyarrow.parquet as pq

    path = input_path(cfg)
    row_number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            origin = f"{path}:row {row_number}"
            yield article_from_row(row, cfg.fields, cfg.lang, origin, (), cfg.max_record_chars)
            row_number += 1


def read_hf(cfg: SourceConfig) -> Iterator[SourceItem]:
    import datasets

    assert cfg.path is not None
    local = Path(cfg.path).expanduser()
    if local.exists():
        loaded = datasets.load_from_disk(
            str(local)
        )  # memory-mapped Arrow: iterating does not load it
        if isinstance(loaded, datasets.DatasetDict):
            if cfg.split is None:
                raise ValueError(
                    f"{local} holds splits {list(loaded)}: choose one with source.split=NAME"
                )
            loaded = loaded[cfg.split]
        rows: Any = loaded
    else:
        rows = datasets.load_dataset(cfg.path, split=cfg.split or "train", streaming=True)
    for number, row in enumerate(rows):
        origin = f"{cfg.path}:row {number}"
        yield article_from_row(row, cfg.fields, cfg.lang, origin, (), cfg.max_record_chars)


READERS = {
    "text": read_text_folder,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
    "hf": read_hf,
}


def read_source(cfg: SourceConfig) -> Iterator[SourceItem]:
    resolve_kind(cfg)  # source=auto: a folder is text, a file is read by its name
    items = READERS[cfg.kind](cfg)
    for count, item in enumerate(items):
        if cfg.limit is not None and count >= cfg.limit:
            return
        yield item


def count_inputs(cfg: SourceConfig) -> int | None:
    """A cheap count of input records for the progress bar's ETA (None when not cheap)."""
    path = input_path(cfg)
    try:
        if cfg.kind == "text":
            total = len(text_files(path, cfg.suffixes, cfg.follow_symlinks))
        elif cfg.kind in ("jsonl", "csv") and cfg.compression == "none":
            with path.open("rb") as handle:
                total = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
            total -= cfg.kind == "csv"  # the header
        elif cfg.kind == "parquet":
            import pyarrow.parquet as pq

            total = pq.ParquetFile(path).metadata.num_rows
        else:
            return None
    except OSError:
        return None
    return min(total, cfg.limit) if cfg.limit is not None else total
