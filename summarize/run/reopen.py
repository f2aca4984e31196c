"""An unfinished version reopened by a resume: its records proven whole, or repaired.

A crash can only cut the last line (records are appended whole and fsync'd per window), so that
line is dropped. Anything else (NUL bytes, a line that is not a record, a second line for one
input) did not come from a crash: the resume refuses in one line naming the file, the line and
the kind, unless ``run.repair=true``, which drops those lines (every copy of a duplicated input)
so that the resume generates their records again, as a clean run would have.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from summarize.run.claim import write_claim
from summarize.run.finish import remove_leftovers, repair_advice
from summarize.store.layout import CLAIM, RECORDS, truncate_partial_tail
from summarize.store.reader import Damaged, RecordReader, repair_records
from summarize.store.verify import EDITED, diagnose, records_identity

log = logging.getLogger("summarize")


def _refuse_an_edit(version_dir: Path, claim: dict[str, Any]) -> None:
    """A version read whole has the digest of its records in its claim. Bytes that differ while
    every line is still a valid record were edited: which line cannot be told, so no repair can
    bring back a clean run's records, and the version is refused for good."""
    written = claim.get("records")
    path = version_dir / RECORDS
    if not written or records_identity(path) == written:
        return
    found = diagnose(path, written["lines"], CLAIM)
    if found.kind.startswith(EDITED):
        raise found.advise(
            f"the changed line cannot be told, so {version_dir.name} cannot be repaired or "
            "resumed: start a new run"
        )


def kept_records(
    version_dir: Path, claim: dict[str, Any], repair: bool
) -> Iterator[dict[str, Any]]:
    """The records a resume keeps, in order (``Damaged`` with the way out at a bad line)."""
    remove_leftovers(version_dir)
    path = version_dir / RECORDS
    if not path.is_file():  # stopped before its first record
        return
    cut = truncate_partial_tail(path)
    if cut:
        log.info("dropped %d bytes of a line cut by the crash in %s", cut, path)
    _refuse_an_edit(version_dir, claim)
    if repair:
        dropped = repair_records(path)
        if dropped:
            log.warning("run.repair: dropped from %s: %s", path, "; ".join(dropped))
    try:
        for line in RecordReader(path, unique=True):
            yield line.record
    except Damaged as damaged:
        raise damaged.advise(repair_advice(version_dir)) from None
    # Proven whole, and written to again from here: finishing needs a digest taken when
    # reading ends (a refused resume leaves the claim as it was).
    reopened = [claim.pop(key, None) for key in ("read_complete", "records")]
    if any(value is not None for value in reopened):
        write_claim(version_dir, claim)
