"""Writes that a crash cannot leave half done.

- records.jsonl is appended to and fsync'd after each window: a crash loses at most the window in
  flight and never leaves half a line that a reader would accept (each line is written whole).
- JSON documents are written to a temp file and renamed into place.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_UMASK = os.umask(0)
os.umask(_UMASK)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    """Temp file in the target folder, fsync, then os.replace: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp creates 0600; a run is meant to be read by others
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, [text.encode("utf-8")])


def write_json_atomic(path: Path, document: Any) -> None:
    write_text_atomic(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _printable(value: Any) -> str:
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def encode_line(record: Mapping[str, Any]) -> bytes:
    """One JSON line; a record that cannot be serialised becomes an error record in its place,
    so one bad value (a lone surrogate, a NaN-free non-JSON object, ...) never stops a run."""
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except (ValueError, TypeError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        error = record.get("error") or {}
        replacement = {
            "id": None if record.get("id") is None else _printable(record["id"]),
            "input_key": _printable(record.get("input_key")),
            "source_sha256": None,
            "lang": None,
            "summary": None,
            "translations": {},
            "chunks": {"count": 0, "spans": []},
            "error": {
                "code": "serialisation_failed",
                "message": _printable(f"{type(exc).__name__}: {exc}"),
                "origin": _printable(error.get("origin", "")),
            },
        }
        return (json.dumps(replacement, ensure_ascii=False) + "\n").encode("utf-8")


class RecordWriter:
    """Appends JSON lines; each ``write_many`` ends with flush + fsync."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = path.open("ab")
        self.count = 0

    def write_many(self, records: Iterable[Mapping[str, Any]]) -> None:
        lines = [encode_line(r) for r in records]
        self._handle.write(b"".join(lines))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.count += len(lines)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
