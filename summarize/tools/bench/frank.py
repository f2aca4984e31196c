"""Faithfulness support vs people, held out: 5-fold cross-validation over FRANK dev's articles.

    python -m summarize.tools.bench.frank [--data ../shared/data] [--folds 5] [--deals 10]
                                          [--out FILE.json]

Reads ``frank_dev.jsonl`` from ``--data`` (system summaries of CNN/DM and XSum articles with
``human_factuality`` and the published metrics' values on the same rows). The articles of each
subset are dealt into ``--folds`` folds (by a hash of the article id, so every system's summary of
one article is on the same side). For each fold, every constant of ``checks.faithfulness`` --
WINDOW, ALPHA, POWER (the grid below; criterion: mean of the two subsets' Pearson r) and the flag
THRESHOLD (Youden's J) -- is chosen on the other folds only, then measured on the held-out fold
beside every published metric on the same rows. Printed, per subset:

1. per fold: Pearson r of ours and of the best published metric (the one with the highest mean
   over the held-out folds), then mean, sd, min and max over folds -- the headline;
2. every published metric's mean over the same folds;
3. the same cross-validation on ``--deals`` other deals of the articles into folds: each deal's
   mean held-out r, ours and the best published metric's (one deal is one draw);
4. per fold: the threshold chosen on the other folds and its J on the held-out fold.

The shipped constants are what the same choice makes on all of dev (printed last): the folds
measure that procedure, not one lucky set of constants. A fold whose human judgements (or scores)
are all equal has no correlation: it prints ``n/a`` and is left out of the spread.
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
GRID: list[Params] = list(itertools.product((1, 2, 3, 4, 6), (0.0, 0.25, 0.5, 0.75), (1.0, 2.0)))
SHIPPED: Params = (WINDOW, ALPHA, POWER)
THRESHOLDS = np.round(np.arange(0.30, 1.0001, 0.005), 3)


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Pearson r; NaN when either side is constant (or has under 3 values)."""
    a, b = np.asarray(x, float), np.asarray(y, float)
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def load(data: Path) -> list[dict[str, Any]]:
    path = data / "frank_dev.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path} not found: pass --data DIR (the folder with frank_dev.jsonl)")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def fold_of_rows(rows: list[dict[str, Any]], folds: int, deal: int = 0) -> np.ndarray:
    """Each row's fold: per subset, articles ordered by SHA-1 of their id (``deal`` > 0: of
    "<deal>:<id>", another deal of the same articles) and dealt in turn, so an article is never on
    both sides and the folds have as many articles as can be."""
    salt = f"{deal}:" if deal else ""
    out = np.zeros(len(rows), int)
    for subset in SUBSETS:
        articles = sorted(
            {r["article_id"] for r in rows if r["dataset"] == subset},
            key=lambda a: hashlib.sha1((salt + a).encode()).hexdigest(),
        )
        if len(articles) < folds:
            raise SystemExit(f"{subset}: {len(articles)} articles, fewer than --folds {folds}")
        fold = {a: i % folds for i, a in enumerate(articles)}
        for i, row in enumerate(rows):
            if row["dataset"] == subset:
                out[i] = fold[row["article_id"]]
    return out


def supports(rows: list[dict[str, Any]], params: Params) -> np.ndarray:
    window, alpha, power = params
    indexes: dict[str, SourceIndex] = {}
    out = []
    for row in rows:
        lang = row.get("lang", "en")
        if row["article_id"] not in indexes:
            indexes[row["article_id"]] = index_source(row["text"], lang)
        index = indexes[row["article_id"]]
        result = score_summary(row["summary"], index, lang, window=window, alpha=alpha, power=power)
        out.append(result["support"])
    return np.array(out)


def correlations(rows: list[dict[str, Any]], ours: np.ndarray, ids: list[int]) -> dict[str, float]:
    """Pearson r of ours and of every published metric on the rows ``ids`` (rows where a metric
    has no value are left out of that metric's correlation)."""
    human = [rows[i]["human_factuality"] for i in ids]
    table = {"ours": pearson(ours[ids], human)}
    for name in rows[ids[0]]["published_metrics"]:
        have = [i for i in ids if rows[i]["published_metrics"].get(name) is not None]
        table[name] = pearson(
            [rows[i]["published_metrics"][name] for i in have],
            [rows[i]["human_factuality"] for i in have],
        )
    return table


