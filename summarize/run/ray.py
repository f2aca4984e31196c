"""runner=ray: the same stages on a Ray cluster (or a local Ray instance).

The driver reads the input and removes duplicate ids (a global property); windows of articles go
through Ray Data ``map_batches`` to a pool of actors, each of which builds a ``Job`` (loading the
models once) and returns the window's records. Order is preserved, so the driver writes exactly
the records the local runner would, into the same versioned run layout.
"""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Iterable, Iterator
from typing import Any

from omegaconf import DictConfig, OmegaConf

from summarize.records import Article, RecordError

log = logging.getLogger("summarize")


class _JobActor:
    """Lives on a Ray worker; built once per actor, so models load once per actor."""

    def __init__(self, config: dict[str, Any], previous_records: str | None) -> None:
        from pathlib import Path

        from summarize.config import Config
        from summarize.run.build import build_job
        from summarize.run.reuse import PreviousRecords

        cfg = OmegaConf.merge(OmegaConf.structured(Config), config)
        previous = PreviousRecords(Path(previous_records) if previous_records else None)
        self.job = build_job(cfg, previous, dedupe=False)  # type: ignore[arg-type]

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        out = []
        for payload in batch["window"]:
            window = pickle.loads(payload)
            out.append(json.dumps(self.job.process(window), ensure_ascii=False))
        return {"records": out}


def _connect(cfg: DictConfig) -> None:
    import ray

    if ray.is_initialized():
        return
    if cfg.runner.address:
        ray.init(address=cfg.runner.address, log_to_driver=False)
    else:
        ray.init(include_dashboard=False, log_to_driver=False)


def process_on_ray(
    cfg: DictConfig,
    windows: Iterable[list[Article | RecordError]],
    screen: Any,
    previous_records: str | None,
) -> Iterator[list[dict[str, Any]]]:
    import ray
    import ray.data

    _connect(cfg)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # records come back in input order
    context.enable_progress_bars = False
    config = OmegaConf.to_container(cfg, resolve=True)
    in_flight = max(1, cfg.runner.windows_in_flight)
    block: list[bytes] = []

    def run_block(block: list[bytes]) -> Iterator[list[dict[str, Any]]]:
        dataset = ray.data.from_items([{"window": payload} for payload in block]).map_batches(
            _JobActor,
            fn_constructor_args=(config, previous_records),
            batch_size=1,
            concurrency=cfg.runner.concurrency,
            num_cpus=cfg.runner.num_cpus,
            num_gpus=cfg.runner.num_gpus or None,
        )
        for row in dataset.iter_rows():
            yield json.loads(row["records"])

    for window in windows:
        deduped = [screen.dedupe(item) if isinstance(item, Article) else item for item in window]
        block.append(pickle.dumps(deduped))
        if len(block) == in_flight:
            yield from run_block(block)
            block = []
    if block:
        yield from run_block(block)
