"""Readers: stream articles from a text folder, JSONL, CSV, Parquet or a Hugging Face dataset.

Each reader yields ``Article`` or ``RecordError`` one at a time; nothing is loaded whole. A bad
record becomes a ``RecordError`` naming the file and line/row, and reading goes on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from summarize.config import FieldMap, SourceConfig
from summarize.records import Article, RecordError

SourceItem = Article | RecordError


def sample_folder() -> Path:
    """The sample article shipped with the package: the default input."""
    return Path(str(resources.files("summarize") / "samples"))


def input_path(cfg: SourceConfig) -> Path:
    return Path(cfg.path).expanduser() if cfg.path else sample_folder()


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


def article_from_row(
    row: Mapping[str, Any],
    fields: FieldMap,
    default_lang: str,
    origin: str,
    notes: tuple[str, ...] = (),
) -> SourceItem:
    raw_id = _field(row, fields.id)
    if raw_id is None or str(raw_id).strip() == "":
        return RecordError("missing_id", f"record has no {fields.id!r} field", origin=origin)
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
    title, lang, reference, target = (
        _field(row, f) for f in (fields.title, fields.lang, fields.reference, fields.target_lang)
    )
    return Article(
        id=str(raw_id),
        text=text,
        lang=str(lang) if lang else default_lang,
        title=str(title) if title else None,
        reference=str(reference) if reference else None,
        references=_references(row, fields.references),
        target_lang=str(target) if target else None,
        origin=origin,
        notes=notes,
    )


def read_text_folder(cfg: SourceConfig) -> Iterator[SourceItem]:
    root = input_path(cfg)
    files = (
        [root]
        if root.is_file()
        else sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in cfg.suffixes)
    )
    for path in files:
        article_id = path.name if path == root else path.relative_to(root).as_posix()
        try:
            text, notes = _decode(path.read_bytes(), cfg.encoding_errors)
        except UnicodeDecodeError as exc:
            yield RecordError(
                "invalid_utf8", f"not UTF-8 at byte {exc.start}", id=article_id, origin=str(path)
            )
            continue
        yield Article(id=article_id, text=text, lang=cfg.lang, origin=str(path), notes=notes)


def read_jsonl(cfg: SourceConfig) -> Iterator[SourceItem]:
    path = input_path(cfg)
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            origin = f"{path}:{number}"
            if not line.strip():
                continue
            try:
                decoded, notes = _decode(line, cfg.encoding_errors)
                row = json.loads(decoded)
            except UnicodeDecodeError as exc:
                yield RecordError(
                    "invalid_utf8", f"line {number} is not UTF-8 at byte {exc.start}", origin=origin
                )
                continue
            except json.JSONDecodeError as exc:
                yield RecordError(
                    "malformed_json",
                    f"line {number}: {exc.msg} at column {exc.colno}",
                    origin=origin,
                )
                continue
            if not isinstance(row, dict):
                yield RecordError(
                    "malformed_json",
                    f"line {number} is a JSON {type(row).__name__}, not an object",
                    origin=origin,
                )
                continue
            yield article_from_row(row, cfg.fields, cfg.lang, origin, notes)


def read_csv(cfg: SourceConfig) -> Iterator[SourceItem]:
    path = input_path(cfg)
    csv.field_size_limit(sys.maxsize)  # a long article is one field; the default limit is 128 KiB
    with path.open("rb") as raw:
        text_stream = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        reader = csv.DictReader(text_stream)
        for number, row in enumerate(reader, start=2):  # row 1 is the header
            yield article_from_row(row, cfg.fields, cfg.lang, f"{path}:{number}")


def read_parquet(cfg: SourceConfig) -> Iterator[SourceItem]:
    import pyarrow.parquet as pq

    path = input_path(cfg)
    row_number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=256):
        for row in batch.to_pylist():
            yield article_from_row(row, cfg.fields, cfg.lang, f"{path}:row {row_number}")
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
        yield article_from_row(row, cfg.fields, cfg.lang, f"{cfg.path}:row {number}")


READERS = {
    "text": read_text_folder,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "parquet": read_parquet,
    "hf": read_hf,
}


def read_source(cfg: SourceConfig) -> Iterator[SourceItem]:
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
            total = (
                1
                if path.is_file()
                else sum(1 for p in path.rglob("*") if p.is_file() and p.suffix in cfg.suffixes)
            )
        elif cfg.kind in ("jsonl", "csv"):
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


def check_source(cfg: SourceConfig) -> None:
    """Fail before any model is loaded when the input cannot be found."""
    path = input_path(cfg)
    if cfg.kind == "hf" and not path.exists():
        return  # a Hub dataset name
    if not path.exists():
        raise FileNotFoundError(
            f"source.path={path} does not exist: point source.path at your {cfg.kind} input"
        )


def input_hashes(cfg: SourceConfig) -> dict[str, str]:
    """sha256 of every input file, for the manifest (streamed, 1 MiB at a time)."""
    path = input_path(cfg)
    if not path.exists():
        return {}
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    hashes = {}
    for file in files:
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        hashes[file.name if file == path else file.relative_to(path).as_posix()] = (
            digest.hexdigest()
        )
    return hashes