def youden(scores: np.ndarray, bad: np.ndarray, threshold: float) -> float:
    flagged = scores < threshold
    return float(flagged[bad].mean() - flagged[~bad].mean()) if bad.any() and (~bad).any() else 0.0


def best_threshold(scores: np.ndarray, bad: np.ndarray) -> float:
    return float(max(THRESHOLDS, key=lambda t: youden(scores, bad, t)))


def choose(scores: dict[Params, np.ndarray], rows: list[dict[str, Any]], ids: np.ndarray) -> Params:
    """The grid point with the highest mean (over subsets) Pearson r on the rows ``ids``."""

    def fit(params: Params) -> float:
        per_subset = [
            pearson(scores[params][sub], [rows[i]["human_factuality"] for i in sub])
            for s in SUBSETS
            if len(sub := [int(i) for i in ids if rows[i]["dataset"] == s])
        ]
        return float(np.nanmean(per_subset)) if not np.all(np.isnan(per_subset)) else -1.0

    return max(GRID, key=fit)


def spread(values: Sequence[float]) -> dict[str, float]:
    v = np.array([x for x in values if not np.isnan(x)])
    if not len(v):
        return dict.fromkeys(("mean", "sd", "min", "max"), float("nan"))
    sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    return {"mean": float(v.mean()), "sd": sd, "min": float(v.min()), "max": float(v.max())}


def other_deals(
    rows: list[dict[str, Any]],
    scores: dict[Params, np.ndarray],
    folds: int,
    deals: int,
    best: dict[str, str],
) -> dict[str, dict[str, Any]]:
    """The whole cross-validation again on ``deals`` other deals of the articles into folds: one
    deal is one draw, and on XSum a fold's r moves by 0.1 with which articles it got. Per subset,
    each deal's mean held-out r of ours and of that subset's best published metric."""
    means: dict[str, list[tuple[float, float]]] = {s: [] for s in SUBSETS}
    for deal in range(1, deals + 1):
        fold = fold_of_rows(rows, folds, deal)
        per_fold: dict[str, list[tuple[float, float]]] = {s: [] for s in SUBSETS}
        for k in range(folds):
            chosen = choose(scores, rows, np.flatnonzero(fold != k))
            for s in SUBSETS:
                ids = [int(i) for i in np.flatnonzero(fold == k) if rows[i]["dataset"] == s]
                table = correlations(rows, scores[chosen], ids)
                per_fold[s].append((table["ours"], table[best[s]]))
        for s in SUBSETS:
            fold_ours, fold_theirs = zip(*per_fold[s], strict=True)
            means[s].append((spread(fold_ours)["mean"], spread(fold_theirs)["mean"]))
    out = {}
    for s in SUBSETS:
        ours, theirs = (np.array(v) for v in zip(*means[s], strict=True))
        wins = int((ours > theirs).sum())
        print(
            f"  {s}: ours {ours.mean():.3f} ({ours.min():.3f}-{ours.max():.3f}) vs {best[s]} "
            f"{theirs.mean():.3f} ({theirs.min():.3f}-{theirs.max():.3f}); ours ahead in {wins} "
            f"of {deals}"
        )
        out[s] = {"ours": ours.tolist(), "best_published": theirs.tolist(), "ahead": wins}
    return out


def _r(value: float) -> str:
    return "n/a" if np.isnan(value) else f"{value:.3f}"


