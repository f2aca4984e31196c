"""Does memory grow with the corpus? ``python -m summarize.tools.bench.streaming [--small 1000 --large 10000]``.

Runs the real job (extractive, no model) as a child process over ``small`` and then ``large`` short
articles made from the CNN/DM dev texts, and reports each run's peak RSS. The child's peak is read
with ``getrusage(RUSAGE_CHILDREN)``, which is the maximum over the children waited for so far: the
second figure is max(small, large), so "large within 10 % of small" is checked conservatively.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# ../shared/data beside the checkout, when the benchmark runs from the repository root.
SHARED = Path("..") / "shared" / "data" / "cnndm_frank_dev.jsonl"


def make_corpus(path: Path, n: int, words: int = 120) -> None:
    texts = [json.loads(line)["text"] for line in SHARED.read_text("utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(
                json.dumps({"id": f"a{i}", "text": " ".join(texts[i % len(texts)].split()[:words])})
                + "\n"
            )


def peak_rss_mib(n: int, work: Path) -> tuple[float, float]:
    source = work / f"in{n}.jsonl"
    make_corpus(source, n)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "summarize", "source=jsonl", f"source.path={source}", "summarizer=extractive",
         f"output.root={work / f'out{n}'}", "export.report=false", "evaluation.langid=false", "source.language_check=off"],
        check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small, small_s = peak_rss_mib(args.small, Path(folder))
        large, large_s = peak_rss_mib(args.large, Path(folder))
    report = {
        "small": {"articles": args.small, "peak_rss_mib": small, "seconds": small_s},
        "large": {"articles": args.large, "peak_rss_mib_at_most": large, "seconds": large_s},
        "growth": large / small - 1,
    }
    print(f"{args.small} articles: peak RSS {small:.0f} MiB ({small_s:.1f} s)")
    print(
        f"{args.large} articles: peak RSS <= {large:.0f} MiB ({large_s:.1f} s); growth {report['growth']:+.1%}"
    )
    print(json.dumps(report))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2), "utf-8")


if __name__ == "__main__":
    main()
