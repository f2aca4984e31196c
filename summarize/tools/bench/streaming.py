"""Does memory grow with the corpus? ``python -m summarize.tools.bench.streaming [--small 1000 --large 10000]``.

Runs the real job as a child process over ``small`` and then ``large`` short articles made from
the CNN/DM dev texts, and reports each run's peak RSS. By default translation is on: the lead
summary of every article is translated into Persian and French (``+lang=[fa,fr]``) by a tiny
random-weight M2M100 built in a temporary folder (8 new tokens per sentence, greedy), so the
translation path (segments, batches, per-target checks, records) streams too; ``--no-translation``
runs the summariser alone. The child's peak is read with ``getrusage(RUSAGE_CHILDREN)``, which
is the maximum over the children waited for so far: the second figure is max(small, large), so
"large within 10 % of small" is checked conservatively.
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

from summarize.store.layout import RECORDS
from summarize.store.reader import read_records
from summarize.tools.bench.models import DATA_DIR

ARTICLES = "cnndm_frank_dev.jsonl"
FIXTURES = Path("tests") / "fixtures" / "data"  # from the repository root, when ../shared is absent


def data_file(data: Path) -> Path:
    for folder in (data, FIXTURES):
        if (folder / ARTICLES).is_file():
            return folder / ARTICLES
    raise SystemExit(f"{ARTICLES} is neither in {data} nor in {FIXTURES}: pass --data FOLDER")


def make_corpus(source: Path, path: Path, n: int, words: int = 120) -> None:
    texts = [json.loads(line)["text"] for line in source.read_text("utf-8").splitlines() if line]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = " ".join(texts[i % len(texts)].split()[:words])
            handle.write(json.dumps({"id": f"a{i}", "text": text, "lang": "en"}) + "\n")


def translation_overrides(work: Path, data: Path) -> list[str]:
    """A tiny M2M100 (English, French and Persian lines) for ``+lang=[fa,fr]``."""
    from summarize.tools.tiny_corpus import default_corpus_lines
    from summarize.tools.tiny_models import build_tiny_model

    model = build_tiny_model("m2m100", work / "models", default_corpus_lines(data))
    return [
        "+lang=[fa,fr]",
        "translator=custom",
        f"translator.name_or_path={model}",
        "generation.translation.max_new_tokens=8",
        "generation.translation.num_beams=1",
    ]


def translated(run_dir: Path) -> int:
    """Records whose summary has a translation into every target language."""
    count = 0
    for record in read_records(run_dir / RECORDS):
        parts = record.get("translations") or {}
        count += bool(parts) and all(p.get("summary") for p in parts.values())
    return count


def peak_rss_mib(n: int, work: Path, source: Path, extra: list[str]) -> tuple[float, float, int]:
    corpus = work / f"in{n}.jsonl"
    make_corpus(source, corpus, n)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "summarize", "source=jsonl", f"source.path={corpus}", "summarizer=extractive",
         f"output.root={work / f'out{n}'}", "export.report=false", "evaluation.langid=false",
         "source.language_check=off", *extra],
        check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    run_dir = Path(done.stdout.decode().strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return peak, seconds, translated(run_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--no-translation", action="store_true", help="the summariser alone")
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    source = data_file(args.data)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        extra = [] if args.no_translation else translation_overrides(work, source.parent)
        small, small_s, small_t = peak_rss_mib(args.small, work, source, extra)
        large, large_s, large_t = peak_rss_mib(args.large, work, source, extra)
    report = {
        "translation": not args.no_translation,
        "small": {
            "articles": args.small,
            "peak_rss_mib": small,
            "seconds": small_s,
            "translated": small_t,
        },
        "large": {
            "articles": args.large,
            "peak_rss_mib_at_most": large,
            "seconds": large_s,
            "translated": large_t,
        },
        "growth": large / small - 1,
    }
    what = "summaries only" if args.no_translation else "summaries + fa, fr translations"
    print(
        f"{what}; {args.small} articles ({small_t} translated): peak RSS {small:.0f} MiB "
        f"({small_s:.1f} s)"
    )
    print(
        f"{args.large} articles ({large_t} translated): peak RSS <= {large:.0f} MiB "
        f"({large_s:.1f} s); growth {report['growth']:+.1%}"
    )
    print(json.dumps(report))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2), "utf-8")


if __name__ == "__main__":
    main()
