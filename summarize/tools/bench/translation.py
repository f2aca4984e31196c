"""Translation checks on human references: how often each flag fires where nothing is wrong.

    python -m summarize.tools.bench.translation [--data ../shared/data] [--learn] [--out FILE.json]

For each set in ``--data`` (FLORES-200 devtest, TICO-19 test, Tatoeba en-fa and en-fr; fields
``source``, ``reference``, ``src_lang``, ``tgt_lang``) it runs ``checks.translation`` on the human
reference and prints the share of references that get each flag (false flags, as the references
are right by definition), then changes one digit of the first number of every reference that has
one and prints the share flagged ``numbers``. ``news_digits`` is a set of its own: the pairs of all
the sets whose source or reference has a digit (what the number check is for). The last table
puts both rates of the number check side by side, per set.

``--learn`` re-derives ``LENGTH_BANDS`` from the same sets (pooled quantiles, widened) and shows
the length-ratio false-flag rate of each set when the bands are learned without it.
"""

from __future__ import annotations

import argparse
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from summarize.checks import translation
from summarize.checks.numbers import find_numbers
from summarize.checks.translation import FLAGS, check_translation

SETS = {
    "flores200": "flores200_devtest_dev.jsonl",
    "tico19": "tico19_test_enfa.jsonl",
    "tatoeba_enfa": "tatoeba_enfa_dev.jsonl",
    "tatoeba_enfr": "tatoeba_enfr_dev.jsonl",
}
QUANTILE = 0.005  # each tail
WIDEN = 1.1  # bounds divided / multiplied by this: room for machine output beyond human variation

Bands = dict[tuple[str, str], dict[str, tuple[float, float]]]


def load(data: Path) -> dict[str, list[dict[str, Any]]]:
    sets = {}
    for name, file in SETS.items():
        path = data / file
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                sets[name] = [json.loads(line) for line in handle if line.strip()]
    if not sets:
        raise SystemExit(f"none of {sorted(SETS.values())} in {data}: pass --data DIR")
    sets[NEWS] = [row for rows in sets.values() for row in rows if has_digit(row)]
    return sets


NEWS = "news_digits"


def has_digit(row: dict[str, Any]) -> bool:
    return any(c.isdigit() for c in row["source"] + row["reference"])


def learn_bands(sets: dict[str, list[dict[str, Any]]]) -> Bands:
    ratios: dict[tuple[tuple[str, str], str], list[float]] = {}
    for rows in sets.values():
        for row in rows:
            chars = translation._chars(row["source"])
            if chars < translation.MIN_CHARS:
                continue
            size = "long" if chars > translation.LONG_CHARS else "short"
            pair = (row["src_lang"], row["tgt_lang"])
            ratios.setdefault((pair, size), []).append(
                math.log(translation._chars(row["reference"]) / chars)
            )
    bands: Bands = {}
    for (pair, size), values in sorted(ratios.items()):
        low, high = np.exp(np.quantile(values, [QUANTILE, 1 - QUANTILE]))
        bands.setdefault(pair, {})[size] = (
            round(float(low) / WIDEN, 2),
            round(float(high) * WIDEN, 2),
        )
    return bands


def changed_digit(text: str, lang: str) -> str | None:
    """``text`` with the last digit of its first digit number moved by one, or None."""
    numbers = [n for n in find_numbers(text, lang) if not n.is_word]
    if not numbers:
        return None
    first = numbers[0]
    at = max(i for i in range(first.start, first.end) if text[i].isdigit())
    digit = unicodedata.decimal(text[at])
    new = chr(ord(text[at]) - digit + (digit + 1) % 10)  # same script
    return text[:at] + new + text[at + 1 :]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "data")
    parser.add_argument("--learn", action="store_true", help="re-derive LENGTH_BANDS")
    parser.add_argument("--out", type=Path, help="write the figures here (JSON)")
    args = parser.parse_args(argv)
    sets = load(args.data)
    report: dict[str, Any] = {}

    if args.learn:
        originals = {k: v for k, v in sets.items() if k != NEWS}
        print(f"LENGTH_BANDS learned from {sorted(originals)}:\n  {learn_bands(originals)}")
        shipped = translation.LENGTH_BANDS
        for name, rows in sets.items():
            translation.LENGTH_BANDS = learn_bands({k: v for k, v in sets.items() if k != name})
            flagged = sum(
                "length_ratio"
                in check_translation(r["reference"], r["source"], r["src_lang"], r["tgt_lang"])[
                    "flags"
                ]
                for r in rows
            )
            print(f"  {name}: learned without it, length_ratio flags {flagged / len(rows):.2%}")
        translation.LENGTH_BANDS = shipped

    print("\nfalse flags on human references (share of references with each flag)")
    print(f"{'set':<14}{'pairs':>8}{'any':>8}" + "".join(f"{f:>16}" for f in FLAGS))
    for name, rows in sets.items():
        counts: Counter[str] = Counter()
        for row in rows:
            flags = check_translation(
                row["reference"], row["source"], row["src_lang"], row["tgt_lang"]
            )["flags"]
            counts.update(flags)
            counts["any"] += bool(flags)
        rates = {flag: counts[flag] / len(rows) for flag in ("any", *FLAGS)}
        report[name] = {"pairs": len(rows), "false_flags": rates}
        print(
            f"{name:<14}{len(rows):>8}"
            + "".join(
                f"{rates[f]:>8.2%}" if f == "any" else f"{rates[f]:>16.2%}" for f in ("any", *FLAGS)
            )
        )

    print("\nreferences with one digit changed (first number), share flagged 'numbers'")
    for name, rows in sets.items():
        changed = [
            (text, row)
            for row in rows
            if (text := changed_digit(row["reference"], row["tgt_lang"])) is not None
        ]
        caught = sum(
            "numbers"
            in check_translation(text, row["source"], row["src_lang"], row["tgt_lang"])["flags"]
            for text, row in changed
        )
        share = caught / len(changed) if changed else float("nan")
        report[name]["changed_number"] = {"references": len(changed), "flagged": share}
        print(f"  {name:<14}{len(changed):>6} references with a number: {share:.1%} flagged")
    print("\nthe number check: human references flagged 'numbers' / changed digits caught")
    for name, figures in report.items():
        caught = figures["changed_number"]["flagged"]
        print(
            f"  {name:<14}{figures['pairs']:>6} pairs  {figures['false_flags']['numbers']:>7.2%}"
            f" flagged  {caught:>7.1%} of {figures['changed_number']['references']} caught"
        )
    if args.out:
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
