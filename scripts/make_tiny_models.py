"""Build the tiny offline checkpoints: `python scripts/make_tiny_models.py OUTDIR [--families ...]`.

Prints one `family<TAB>path` line per family built.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Let the script run from a plain checkout, before the package is pip-installed.
sys.path.insert(0, str(REPO))

from summarize.tools.tiny_corpus import default_corpus_lines  # noqa: E402
from summarize.tools.tiny_models import FAMILIES, build_all  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="models go to OUTDIR/<family>/")
    parser.add_argument(
        "--families",
        default=",".join(FAMILIES),
        help=f"comma-separated subset of: {','.join(FAMILIES)}",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=REPO / "tests" / "fixtures" / "data",
        help="JSONL corpus directory (default: the test fixtures; built-in sentences if missing)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        parser.error(f"unknown families {unknown}; choose from {','.join(FAMILIES)}")
    corpus = default_corpus_lines(args.data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MarianTokenizer nags about the optional sacremoses
        built = build_all(args.outdir, corpus, families, seed=args.seed)
    for family, path in built.items():
        print(f"{family}\t{path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
