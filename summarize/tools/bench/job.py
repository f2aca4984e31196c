"""The whole nightly job: articles per hour with the torch and CTranslate2 backends.

    python -m summarize.bench --task pipeline [--articles 32] [--smoke]

Runs the real command, ``python -m summarize '+lang=[fa,fr]'``, on CNN/DM dev articles with
replicas of the default presets (``summarize.tools.replicas``: distilbart-cnn-12-6, mBART-50
many-to-many for Persian, OPUS-MT en-fr for French; full size unless ``--smoke``; the real config,
generation and tokenizer files, random weights) as ``SUMMARIZE_MODEL_ROOT``, once per backend, each
in its own process. Random weights never choose to stop, so every output runs to the checkpoint's
own length limits and each summary is summarised again until it fits: the work per article is at
the top of what real articles cost, not typical of it (OPUS-MT runs every sentence to 512 tokens).
Long outputs make both backends spend their time copying the key/value cache (appended and
reordered between beams at every step), where CTranslate2's int8 weights help least; the
translation benchmark's ``--new-tokens`` shows how the CT2/torch ratio falls with output length.
Lengths cannot be forced to real ones here: the replicas' tokenizers, trained on little text,
make real summaries longer than the checkpoints' limits in their tokens. Reports wall time, articles per hour
(including model loading and CT2's one-time conversion, which the CT2 run does first, untimed),
seconds per stage from metrics.json, and the process's peak RSS (sampled).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil

from summarize.tools.bench.measure import _cpu_name
from summarize.tools.bench.models import DATA_DIR

PRESETS = (
    "sshleifer/distilbart-cnn-12-6",
    "facebook/mbart-large-50-many-to-many-mmt",
    "Helsinki-NLP/opus-mt-en-fr",
)
DEFAULT_CACHE = Path("~/.cache/summarize/bench")
CHECKPOINTS = Path("tests") / "fixtures" / "checkpoints"  # from the repository root


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m summarize.bench --task pipeline")
    parser.add_argument("--articles", type=int, default=32)
    parser.add_argument("--smoke", action="store_true", help="small replicas, 2 articles (CI)")
    parser.add_argument("--backends", default="torch,ct2")
    parser.add_argument("--langs", default="fa,fr")
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--threads", type=int, default=None, help="runtime.threads")
    parser.add_argument("--out", type=Path, help="write the report here (JSON)")
    parser.add_argument("overrides", nargs="*", help="extra key=value overrides for both runs")
    args = parser.parse_args(argv)
    args.cache = args.cache.expanduser()
    if args.smoke:
        args.articles = 2
    return args


def replicas(args: argparse.Namespace) -> Path:
    from summarize.tools.replicas import build_replica

    root = args.cache / ("replicas-small" if args.smoke else "replicas")
    for hub_id in PRESETS:
        folder = root / hub_id
        if not any(folder.glob("*.bin")) and not any(folder.glob("*.safetensors")):
            build_replica(args.checkpoints / hub_id, root, hub_id, full_size=not args.smoke)
    return root


def articles(args: argparse.Namespace, path: Path) -> None:
    source = args.data / "cnndm_frank_dev.jsonl"
    if not source.is_file():
        source = Path("tests") / "fixtures" / "data" / "cnndm_frank_dev.jsonl"
    rows = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as handle:
        for row in rows[: args.articles]:
            handle.write(json.dumps({"id": row["id"], "text": row["text"], "lang": "en"}) + "\n")


def _peak_rss(process: subprocess.Popen[bytes], result: dict[str, float]) -> None:
    """Samples the child's RSS (and its children's) every 100 ms until it exits."""
    try:
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                rss = watched.memory_info().rss + sum(
                    c.memory_info().rss for c in watched.children(recursive=True)
                )
            except psutil.Error:
                break
            result["peak_mib"] = max(result.get("peak_mib", 0.0), rss / 2**20)
            time.sleep(0.1)
    except psutil.Error:
        return


def run_job(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    log = cwd / "job.log"
    started = time.perf_counter()
    with log.open("ab") as stderr:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr)
        rss: dict[str, float] = {}
        sampler = threading.Thread(target=_peak_rss, args=(process, rss), daemon=True)
        sampler.start()
        try:
            stdout, _ = process.communicate()
        finally:  # an interrupted benchmark leaves no job running on behind it
            if process.poll() is None:
                process.kill()
                process.wait()
        sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        tail = log.read_text("utf-8", errors="replace").splitlines()[-5:]
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}: {tail}")
    run_dir = Path(stdout.decode().strip().splitlines()[-1])
    metrics = json.loads((run_dir / "metrics.json").read_text("utf-8"))
    return {"wall_seconds": wall, "peak_rss_mib": rss.get("peak_mib"), "metrics": metrics}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if threading.current_thread() is not threading.main_thread():
        return measure_backends(args)
    # kill -TERM ends the benchmark through its finally blocks, which stop the running job
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return measure_backends(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def measure_backends(args: argparse.Namespace) -> dict[str, Any]:
    root = replicas(args)
    report: dict[str, Any] = {
        "machine": {"cpu": _cpu_name(), "logical_cpus": os.cpu_count()},
        "settings": {
            "articles": args.articles,
            "langs": args.langs,
            "replicas": "small" if args.smoke else "full size",
            "models": list(PRESETS),
        },
        "backends": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "articles.jsonl"
        articles(args, source)
        env = {**os.environ, "SUMMARIZE_MODEL_ROOT": str(root), "HF_HUB_OFFLINE": "1"}
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(Path.cwd()), os.environ.get("PYTHONPATH")])
        )
        for backend in args.backends.split(","):
            base = [
                sys.executable,
                "-m",
                "summarize",
                f"+lang=[{args.langs}]",
                "source=jsonl",
                f"source.path={source}",
                f"output.root={work / backend}",
                f"runtime.backend={backend}",
                f"runtime.ct2_cache_dir={args.cache / 'ct2'}",
                "export.report=false",
                "evaluation.bootstrap=0",
                *([f"runtime.threads={args.threads}"] if args.threads else []),
                *args.overrides,
            ]
            if backend == "ct2":  # convert once, untimed: a nightly job finds the cache filled
                warm = [*base, "source.limit=1", f"output.root={work / 'warm'}"]
                run_job(warm, env, work)
            result = run_job(base, env, work)
            metrics = result.pop("metrics")
            wall = result["wall_seconds"]
            result["articles_per_hour"] = args.articles / wall * 3600
            result["stage_seconds"] = metrics.get("stage_seconds")
            result["generated_inputs"] = (metrics.get("throughput") or {}).get("generated_inputs")
            report["backends"][backend] = result
            print_row(backend, result, args.articles)
    torch_run, ct2_run = report["backends"].get("torch"), report["backends"].get("ct2")
    if torch_run and ct2_run:
        report["ct2_over_torch_articles_per_hour"] = (
            ct2_run["articles_per_hour"] / torch_run["articles_per_hour"]
        )
        report["ct2_peak_rss_share_of_torch"] = ct2_run["peak_rss_mib"] / torch_run["peak_rss_mib"]
        print(
            f"ct2/torch: {report['ct2_over_torch_articles_per_hour']:.2f}x articles per hour, "
            f"peak RSS {report['ct2_peak_rss_share_of_torch']:.0%} of torch's"
        )
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def print_row(backend: str, result: dict[str, Any], n: int) -> None:
    stages = result.get("stage_seconds") or {}
    shown = ", ".join(
        f"{k} {stages[k]:.1f}" for k in ("summarize", "translate", "evaluate") if k in stages
    )
    print(
        f"{backend:<6} {n} articles in {result['wall_seconds']:.1f} s = "
        f"{result['articles_per_hour']:.1f} articles/hour; peak RSS "
        f"{result['peak_rss_mib']:.0f} MiB; stage seconds: {shown}"
    )
