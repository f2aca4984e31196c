"""The run on disk: <root>/<job>/<version>/ with records.jsonl, manifest.json, metrics.json.

- A version folder is claimed with an atomic mkdir, so two jobs never get the same version and a
  version is never reused; versions only grow.
- records.jsonl is appended to and fsync'd after each window: a crash loses at most the window in
  flight and never leaves half a line that a reader would accept (each line is written whole).
- JSON documents are written to a temp file and renamed into place.
- manifest.json is written last: a version without one is unfinished. ``latest`` is a symlink
  replaced atomically, only after the manifest.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_VERSION = re.compile(r"^v(\d+)$")
LATEST = "latest"
_UMASK = os.umask(0)
os.umask(_UMASK)


def safe_name(name: str, what: str) -> str:
    """Names used as path parts must stay inside output.root: no separators, '..', NUL or absolutes."""
    if not _SAFE_NAME.match(name) or ".." in name:
        raise ValueError(
            f"{what}={name!r} is not a safe folder name: use letters, digits, '.', '_' and '-'"
        )
    return name


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text_atomic(path: Path, text: str) -> None:
    """Temp file in the target folder, fsync, then os.replace: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp creates 0600; a run is meant to be read by others
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_json_atomic(path: Path, document: Any) -> None:
    write_text_atomic(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def versions(job_dir: Path) -> list[int]:
    if not job_dir.is_dir():
        return []
    return sorted(
        int(m.group(1)) for p in job_dir.iterdir() if p.is_dir() and (m := _VERSION.match(p.name))
    )


def version_name(number: int) -> str:
    return f"v{number:04d}"


def claim_version(job_dir: Path) -> Path:
    """The next version folder, created atomically (mkdir fails if another run took it)."""
    job_dir.mkdir(parents=True, exist_ok=True)
    number = (versions(job_dir) or [0])[-1] + 1
    while True:
        candidate = job_dir / version_name(number)
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            number += 1


def point_latest(job_dir: Path, version_dir: Path) -> None:
    temp = job_dir / f".{LATEST}.{os.getpid()}.tmp"
    temp.unlink(missing_ok=True)
    temp.symlink_to(version_dir.name, target_is_directory=True)
    os.replace(temp, job_dir / LATEST)
    _fsync_dir(job_dir)


class RecordWriter:
    """Appends JSON lines; each ``write_many`` ends with flush + fsync."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = path.open("a", encoding="utf-8")
        self.count = 0

    def write_many(self, records: Iterable[dict[str, Any]]) -> None:
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
        self._handle.write("".join(lines))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.count += len(lines)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
