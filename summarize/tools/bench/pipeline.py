"""One real run of the pipeline under the benchmark's model: where the wall time goes."""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from summarize.tools.bench.measure import _timed


def profile_pipeline(
    model_dir: Path, texts: Sequence[str], settings: Any, work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Runs summarize.run.local.run on `texts`; wall time split into generate and the rest."""
    from hydra import compose, initialize_config_dir

    from summarize.config import CONF_DIR, register_configs
    from summarize.generate.hf import Generator
    from summarize.run.local import run

    register_configs()
    source = work / "articles.jsonl"
    rows = [{"id": f"a{i}", "text": t, "lang": "en"} for i, t in enumerate(texts)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    overrides = [
        f"output.root={work / 'runs'}",
        "summarizer=custom",
        f"summarizer.name_or_path={model_dir}",
        "source=jsonl",
        f"source.path={source}",
        "runtime.device=cpu",
        f"runtime.backend={args.profile_backend}",
        f"runtime.batch_tokens={args.batch_tokens}",
        f"runtime.ct2_compute_type={args.ct2_compute_type}",
        f"runtime.ct2_cache_dir={args.cache / 'ct2'}",  # reuses the conversion made above
        *(
            f"generation.summary.{k}={getattr(settings, k)}"
            for k in ("num_beams", "min_new_tokens", "max_new_tokens")
        ),
    ]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=overrides)
    spent = {"seconds": 0.0, "calls": 0}
    results: list[Any] = []
    classes: tuple[type[Any], ...] = (Generator,)
    with contextlib.suppress(ImportError):  # without CTranslate2 only the torch backend runs
        from summarize.generate.ct2 import CT2Generator

        classes += (CT2Generator,)
    originals = [cls.generate for cls in classes]

    def timer(original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - started
                spent["calls"] += 1

        return timed

    # Instrumentation for this call only: two clock reads per generate() call.
    for cls, original in zip(classes, originals, strict=True):
        cls.generate = timer(original)
    try:
        total = _timed(lambda: results.append(run(cfg)))
    finally:
        for cls, original in zip(classes, originals, strict=True):
            cls.generate = original
    metrics = json.loads((results[0].path / "metrics.json").read_text(encoding="utf-8"))
    wall = metrics["throughput"]["wall_seconds"]
    return {
        "articles": len(texts),
        "backend": args.profile_backend,
        "total_seconds": total,  # run() including loading the model and hashing its weights
        "load_and_setup_seconds": total - wall,
        "wall_seconds": wall,  # from the first record read to the last one written
        "generate_seconds": spent["seconds"],
        "generate_calls": spent["calls"],
        "generate_share_of_wall": spent["seconds"] / wall if wall else None,
        "stage_seconds": metrics["stage_seconds"],
    }


def print_pipeline(p: dict[str, Any]) -> None:
    if "error" in p:
        print(f"pipeline run failed: {p['error']}")
        return
    stages = {k: round(v, 2) for k, v in p["stage_seconds"].items()}
    print(
        f"pipeline run ({p['backend']}), {p['articles']} articles: wall {p['wall_seconds']:.1f} s, generate "
        f"{p['generate_seconds']:.1f} s ({p['generate_share_of_wall']:.0%}) in "
        f"{p['generate_calls']} calls, load+setup {p['load_and_setup_seconds']:.1f} s; "
        f"stage seconds {stages}"
    )
