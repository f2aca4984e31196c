"""Hostile records fail alone, hostile files fail in one line, and nothing reads outside the input."""

import codecs
import csv
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from summarize.config import SourceConfig
from summarize.records import Article, RecordError
from summarize.run.local import run
from summarize.source.files import InputFormatError, bounded_lines, check_source
from summarize.source.readers import read_source

GOOD = "The council met on Tuesday. Members agreed to fund two schools. The vote was close."


def test_hostile_records_fail_alone_and_the_run_goes_on(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = tmp_path / "hostile.jsonl"
    lines = [
        json.dumps({"id": "ok", "text": GOOD}),
        '{"id": "surrogate-text", "text": "bad \\ud800 text. ' + GOOD + '"}',
        '{"id": "bad-id-\\udc00", "text": "' + GOOD + '"}',
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id": "unknown-lang", "text": GOOD, "lang": "xx"}),
        json.dumps({"id": "path-lang", "text": GOOD, "lang": "../config"}),
        json.dumps({"id": "region", "text": GOOD, "lang": "en-GB"}),
        json.dumps({"id": "huge", "text": GOOD * 100}),
        json.dumps({"id": "ok2", "text": GOOD}),
    ]
    source.write_text("\n".join(lines) + "\n", "utf-8")
    result = run(
        make_config(
            "source=jsonl",
            f"source.path={source}",
            "summarizer=extractive",
            "source.max_record_chars=2000",
            "run.max_failure_ratio=1.0",
            "source.language_check=off",
        )
    )
    written = [
        json.loads(line) for line in (result.path / "records.jsonl").read_text().splitlines()
    ]
    codes = [(r["id"], (r["error"] or {}).get("code")) for r in written]
    assert codes == [
        ("ok", None),
        ("surrogate-text", "invalid_text"),
        ("bad-id-\\udc00", "invalid_text"),
        (None, "malformed_json"),
        ("unknown-lang", "unsupported_language"),
        ("path-lang", "unsupported_language"),
        ("region", None),
        ("huge", "record_too_large"),
        ("ok2", None),
    ]
    assert "nested too deeply" in written[3]["error"]["message"]
    assert "source.max_record_chars=2,000" in written[7]["error"]["message"]
    assert written[6]["lang"] == "en"
    assert "'en-GB' read as 'en'" in written[6]["notes"][0]
    assert (result.path / "manifest.json").is_file()
    assert result.failed == 6


def test_a_huge_line_is_skipped_without_being_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a"}\n' + b"x" * 5_000_000 + b"\n" + b'{"id": "b"}\n')
    with path.open("rb") as handle:
        lines = list(bounded_lines(handle, 1000))
    assert lines == [(b'{"id": "a"}\n', 12), (None, 5_000_001), (b'{"id": "b"}\n', 12)]


def test_a_record_too_large_for_the_line_limit_becomes_an_error(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    big = json.dumps({"id": "big", "text": "word " * 400_000})  # 2 MB, over 12 x 10 + 1 MiB
    path.write_text(json.dumps({"id": "a", "text": GOOD}) + "\n" + big + "\n", "utf-8")
    items = list(read_source(SourceConfig(kind="jsonl", path=str(path), max_record_chars=10)))
    assert isinstance(items[0], RecordError)  # GOOD is over 10 characters too
    assert isinstance(items[1], RecordError)
    assert items[1].code == "record_too_large"
    assert f"line 2 has {len(big) + 1:,} bytes" in items[1].message


def test_byte_order_marks_are_dropped(tmp_path: Path) -> None:
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes(codecs.BOM_UTF8 + json.dumps({"id": "j", "text": GOOD}).encode() + b"\n")
    table = tmp_path / "in.csv"
    with table.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows([["id", "text"], ["c", GOOD]])
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "t.txt").write_bytes(codecs.BOM_UTF8 + GOOD.encode())
    for kind, path, expected in (
        ("jsonl", jsonl, "j"),
        ("csv", table, "c"),
        ("text", folder, "t.txt"),
    ):
        (item,) = read_source(SourceConfig(kind=kind, path=str(path)))
        assert isinstance(item, Article), item
        assert (item.id, item.text) == (expected, GOOD)


def test_compressed_or_utf16_input_is_named_in_one_line(tmp_path: Path) -> None:
    row = (json.dumps({"id": "z", "text": GOOD}) + "\n").encode()
    packed = tmp_path / "in.jsonl"
    packed.write_bytes(gzip.compress(row))
    with pytest.raises(
        InputFormatError,
        match="looks gzip-compressed: decompress it or use source.compression=gzip",
    ):
        check_source(SourceConfig(kind="jsonl", path=str(packed)))
    (item,) = read_source(SourceConfig(kind="jsonl", path=str(packed), compression="gzip"))
    assert isinstance(item, Article)
    assert item.id == "z"
    wide = tmp_path / "wide.csv"
    wide.write_bytes(codecs.BOM_UTF16_LE + "id,text\nw,hello\n".encode("utf-16-le"))
    with pytest.raises(InputFormatError, match="looks UTF-16-encoded"):
        check_source(SourceConfig(kind="csv", path=str(wide)))
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_bytes("hello".encode("utf-16"))
    (item,) = read_source(SourceConfig(kind="text", path=str(folder)))
    assert isinstance(item, RecordError)
    assert item.code == "unsupported_encoding"


# The first bytes of a real x86-64 ELF executable: as many NULs as UTF-16 text has.
ELF_HEAD = bytes.fromhex(
    "7f454c4602010100000000000000000003003e0001000000d061000000000000"
    "4000000000000000704702000000000000000000400038000d0040001f001e00"
)


def test_an_executable_is_binary_content_not_utf16(tmp_path: Path) -> None:
    """Issue 22 item 7: an ELF file was reported as "UTF-16, convert with iconv"."""
    binary = ELF_HEAD + bytes(range(256)) * 8
    for kind in ("jsonl", "csv"):
        path = tmp_path / f"in.{kind}"
        path.write_bytes(binary)
        with pytest.raises(InputFormatError) as raised:
            check_source(SourceConfig(kind=kind, path=str(path)))
        assert "is an ELF executable, not text (binary content)" in str(raised.value)
        assert "UTF-16" not in str(raised.value)
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_bytes(binary)
    (folder / "b.txt").write_bytes(GOOD.encode())
    (folder / "c.txt").write_bytes("plain ASCII text, no BOM".encode("utf-16-le"))
    items = list(read_source(SourceConfig(kind="text", path=str(folder))))
    assert [(i.id, getattr(i, "code", None)) for i in items] == [
        ("a.txt", "binary_content"),
        ("b.txt", None),
        ("c.txt", "unsupported_encoding"),  # real UTF-16 text is still named as such
    ]


def test_a_folder_given_to_a_file_source_is_one_line(tmp_path: Path) -> None:
    """Issue 22 item 7: source=jsonl with a folder printed a bare "[Errno 21] Is a directory"."""
    for kind in ("jsonl", "csv", "parquet"):
        with pytest.raises(InputFormatError) as raised:
            check_source(SourceConfig(kind=kind, path=str(tmp_path)))
        message = str(raised.value)
        assert f"is a folder, but source={kind} reads one file" in message
        assert "Errno" not in message
        assert "\n" not in message


def test_links_out_of_a_text_folder_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Private text. Never to be read.", "utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, "utf-8")
    (folder / "leak.txt").symlink_to(secret)
    (folder / "alias.txt").symlink_to(folder / "a.txt")  # inside the folder: fine
    items = list(read_source(SourceConfig(kind="text", path=str(folder))))
    by_id = {item.id: item for item in items}
    assert isinstance(by_id["a.txt"], Article)
    assert isinstance(by_id["alias.txt"], Article)
    leak = by_id["leak.txt"]
    assert isinstance(leak, RecordError)
    assert leak.code == "symlink_outside_source"
    assert "source.follow_symlinks=true" in leak.message
    followed = list(read_source(SourceConfig(kind="text", path=str(folder), follow_symlinks=True)))
    assert all(isinstance(item, Article) for item in followed)


def test_an_exception_while_screening_one_record_fails_only_that_record(
    make_config: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarize.source.screening as screening

    real = screening.normalise_text

    def normalise(text: str, *args: object, **kwargs: object) -> str:
        if "POISON" in text:
            raise RuntimeError("injected")
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(screening, "normalise_text", normalise)
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": str(i), "text": ("POISON. " if i == 1 else "") + GOOD}) + "\n"
            for i in range(3)
        ),
        "utf-8",
    )
    result = run(
        make_config(
            "source=jsonl",
            f"source.path={source}",
            "summarizer=extractive",
            "run.max_failure_ratio=1.0",
        )
    )
    written = [json.loads(x) for x in (result.path / "records.jsonl").read_text().splitlines()]
    assert [(r["error"] or {}).get("code") for r in written] == [None, "screening_failed", None]
