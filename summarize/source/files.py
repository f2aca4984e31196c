"""Input files before they are parsed: what a file really is, bounded lines, folder walking, identity.

- A file that should be UTF-8 text but starts like gzip, zip, UTF-16, ... is named as such in one
  line instead of failing record by record with a JSON message. ``source.compression=gzip`` reads
  gzip input directly. A UTF-8 byte-order mark is dropped.
- Lines are read with a byte limit: a 200 MB line is skipped in 1 MiB steps, never held whole.
- A text folder is walked without following links out of it (``source.follow_symlinks=true``
  allows it), so an input folder cannot make the job read /etc/passwd.
- An input's identity (size, mtime, sha256 of each file) is taken before it is read; it proves a
  resumed run reads the same input and goes into the manifest.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import IO, Any, cast

from summarize.choices import SourceKind
from summarize.config import SourceConfig, known_languages

log = logging.getLogger("summarize")
UTF8_BOM = b"\xef\xbb\xbf"
# First bytes of files that are not UTF-8 text (UTF-32 before UTF-16: they share a prefix).
_SIGNATURES = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PAR1", "parquet"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_ENCODED = {"gzip", "zip", "bzip2", "xz", "zstd", "utf-16", "utf-32"}
# Files that are no text in any encoding: reported as binary content, never as an encoding to fix.
_BINARY_SIGNATURES = (
    (b"\x7fELF", "an ELF executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
)
BINARY = "binary"


class InputFormatError(ValueError):
    """The input file is not what its source kind reads; the message says what to do."""


def sniff(head: bytes) -> str | None:
    """What a file that should be UTF-8 text is instead, from its first bytes (None: text)."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    for magic, _ in _BINARY_SIGNATURES:
        if head.startswith(magic):
            return BINARY
    if len(head) >= 8 and head.count(0) * 4 > len(head):
        # Mostly ASCII text in UTF-16 without a byte-order mark: every other byte is NUL. An
        # executable has as many NULs, but decoded as UTF-16 it is control characters, not text.
        return "utf-16" if _reads_as_utf16(head) else BINARY
    return None


