"""The checks on ../shared/data (skipped when absent): FRANK correlation, false flags on references."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from summarize.checks.translation import check_translation
from summarize.tools.bench.frank import correlations, supports
from summarize.tools.bench.translation import changed_digit


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_support_beats_every_published_metric_on_frank_dev(shared_data: Path) -> None:
    from summarize.checks.faithfulness import ALPHA, POWER, WINDOW

    rows = read(shared_data / "frank_dev.jsonl")
    ours = supports(rows, (WINDOW, ALPHA, POWER))
    for subset in ("cnndm", "xsum"):
        table = correlations(rows, ours, [i for i, r in enumerate(rows) if r["dataset"] == subset])
        best = max(v for k, v in table.items() if k != "ours")
        assert table["ours"] > best, (subset, table)


def test_flores_references_are_rarely_flagged_and_changed_numbers_always(shared_data: Path) -> None:
    rows = read(shared_data / "flores200_devtest_dev.jsonl")
    flagged = [
        bool(check_translation(r["reference"], r["source"], r["src_lang"], r["tgt_lang"])["flags"])
        for r in rows
    ]
    assert np.mean(flagged) < 0.03
    changed = [(t, r) for r in rows if (t := changed_digit(r["reference"], r["tgt_lang"]))]
    assert len(changed) > 100
    assert all(
        "numbers" in check_translation(t, r["source"], r["src_lang"], r["tgt_lang"])["flags"]
        for t, r in changed
    )