def print_subset(subset: str, folds: list[dict[str, Any]], published: list[str]) -> dict[str, Any]:
    """The per-fold table of one subset; returns its figures."""
    tables = [f["tables"][subset] for f in folds]
    means = {name: spread([t[name] for t in tables])["mean"] for name in ["ours", *published]}
    best = max(published, key=lambda n: -np.inf if np.isnan(means[n]) else means[n])
    print(f"\n{subset}: Pearson r with people on each held-out fold (best published: {best})")
    print(
        f"{'fold':<6}{'rows':>6}{'ours':>9}{'best pub.':>11}  constants chosen on the other folds"
    )
    for k, (fold, table) in enumerate(zip(folds, tables, strict=True)):
        w, a, p = fold["params"]
        print(
            f"{k + 1:<6}{fold['rows'][subset]:>6}{_r(table['ours']):>9}{_r(table[best]):>11}  "
            f"WINDOW={w} ALPHA={a} POWER={p}"
        )
    ours, theirs = spread([t["ours"] for t in tables]), spread([t[best] for t in tables])
    for stat in ("mean", "sd", "min", "max"):
        print(f"{stat:<6}{'':>6}{_r(ours[stat]):>9}{_r(theirs[stat]):>11}")
    verdict = "beats" if ours["mean"] > theirs["mean"] else "does NOT beat"
    wins = sum(t["ours"] > t[best] for t in tables)
    print(
        f"  ours {verdict} {best} on the mean of the held-out folds "
        f"({ours['mean']:.3f} vs {theirs['mean']:.3f}); higher on {wins} of {len(tables)} folds"
    )
    ranked = sorted(means, key=lambda n: -np.nan_to_num(means[n], nan=-9.0))
    print(
        "  every metric, mean over the same folds: "
        + ", ".join(f"{n} {_r(means[n])}" for n in ranked)
    )
    return {"ours": ours, "best_published": {"name": best, **theirs}, "means": means}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5, help="folds over articles (>= 2)")
    parser.add_argument(
        "--deals", type=int, default=10, help="other deals of the articles into folds, run again"
    )
    parser.add_argument("--out", type=Path, help="write the figures here (JSON)")
    args = parser.parse_args(argv)
    if args.folds < 2:
        raise SystemExit(f"--folds {args.folds}: cross-validation needs at least 2")
    rows = load(args.data)
    fold = fold_of_rows(rows, args.folds)
    scores = {params: supports(rows, params) for params in GRID}
    bad = np.array([r["human_factuality"] < 1 for r in rows])
    published = list(rows[0]["published_metrics"])

    folds: list[dict[str, Any]] = []
    for k in range(args.folds):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        chosen = choose(scores, rows, train)
        threshold = best_threshold(scores[chosen][train], bad[train])
        by_subset = {s: [int(i) for i in test if rows[i]["dataset"] == s] for s in SUBSETS}
        folds.append(
            {
                "params": chosen,
                "rows": {s: len(ids) for s, ids in by_subset.items()},
                "tables": {
                    s: correlations(rows, scores[chosen], ids) for s, ids in by_subset.items()
                },
                "threshold": threshold,
                "j": youden(scores[chosen][test], bad[test], threshold),
            }
        )
    print(f"FRANK dev, {len(rows)} summaries, {args.folds}-fold cross-validation over articles")
    report: dict[str, Any] = {"folds": folds}
    report["subsets"] = {s: print_subset(s, folds, published) for s in SUBSETS}
    if args.deals > 0:
        print(f"\nmean held-out r over {args.deals} other deals of the articles into folds:")
        best = {s: report["subsets"][s]["best_published"]["name"] for s in SUBSETS}
        report["other_deals"] = other_deals(rows, scores, args.folds, args.deals, best)

    print("\nflag threshold (unfaithful = human_factuality < 1), chosen on the other folds:")
    for k, f in enumerate(folds):
        print(f"  fold {k + 1}: {f['threshold']:.3f}, Youden's J on the held-out fold {f['j']:.3f}")
    j = spread([f["j"] for f in folds])
    print(
        f"  held-out J: mean {j['mean']:.3f} sd {j['sd']:.3f} min {j['min']:.3f} max {j['max']:.3f}"
    )

    everything = np.arange(len(rows))
    chosen = choose(scores, rows, everything)
    threshold = best_threshold(scores[chosen], bad)
    print(
        f"\nchosen on all of dev (what ships): WINDOW={chosen[0]} ALPHA={chosen[1]} "
        f"POWER={chosen[2]} THRESHOLD={threshold:.3f}; shipped WINDOW={WINDOW} ALPHA={ALPHA} "
        f"POWER={POWER} THRESHOLD={THRESHOLD}"
    )
    shipped = scores[SHIPPED]
    for subset in SUBSETS:
        ids = np.flatnonzero([r["dataset"] == subset for r in rows])
        flagged = shipped[ids] < THRESHOLD
        print(
            f"  {subset}: at {THRESHOLD} flags {flagged.mean():.1%}; recall of unfaithful "
            f"{flagged[bad[ids]].mean():.1%}; {flagged[~bad[ids]].mean():.1%} of faithful flagged"
        )
    report["all_dev"] = {"params": chosen, "threshold": threshold}
    report["shipped"] = {"params": SHIPPED, "threshold": THRESHOLD}
    if args.out:
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=2, default=float), encoding="utf-8")
        tmp.replace(args.out)
    return report


if __name__ == "__main__":
    main()
