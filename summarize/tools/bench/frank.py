"""Faithfulness scorer vs people: Pearson correlation with FRANK's human factuality judgements.

    python -m summarize.tools.bench.frank [--data ../shared/data] [--out FILE.json]

Reads ``frank_dev.jsonl`` from ``--data`` (796 system summaries of CNN/DM and XSum articles with
``human_factuality`` and the published metrics' values on the same rows) and prints, per subset:

1. the full-set table: ``checks.faithfulness`` support (the shipped constants) vs every published
   metric (rows where a metric has no value are left out of that metric's correlation);
2. a two-fold split by article: WINDOW, ALPHA and POWER tuned on one half (the grid below; the
   criterion is the mean of the two subsets' Pearson r), then measured on the other half beside the
   published metrics on that same half;
3. the flag threshold: the one that maximises Youden's J on all rows, and per fold.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from summarize.checks.faithfulness import (
    ALPHA,
    POWER,
    THRESHOLD,
    WINDOW,
    SourceIndex,
    index_source,
    score_summary,
)

SUBSETS = ("cnndm", "xsum")
Params = tuple[int, float, float]  # WINDOW, ALPHA, POWER
GRID: list[Params] = list(itertools.product((1, 2, 3), (0.0, 0.25, 0.5, 0.75), (1.0, 2.0)))
SHIPPED: Params = (WINDOW, ALPHA, POWER)
THRESHOLDS = np.round(np.arange(0.30, 1.0001, 0.005), 3)


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    return float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1])


def load(data: Path) -> list[dict[str, Any]]:
    path = data / "frank_dev.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path} not found: pass --data DIR (the folder with frank_dev.jsonl)")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def supports(rows: list[dict[str, Any]], params: Params) -> np.ndarray:
    window, alpha, power = params
    indexes: dict[str, SourceIndex] = {}
    out = []
    for row in rows:
        lang = row.get("lang", "en")
        if row["article_id"] not in indexes:
            indexes[row["article_id"]] = index_source(row["text"], lang)
        result = score_summary(
            row["summary"],
            indexes[row["article_id"]],
            lang,
            window=window,
            alpha=alpha,
            power=power,
        )
        out.append(result["support"])
    return np.array(out)


def correlations(rows: list[dict[str, Any]], ours: np.ndarray, ids: list[int]) -> dict[str, float]:
    """Pearson r of ours and of every published metric on the rows ``ids`` (needs 3 rows)."""
    if len(ids) < 3:
        raise SystemExit(f"{len(ids)} rows of a subset: too few for a correlation")
    human = [rows[i]["human_factuality"] for i in ids]
    table = {"ours": pearson(ours[ids], human)}
    for name in rows[ids[0]]["published_metrics"]:
        have = [i for i in ids if rows[i]["published_metrics"].get(name) is not None]
        table[name] = pearson(
            [rows[i]["published_metrics"][name] for i in have],
            [rows[i]["human_factuality"] for i in have],
        )
    return table


def print_table(title: str, tables: dict[str, dict[str, float]], counts: dict[str, int]) -> None:
    print(f"\n{title}")
    print(f"{'metric':<20}" + "".join(f"{f'{s} (n={counts[s]})':>16}" for s in tables))
    for name in next(iter(tables.values())):
        print(f"{name:<20}" + "".join(f"{tables[s][name]:>16.3f}" for s in tables))
    for subset, table in tables.items():
        best = max((v, k) for k, v in table.items() if k != "ours")
        verdict = "beats" if table["ours"] > best[0] else "does NOT beat"
        print(
            f"  {subset}: ours {table['ours']:.3f} {verdict} the best published ({best[1]} {best[0]:.3f})"
        )


def youden(scores: np.ndarray, bad: np.ndarray, threshold: float) -> float:
    flagged = scores < threshold
    return float(flagged[bad].mean() - flagged[~bad].mean()) if bad.any() and (~bad).any() else 0.0


def best_threshold(scores: np.ndarray, bad: np.ndarray) -> float:
    return float(max(THRESHOLDS, key=lambda t: youden(scores, bad, t)))


def halves(rows: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """Split by article (all systems' summaries of one article on the same side), by hash."""
    side = [int(hashlib.sha1(r["article_id"].encode()).hexdigest(), 16) % 2 for r in rows]
    return [i for i, s in enumerate(side) if s == 0], [i for i, s in enumerate(side) if s == 1]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "data")
    parser.add_argument("--out", type=Path, help="write the figures here (JSON)")
    args = parser.parse_args(argv)
    rows = load(args.data)
    by_subset = {s: [i for i, r in enumerate(rows) if r["dataset"] == s] for s in SUBSETS}
    scores = {params: supports(rows, params) for params in GRID}
    shipped = scores[SHIPPED]
    report: dict[str, Any] = {
        "shipped": dict(zip(("window", "alpha", "power"), SHIPPED, strict=True))
    }

    full = {s: correlations(rows, shipped, ids) for s, ids in by_subset.items()}
    print_table(
        f"FRANK dev, Pearson r with human_factuality (ours: WINDOW={WINDOW} ALPHA={ALPHA} "
        f"POWER={POWER})",
        full,
        {s: len(ids) for s, ids in by_subset.items()},
    )
    report["full"] = full

    report["folds"] = []
    bad = np.array([r["human_factuality"] < 1 for r in rows])
    for k, (train, test) in enumerate([halves(rows), halves(rows)[::-1]]):

        def fit(params: Params, train: list[int] = train) -> float:
            return float(
                np.mean(
                    [
                        pearson(scores[params][ids], [rows[i]["human_factuality"] for i in ids])
                        for s in SUBSETS
                        if (ids := [i for i in train if rows[i]["dataset"] == s])
                    ]
                )
            )

        chosen = max(GRID, key=fit)
        test_sets = {s: [i for i in test if rows[i]["dataset"] == s] for s in SUBSETS}
        tables = {s: correlations(rows, scores[chosen], ids) for s, ids in test_sets.items()}
        threshold = best_threshold(shipped[train], bad[train])
        print_table(
            f"fold {k + 1}: tuned on {len(train)} rows -> WINDOW={chosen[0]} ALPHA={chosen[1]} "
            f"POWER={chosen[2]}; measured on the other {len(test)}",
            tables,
            {s: len(ids) for s, ids in test_sets.items()},
        )
        j = youden(shipped[test], bad[test], threshold)
        print(
            f"  flag threshold chosen on the tuning half: {threshold:.3f}; J on the test half {j:.3f}"
        )
        report["folds"].append({"params": chosen, "tables": tables, "threshold": threshold, "j": j})

    threshold = best_threshold(shipped, bad)
    print(
        f"\nflag threshold maximising Youden's J on all rows (unfaithful = human_factuality < 1): "
        f"{threshold:.3f} (shipped THRESHOLD = {THRESHOLD})"
    )
    for subset, ids in by_subset.items():
        flagged = shipped[ids] < THRESHOLD
        print(
            f"  {subset}: at {THRESHOLD} flags {flagged.mean():.1%}; recall of unfaithful "
            f"{flagged[bad[ids]].mean():.1%}; {flagged[~bad[ids]].mean():.1%} of faithful flagged; "
            f"{bad[ids].mean():.1%} of the subset is unfaithful"
        )
    report["threshold"] = {"best_j": threshold, "shipped": THRESHOLD}
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, default=float), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
