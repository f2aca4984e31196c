"""Build checkpoint replicas: `python scripts/make_replicas.py DIR [--full-size] [HUB_ID ...]`.

Each replica lands in DIR/<hub id>/ with that repository's real JSON files (from
tests/fixtures/checkpoints/, or --checkpoints), a tokenizer of the family's real type and random
weights in the format the repository's main branch has (summarize/tools/replicas.py). Point the
job at them with SUMMARIZE_MODEL_ROOT=DIR. Without HUB_IDs, every checkpoint there is built.
--full-size keeps the real dimensions (distilbart-cnn-12-6: 1.2 GB; mBART-50: 2.4 GB).
Prints one `hub id<TAB>folder<TAB>weights<TAB>MB` line per replica.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # runs from a plain checkout too

from summarize.generate.weights import weight_files, weights_size  # noqa: E402
from summarize.tools.replicas import build_replica  # noqa: E402

CHECKPOINTS = REPO / "tests" / "fixtures" / "checkpoints"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("outdir", type=Path, help="replicas go to OUTDIR/<hub id>/")
    parser.add_argument("hub_ids", nargs="*", help="default: every checkpoint in --checkpoints")
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument("--full-size", action="store_true", help="the real dimensions")
    parser.add_argument(
        "--weights",
        choices=("bin", "safetensors", "none"),
        default=None,
        help="default: the format of the repository's main branch",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_intermixed_args(argv)  # DIR --full-size ID ... works too
    known = sorted(
        p.parent.relative_to(args.checkpoints).as_posix()
        for p in args.checkpoints.glob("*/*/config.json")
    )
    unknown = sorted(set(args.hub_ids) - set(known))
    if unknown:
        parser.error(f"no checkpoint files for {', '.join(unknown)} in {args.checkpoints}")
    for hub_id in args.hub_ids or known:
        folder = build_replica(
            args.checkpoints / hub_id,
            args.outdir,
            hub_id,
            full_size=args.full_size,
            weights=args.weights,
            seed=args.seed,
        )
        fmt = weight_files(folder)[0] or "none"
        print(f"{hub_id}\t{folder}\t{fmt}\t{weights_size(folder) / 1e6:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
