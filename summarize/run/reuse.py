"""Records of an earlier version, looked up by key, so unchanged work is never generated again.

Only byte offsets are kept in memory (one entry per key); a record is read back when a key hits.
The earlier version is verified while its index is built (one pass through the one reader,
hashed against its manifest): a damaged or edited version is refused in one line, never reused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from summarize.store.reader import Damaged, RecordReader
from summarize.store.verify import read_manifest, verify_finished


def record_keys(record: dict[str, Any]) -> list[str]:
    keys = record.get("keys") or {}
    found = [keys["summary"]] if keys.get("summary") else []
    for parts in (keys.get("translations") or {}).values():
        found.extend(k for k in parts.values() if k)
    return found


def _way_out(version_dir: Path) -> str:
    return (
        f"the job's latest finished version {version_dir.name} is damaged, so its records are "
        "not reused: add run.incremental=false to generate everything again (or restore "
        f"{version_dir.name} from a copy)"
    )


class PreviousRecords:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._offsets: dict[str, int] = {}
        if path is None or not path.is_file():
            return
        reader = RecordReader(path)
        try:
            for line in reader:
                if line.record.get("error") is None:
                    for key in record_keys(line.record):
                        self._offsets.setdefault(key, line.offset)
            manifest = read_manifest(path.parent)
        except Damaged as damaged:  # the first bad line, named
            raise damaged.advise(_way_out(path.parent)) from None
        if manifest is not None:
            verify_finished(path.parent, manifest, _way_out(path.parent), reader.sha256)

    def __len__(self) -> int:
        return len(self._offsets)

    def get(self, key: str | None) -> dict[str, Any] | None:
        if key is None or self.path is None or key not in self._offsets:
            return None
        with self.path.open("rb") as handle:
            handle.seek(self._offsets[key])
            record: dict[str, Any] = json.loads(handle.readline())
            return record

    def translation(self, key: str, target: str, part: str) -> str | None:
        """``part`` (summary or article) translated into ``target`` by the earlier record that
        holds ``key``, when that record's own key for it is ``key``; else None."""
        record = self.get(key)
        if record is None:
            return None
        keys = (record.get("keys") or {}).get("translations") or {}
        if (keys.get(target) or {}).get(part) != key:
            return None
        text: str | None = ((record.get("translations") or {}).get(target) or {}).get(part)
        return text
