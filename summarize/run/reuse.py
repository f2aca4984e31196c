"""Records of an earlier version, looked up by key, so unchanged work is never generated again.

Only byte offsets are kept in memory (one entry per key); a record is read back when a key hits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def record_keys(record: dict[str, Any]) -> list[str]:
    keys = record.get("keys") or {}
    found = [keys["summary"]] if keys.get("summary") else []
    for parts in (keys.get("translations") or {}).values():
        found.extend(k for k in parts.values() if k)
    return found


class PreviousRecords:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._offsets: dict[str, int] = {}
        if path is None or not path.is_file():
            return
        with path.open("rb") as handle:
            offset = 0
            for line in handle:
                if line.endswith(b"\n"):
                    record = json.loads(line)
                    if record.get("error") is None:
                        for key in record_keys(record):
                            self._offsets.setdefault(key, offset)
                offset += len(line)

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
