"""The files of a run version, and the one reader of records.jsonl.

```
<root>/<job>/v0001/records.jsonl   one line per input record (appended, fsync'd per window)
                   errors.jsonl    the error records, rebuilt from records.jsonl
                   metrics.json    counts, timings, evaluation; rebuilt from records.jsonl
                   manifest.json   written last: a version without it is unfinished
<root>/<job>/latest -> v0001
```
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RECORDS = "records.jsonl"
ERRORS = "errors.jsonl"
METRICS = "metrics.json"
MANIFEST = "manifest.json"
LATEST = "latest"


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of records.jsonl, in order.

    A last line without its newline is a write cut by a crash: it is skipped (resume truncates
    it). Any other line that is not a JSON object is corruption, reported with its line number.
    """
    with path.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith("\n"):
                return
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON record ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            yield record


def truncate_partial_tail(path: Path) -> int:
    """Drop a last line that was cut by a crash; returns the bytes removed."""
    if not path.is_file():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        position = size
        block = 1 << 16
        while position > 0:
            start = max(0, position - block)
            handle.seek(start)
            chunk = handle.read(position - start)
            newline = chunk.rfind(b"\n")
            if newline != -1:
                keep = start + newline + 1
                break
            position = start
        else:
            keep = 0
        if keep < size:
            handle.truncate(keep)
        return size - keep
