"""What a session reports at its end: what generation did (metrics.json) and the articles not
in the language declared for them (stderr)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from summarize.store.layout import METRICS

log = logging.getLogger("summarize")


def generation_metrics(counts: Mapping[str, Any], records: int) -> dict[str, Any]:
    """Per model: generate calls, inputs, sequential decoder steps, padded-token share; and the
    job's decoder steps per record written this session (how well it batches, on any machine)."""
    steps = sum(c.decoder_steps for c in counts.values())
    return {
        "models": {name: c.report() for name, c in counts.items()},
        "decoder_steps": steps,
        "decoder_steps_per_record": steps / records if records else None,
    }


def warn_language_mismatch(version_dir: Path) -> None:
    """The last line on stderr when articles are not in the language they were declared (or
    defaulted) in: counted in metrics.json, each one in report.html's needs-review section."""
    try:
        metrics = json.loads((version_dir / METRICS).read_text("utf-8"))
    except (OSError, ValueError):
        return
    found = (metrics.get("checks") or {}).get("language_mismatch") or {}
    if not found.get("count"):
        return
    read_as = ", ".join(f"{n} read as {lang!r}" for lang, n in (found.get("read_as") or {}).items())
    log.warning(
        "%d of %d articles are not in the language declared for them (or the default en): "
        "%s (language_mismatch in metrics.json; needs review in report.html). Declare it: a lang "
        "field per record, or source.lang=CODE",
        found["count"],
        found.get("of"),
        read_as,
    )
