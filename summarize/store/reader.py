"""The one reader of records.jsonl: every line proven a record, or the first bad one named.

A damaged file (a bad disk, a careless ``sed -i``, a copy tool that cuts or repeats a line, a
kill at the wrong moment) is refused in one line that says where and what: ``<file>:<line>:
<kind of damage>``. Nothing downstream ever parses records.jsonl on its own.

Kinds of damage: a cut line (no newline at its end), NUL bytes, bytes that are not UTF-8, a line
that is not JSON, a JSON value that is not an object, an object without ``input_key`` (not a
record), and, when asked (``unique``), a duplicated line (a second record for one input).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.store.atomic import write_bytes_atomic


class Damaged(ValueError):
    """A record file is not what was written; the message is one line: where, what, the way out."""

    def __init__(self, path: Path, line: int | None, kind: str, way_out: str = "") -> None:
        self.path, self.line, self.kind, self.way_out = Path(path), line, kind, way_out
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {kind}" + (f"; {way_out}" if way_out else ""))

    def advise(self, way_out: str) -> Damaged:
        """The same damage with the way out that fits the command which found it."""
        return Damaged(self.path, self.line, self.kind, way_out)


def parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """(the JSON object of one line, None) or (None, the kind of damage). Any JSONL file."""
    if not raw.endswith(b"\n"):
        return None, "cut line (no newline at its end)"
    if b"\x00" in raw:
        return None, "NUL bytes"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8"
    try:
        value = json.loads(text[:-1])  # without its newline: a cut string reads as one
    except json.JSONDecodeError as exc:
        return None, f"damaged line (not JSON: {exc.msg})"
    if not isinstance(value, dict):
        return None, "not a JSON object"
    return value, None


def parse_record(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    record, kind = parse_line(raw)
    if record is not None and not isinstance(record.get("input_key"), str):
        return None, "not a record (no input_key)"
    return record, kind


@dataclass(frozen=True)
class Line:
    number: int
    offset: int  # of the line's first byte
    record: dict[str, Any]


class RecordReader:
    """One pass over records.jsonl, in order; the bytes are hashed on the way.

    After a whole pass, ``sha256`` and ``lines`` describe the file as read, so a caller checks
    them against what manifest.json or .claim.json recorded without reading it twice.
    ``unique``: a second line for one ``input_key`` is damage (keeps one key per line in memory;
    only readers that must prove a version whole ask for it).
    """

    def __init__(self, path: Path, *, unique: bool = False) -> None:
        self.path = Path(path)
        self.unique = unique
        self.lines = 0
        self._hash = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def __iter__(self) -> Iterator[Line]:
        first: dict[str, int] = {}
        offset = 0
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                record, kind = parse_record(raw)
                if record is None:
                    raise Damaged(self.path, number, kind or "damaged line")
                if self.unique:
                    seen = first.setdefault(record["input_key"], number)
                    if seen != number:
                        raise Damaged(
                            self.path, number, f"duplicated line (the same input as line {seen})"
                        )
                self._hash.update(raw)
                self.lines = number
                yield Line(number, offset, record)
                offset += len(raw)


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of records.jsonl, in order; ``Damaged`` at the first bad line."""
    for line in RecordReader(path):
        yield line.record


def scan_to_end(path: Path, unique: bool = True) -> RecordReader:
    """A whole pass (``Damaged`` at the first bad line); the reader holds sha256 and lines."""
    reader = RecordReader(path, unique=unique)
    for _ in reader:
        pass
    return reader


def repair_records(path: Path) -> list[str]:
    """Rewrite records.jsonl without its damaged lines and without every copy of a duplicated
    input (which copy is right cannot be told), atomically; those records are then missing, so a
    resume generates them again. Returns what was dropped (``"line 3: NUL bytes"``)."""
    dropped: dict[int, str] = {}
    first: dict[str, int] = {}
    duplicated: set[str] = set()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            record, kind = parse_record(raw)
            if record is None:
                dropped[number] = kind or "damaged line"
            elif record["input_key"] in first:
                duplicated.add(record["input_key"])
            else:
                first[record["input_key"]] = number
    if not dropped and not duplicated:
        return []

    def kept() -> Iterator[bytes]:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                if number in dropped:
                    continue
                record, _ = parse_record(raw)
                if record is not None and record["input_key"] in duplicated:
                    dropped[number] = "duplicated line"
                    continue
                yield raw

    write_bytes_atomic(path, kept())
    return [f"line {number}: {kind}" for number, kind in sorted(dropped.items())]
