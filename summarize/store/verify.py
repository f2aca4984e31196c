"""A finished version is verified, not trusted.

manifest.json records the sha256 of records.jsonl, errors.jsonl and metrics.json (``sha256``).
Every reader of a finished version (reuse, merge, export, report, score) checks them once here
and refuses a version that does not match in one line: the file, its first bad line and the kind
of damage (a hand-edited line that is still a valid record has no bad line: the message says
the file was edited), followed by the way out that fits the command. The check of a file whose
sha256 matches costs one sequential read; the line-by-line diagnosis runs only on a mismatch.
Manifests written before digests existed are checked line by line (structure, duplicates and
the count of records), which catches all damage except an edit that is still a valid record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.store.layout import ERRORS, MANIFEST, METRICS, RECORDS
from summarize.store.reader import Damaged, scan_to_end

DIGESTED = (RECORDS, ERRORS, METRICS)
EDITED = "edited"  # the kind of damage of a file whose every line is valid but whose bytes changed


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def diagnose(path: Path, expected_lines: int | None, against: str) -> Damaged:
    """Why records.jsonl does not match what ``against`` recorded: its first bad line, else
    a changed number of lines, else an edit that left every line a valid record."""
    try:
        reader = scan_to_end(path, unique=True)
    except Damaged as found:
        return found
    if expected_lines is not None and reader.lines != expected_lines:
        return Damaged(
            path, None, f"{reader.lines} lines where {against} counts {expected_lines} records"
        )
    return Damaged(path, None, f"{EDITED} (its sha256 differs from the one in {against})")


def verify_finished(
    version_dir: Path,
    manifest: dict[str, Any],
    way_out: str,
    records_sha256: str | None = None,
) -> None:
    """``Damaged`` (one line, ending with ``way_out``) unless the version is what its manifest
    says. ``records_sha256``: the caller already hashed records.jsonl while reading it."""
    expected = manifest.get("sha256")
    read = (manifest.get("counts") or {}).get("read")
    records = version_dir / RECORDS
    if not records.is_file():
        raise Damaged(records, None, f"missing ({MANIFEST} lists it)", way_out)
    if not isinstance(expected, dict):  # written before manifests held digests
        try:
            reader = scan_to_end(records, unique=True)
        except Damaged as found:
            raise found.advise(way_out) from None
        if read is not None and reader.lines != read:
            kind = f"{reader.lines} lines where {MANIFEST} counts {read} records"
            raise Damaged(records, None, kind, way_out)
        return
    for name in DIGESTED:
        if name not in expected:
            continue
        path = version_dir / name
        if not path.is_file():
            raise Damaged(path, None, f"missing ({MANIFEST} lists it)", way_out)
        actual = records_sha256 if name == RECORDS and records_sha256 else file_sha256(path)
        if actual == expected[name]:
            continue
        if name == RECORDS:
            raise diagnose(path, read, MANIFEST).advise(way_out)
        raise Damaged(
            path, None, f"{EDITED} (its sha256 differs from the one in {MANIFEST})", way_out
        )


def read_manifest(version_dir: Path) -> dict[str, Any] | None:
    path = version_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Damaged(path, None, f"not a JSON document ({exc})") from exc
    if not isinstance(manifest, dict):
        raise Damaged(path, None, "not a JSON object")
    return manifest


def untrusted_advice(version_dir: Path) -> str:
    """The way out for a command that only reads a damaged finished version."""
    return (
        f"{version_dir.name} cannot be trusted: restore it from a copy, or run its job again "
        "(a new version is generated)"
    )


@dataclass(frozen=True)
class FinishedVersion:
    path: Path
    manifest: dict[str, Any]
    metrics: dict[str, Any]


class RunNotFinished(ValueError):
    """The folder is not a finished version (no manifest.json, or not marked complete)."""


def open_finished(run_dir: Path, way_out: str | None = None) -> FinishedVersion:
    """A finished version, verified against its manifest (``Damaged`` or ``RunNotFinished``)."""
    path = Path(run_dir).expanduser().resolve()  # `latest` is a symlink: work on the version
    manifest = read_manifest(path)
    if manifest is None:
        raise RunNotFinished(
            f"{path} has no manifest.json: the run is unfinished or crashed (the manifest is "
            "written last); export or report a finished version, e.g. <root>/<job>/latest"
        )
    if manifest.get("status") != "complete" or not (path / RECORDS).is_file():
        raise RunNotFinished(f"{path}: manifest status is not 'complete' or records.jsonl is gone")
    verify_finished(path, manifest, way_out or untrusted_advice(path))
    metrics_path = path / METRICS
    metrics = json.loads(metrics_path.read_text("utf-8")) if metrics_path.is_file() else {}
    return FinishedVersion(path, manifest, metrics)


def records_identity(path: Path) -> dict[str, Any]:
    """sha256 and line count of records.jsonl, kept in .claim.json when reading ends: finishing
    later (``run.finish``) proves it finishes exactly the records that were written."""
    digest, lines = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            lines += block.count(b"\n")
    return {"sha256": digest.hexdigest(), "lines": lines}