def _reads_as_utf16(head: bytes) -> bool:
    even = head[: len(head) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        text = even.decode(encoding, errors="replace")
        text = text[:-1] if text.endswith("\ufffd") else text  # a pair cut by the 4 KiB head
        printable = sum(c != "\ufffd" and (c.isprintable() or c in "\t\n\r") for c in text)
        if text and printable >= 0.95 * len(text):
            return True
    return False


def describe_binary(head: bytes) -> str:
    """What a binary file is, for the one line that reports it."""
    return next((what for magic, what in _BINARY_SIGNATURES if head.startswith(magic)), "")


def problem(path: Path, kind: str, head: bytes = b"") -> str:
    if kind == "gzip":
        return f"{path} looks gzip-compressed: decompress it or use source.compression=gzip"
    if kind in ("utf-16", "utf-32"):
        return (
            f"{path} looks {kind.upper()}-encoded, not UTF-8: convert it "
            f"(iconv -f {kind.upper()} -t UTF-8)"
        )
    if kind in _ENCODED:
        return f"{path} looks {kind}-compressed: decompress it first"
    if kind == "parquet":
        return f"{path} is a Parquet file, not text: read it with source=parquet"
    what = describe_binary(head) or "binary data"
    return f"{path} is {what}, not text (binary content): check source.path and the source kind"


def is_encoded(kind: str | None) -> bool:
    """A compression or another encoding (as opposed to binary junk, which screening reports)."""
    return kind in _ENCODED


def open_text_input(path: Path, compression: str) -> IO[bytes]:
    """A binary handle on the (decompressed) bytes of a JSONL or CSV input, checked first."""
    with path.open("rb") as raw:
        head = raw.read(4096)
    kind = sniff(head)
    if compression == "gzip":
        if kind != "gzip":
            raise InputFormatError(f"source.compression=gzip but {path} is not gzip-compressed")
        with gzip.open(path, "rb") as unpacked:
            inner_head = unpacked.read(4096)
        inner = sniff(inner_head)
        if inner is not None:
            raise InputFormatError(problem(path, inner, inner_head) + " (inside the gzip stream)")
        return cast(IO[bytes], gzip.open(path, "rb"))
    if kind is not None:
        raise InputFormatError(problem(path, kind, head))
    return path.open("rb")


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[bytes | None, int]]:
    """(line, size in bytes) for each line; line is None when it is longer than ``limit`` bytes,
    and then it was skipped without ever being held whole."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        del line
        while True:
            part = handle.readline(1 << 20)
            size += len(part)
            if not part or part.endswith(b"\n"):
                break
        yield None, size


def line_limit(max_record_chars: int) -> int:
    """Bytes a JSONL line may have before it is skipped unread: generous enough for a text of
    ``max_record_chars`` written with \\uXXXX escapes (12 bytes for a character beyond the BMP)
    plus its other fields, so only lines certain to be too large are skipped."""
    return 12 * max_record_chars + (1 << 20)


def text_files(
    root: Path, suffixes: Any, follow_symlinks: bool
) -> list[tuple[Path, str, str | None]]:
    """(path, id, problem) of every file to read under ``root``, in order; ``problem`` names a
    link that leads out of the folder (read only with source.follow_symlinks=true)."""
    if root.is_file():
        return [(root, root.name, None)]
    real_root = root.resolve()
    seen: set[tuple[int, int]] = set()
    found: list[tuple[Path, str, str | None]] = []
    for folder, dirs, names in os.walk(root, followlinks=follow_symlinks):
        if follow_symlinks:  # a link back up the tree must not loop forever
            stat = os.stat(folder)
            if (stat.st_dev, stat.st_ino) in seen:
                dirs[:] = []
                continue
            seen.add((stat.st_dev, stat.st_ino))
        for name in names:
            path = Path(folder) / name
            if path.suffix not in suffixes or not path.is_file():
                continue
            article_id = path.relative_to(root).as_posix()
            real = path.resolve()
            outside = not follow_symlinks and not real.is_relative_to(real_root)
            found.append(
                (
                    path,
                    article_id,
                    f"{article_id} links to {real}, outside source.path; "
                    "source.follow_symlinks=true reads it"
                    if outside
                    else None,
                )
            )
    return sorted(found, key=lambda item: item[0])


def file_identity(path: Path) -> dict[str, Any]:
    """size, mtime and inode from one stat taken before the sha256 (streamed)."""
    stat = path.stat()
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256")
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "inode": stat.st_ino,
        "sha256": digest.hexdigest(),
    }


def unchanged(path: Path, identity: dict[str, Any]) -> bool:
    """Whether ``path`` still holds the content ``identity`` describes (re-hashed only when its
    size, mtime or inode moved)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    if (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (
        identity.get("size"),
        identity.get("mtime_ns"),
        identity.get("inode"),
    ):
        return True
    return file_identity(path)["sha256"] == identity.get("sha256")


def sample_folder() -> Path:
    """The sample article shipped with the package: the default input."""
    return Path(str(resources.files("summarize") / "samples"))


def input_path(cfg: SourceConfig) -> Path:
    return Path(cfg.path).expanduser() if cfg.path else sample_folder()


# File names a source kind is read from when source= is not given (source=auto).
SUFFIX_KINDS = (
    (".jsonl.gz", "jsonl", "gzip"),
    (".jsonl", "jsonl", "none"),
    (".csv.gz", "csv", "gzip"),
    (".csv", "csv", "none"),
    (".parquet", "parquet", "none"),
)


def _kind_by_name(path: Path) -> tuple[str, str] | None:
    name = path.name.lower()
    return next(((k, c) for suffix, k, c in SUFFIX_KINDS if name.endswith(suffix)), None)


def resolve_kind(cfg: SourceConfig) -> bool:
    """Set ``source.kind`` (and ``compression``) where it is ``auto``: a folder, or the sample
    article, is text; a file is read by its name. True when the kind was inferred here.

    A JSONL file read as text would be one article of raw JSON, summarised without a word; a
    file name that says nothing is refused in one line instead of guessed."""
    if cfg.kind != "auto":
        return False
    path = input_path(cfg)
    if not path.exists():
        raise FileNotFoundError(
            f"source.path={path} does not exist: point source.path at your input"
        )
    by_name = None if path.is_dir() else _kind_by_name(path)
    if by_name is None and path.is_file() and path.suffix.lower() not in cfg.suffixes:
        raise InputFormatError(
            f"cannot tell how to read {path} from its name: add source=jsonl, csv, parquet or "
            f"text (one article), or name it {', '.join(s for s, _, _ in SUFFIX_KINDS)}"
        )
    kind, compression = by_name or ("text", "none")
    cfg.kind = SourceKind(kind)
    if cfg.compression == "none":
        cfg.compression = compression
    if by_name is not None:
        log.info("reading %s as %s, from its name (source=... chooses otherwise)", path, kind)
    return True


def check_source(cfg: SourceConfig) -> None:
    """Fail before any model is loaded when the input cannot be found or is not what it claims."""
    resolve_kind(cfg)
    if cfg.compression not in ("none", "gzip"):
        raise ValueError(f"source.compression={cfg.compression!r}: use none or gzip")
    if cfg.max_record_chars < 1:
        raise ValueError("source.max_record_chars must be at least 1")
    if cfg.lang is not None and cfg.lang not in known_languages():
        raise ValueError(
            f"source.lang={cfg.lang!r} has no conf/lang/<code>.yaml; "
            f"use one of {', '.join(sorted(known_languages()))}"
        )
    path = input_path(cfg)
    if cfg.kind == "hf" and not path.exists():
        return  # a Hub dataset name
    if not path.exists():
        raise FileNotFoundError(
            f"source.path={path} does not exist: point source.path at your {cfg.kind} input"
        )
    named = None if path.is_dir() else _kind_by_name(path)
    if cfg.kind == "text" and named is not None:
        raise InputFormatError(
            f"source=text reads articles from .txt/.md files, and {path} is {named[0]} by its "
            f"name: use source={named[0]}, or leave source= out to read a file by its name"
        )
    if cfg.kind in ("jsonl", "csv", "parquet") and path.is_dir():
        raise InputFormatError(
            f"source.path={path} is a folder, but source={cfg.kind} reads one file: give the "
            f"file's path (a folder of .txt/.md articles is source=text)"
        )
    if cfg.kind in ("jsonl", "csv"):
        open_text_input(path, cfg.compression).close()


def input_files(cfg: SourceConfig) -> dict[str, Path]:
    """The files the reader will open, by the name the manifest gives them."""
    path = input_path(cfg)
    if not path.exists():
        return {}  # a Hub dataset name
    if cfg.kind == "text":
        found = text_files(path, cfg.suffixes, cfg.follow_symlinks)
        return {name: file for file, name, outside in found if outside is None}
    if path.is_file():
        return {path.name: path}
    return {p.relative_to(path).as_posix(): p for p in sorted(path.rglob("*")) if p.is_file()}


def input_identity(cfg: SourceConfig) -> dict[str, Any]:
    """kind, path and each input file's size, mtime, inode and sha256, taken before reading."""
    return {
        "kind": cfg.kind,
        "path": str(input_path(cfg)),
        "files": {name: file_identity(file) for name, file in input_files(cfg).items()},
    }


def changed_files(cfg: SourceConfig, claimed: dict[str, Any]) -> list[str]:
    """How the input now differs from the identities taken at claim time (empty: it does not)."""
    now = input_files(cfg)
    found = [f"{name} is new" for name in sorted(set(now) - set(claimed))]
    for name, identity in sorted(claimed.items()):
        if name not in now:
            found.append(f"{name} is gone")
        elif not unchanged(now[name], identity):
            found.append(f"{name} changed")
    return found
