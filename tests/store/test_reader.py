"""The one reader of records.jsonl names the first bad line and its kind; repair drops them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.store.reader import Damaged, RecordReader, read_records, repair_records
from summarize.store.verify import records_identity


def line(i: int, **extra: object) -> bytes:
    return (json.dumps({"id": f"a{i}", "input_key": f"k{i}", **extra}) + "\n").encode()


def write(path: Path, *lines: bytes) -> Path:
    path.write_bytes(b"".join(lines))
    return path


@pytest.mark.parametrize(
    ("bad", "kind"),
    [
        (b"\x00" * 20 + b"\n", "NUL bytes"),
        (b'{"id": "a1", "input_key": "k1", "summ\n', "damaged line (not JSON: Unterminated string"),
        (b'{"id": "\xff"}\n', "not UTF-8"),
        (b"[1, 2]\n", "not a JSON object"),
        (b'{"id": "a1"}\n', "not a record (no input_key)"),
    ],
)
def test_a_damaged_line_is_named_with_its_number_and_kind(
    tmp_path: Path, bad: bytes, kind: str
) -> None:
    path = write(tmp_path / "records.jsonl", line(0), line(1), bad, line(3))
    with pytest.raises(Damaged) as info:
        list(read_records(path))
    assert str(info.value).startswith(f"{path}:3: {kind}")
    assert "\n" not in str(info.value)
    assert (info.value.line, info.value.path) == (3, path)


def test_a_cut_last_line_is_damage_to_a_reader(tmp_path: Path) -> None:
    path = write(tmp_path / "records.jsonl", line(0), line(1)[:-9])
    with pytest.raises(Damaged, match=r"records.jsonl:2: cut line \(no newline at its end\)$"):
        list(read_records(path))


def test_a_duplicated_line_is_damage_only_where_uniqueness_is_asked(tmp_path: Path) -> None:
    path = write(tmp_path / "records.jsonl", line(0), line(1), line(1), line(2))
    assert len(list(RecordReader(path))) == 4
    with pytest.raises(Damaged, match=r":3: duplicated line \(the same input as line 2\)$"):
        list(RecordReader(path, unique=True))


def test_the_reader_hashes_what_it_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "records.jsonl", line(0), line(1, summary="x"), line(2))
    reader = RecordReader(path)
    offsets = [(found.offset, found.record["id"]) for found in reader]
    assert offsets == [(0, "a0"), (len(line(0)), "a1"), (len(line(0) + line(1, summary="x")), "a2")]
    assert {"sha256": reader.sha256, "lines": reader.lines} == records_identity(path)


def test_repair_drops_damaged_lines_and_every_copy_of_a_duplicate(tmp_path: Path) -> None:
    path = write(
        tmp_path / "records.jsonl", line(0), line(1), line(1), b"\x00\x00\n", line(3), b"{\n"
    )
    dropped = repair_records(path)
    assert dropped == [
        "line 2: duplicated line",
        "line 3: duplicated line",
        "line 4: NUL bytes",
        "line 6: damaged line (not JSON: Expecting property name enclosed in double quotes)",
    ]
    assert path.read_bytes() == line(0) + line(3)
    assert repair_records(path) == []  # whole now: nothing to do, file untouched
    assert path.read_bytes() == line(0) + line(3)
    assert list(path.parent.glob(".*.tmp")) == []
