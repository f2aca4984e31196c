"""The files of a run version.

```
<root>/<job>/v0001/records.jsonl   one line per input record (appended, fsync'd per window)
                   errors.jsonl    the error records, rebuilt from records.jsonl
                   metrics.json    counts, timings, evaluation; rebuilt from records.jsonl
                   manifest.json   written last: a version without it is unfinished; it holds
                                   the sha256 of records.jsonl, errors.jsonl and metrics.json
                   .claim.json     what the version was started with (and, once its input was
                                   read whole, the sha256 and line count of records.jsonl)
<root>/<job>/latest -> v0001
```
"""

from __future__ import annotations

from pathlib import Path

RECORDS = "records.jsonl"
ERRORS = "errors.jsonl"
METRICS = "metrics.json"
MANIFEST = "manifest.json"
CLAIM = ".claim.json"
LATEST = "latest"


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
