"""The batch job end to end: lock the job, pick or resume a version, stream windows, finish the run.

``run(cfg)`` loads every model it can before reading any article (a bad model id fails fast),
claims a new version folder (or reopens an unfinished one with ``run.resume``), streams the input
in windows of ``runtime.window_articles``, appends one record per input record, then writes
errors.jsonl, metrics.json and, last, manifest.json, which marks the run finished.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from summarize.config import validate
from summarize.evaluate.record import evaluation_settings
from summarize.generate.models import pick_device
from summarize.records import Article, RecordError
from summarize.run.finish import build_manifest, publish, tally_version, write_finished
from summarize.run.keys import input_key, shard_of
from summarize.run.layout import LATEST, RECORDS, read_records, truncate_partial_tail
from summarize.run.lock import JobLock
from summarize.run.progress import Progress
from summarize.run.reuse import PreviousRecords
from summarize.run.versions import (
    claim_version,
    finished_versions,
    job_folder,
    point_latest,
    resume_target,
)
from summarize.run.window import Job
from summarize.run.writer import RecordWriter
from summarize.source.files import check_source
from summarize.source.readers import count_inputs, read_source

log = logging.getLogger("summarize")


@dataclass(frozen=True)
class RunResult:
    path: Path
    read: int
    ok: int
    failed: int
    failure_ratio_exceeded: bool = False


def windows(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    window: list[Any] = []
    for item in items:
        window.append(item)
        if len(window) == size:
            yield window
            window = []
    if window:
        yield window


def input_stream(cfg: DictConfig, done: set[str]) -> Iterator[Article | RecordError]:
    for item in read_source(cfg.source):
        if (
            cfg.shard.count > 1
            and shard_of(item.id, item.origin, cfg.shard.count) != cfg.shard.index
        ):
            continue
        if done and input_key(item.id, item.origin) in done:
            continue
        yield item


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove the folders this run created, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty (another run, or a version was claimed) or already gone
            return


def run(cfg: DictConfig) -> RunResult:
    validate(cfg)
    check_source(cfg.source)
    pick_device(cfg.runtime.device)  # a device this machine lacks fails before anything is written
    job_dir = job_folder(cfg)
    created = [p for p in (job_dir, *job_dir.parents) if not p.exists()]
    try:
        job_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"cannot create {job_dir} ({exc.strerror}): choose a writable output.root"
        ) from exc
    try:
        return _start_and_write(cfg, job_dir)
    except BaseException:
        _remove_if_empty(created)  # a failed start leaves no empty job folder behind
        raise


def _start_and_write(cfg: DictConfig, job_dir: Path) -> RunResult:
    with JobLock(job_dir, cfg.run.lock_stale_after_s) as lock:
        finished = finished_versions(job_dir)
        previous = PreviousRecords(
            finished[-1] / RECORDS if finished and cfg.run.incremental else None
        )
        job = Job(cfg, previous)  # loads models: any failure happens before a version is claimed
        done: set[str] = set()
        if cfg.run.resume:
            version_dir = resume_target(job_dir, cfg.run.resume)
            dropped = truncate_partial_tail(version_dir / RECORDS)
            for record in read_records(version_dir / RECORDS):
                done.add(record["input_key"])
                job.screen.remember(record.get("id"))
            log.info(
                "resuming %s: %d records kept, %d bytes of a cut line dropped",
                version_dir,
                len(done),
                dropped,
            )
        else:
            version_dir = claim_version(job_dir)
        return _write_run(cfg, job, lock, version_dir, done, previous)


def processed_windows(
    cfg: DictConfig, job: Job, items: Iterable[Article | RecordError], previous: PreviousRecords
) -> Iterator[list[dict[str, Any]]]:
    if cfg.runner.kind == "ray":
        from summarize.run.ray import process_on_ray

        yield from process_on_ray(
            cfg,
            windows(items, cfg.runtime.window_articles),
            job.screen,
            str(previous.path) if previous.path else None,
        )
        return
    for window in windows(items, cfg.runtime.window_articles):
        yield job.process(window)


def _write_run(
    cfg: DictConfig,
    job: Job,
    lock: JobLock,
    version_dir: Path,
    done: set[str],
    previous: PreviousRecords,
) -> RunResult:
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    stage_seconds: dict[str, float] = defaultdict(float)
    log.info("writing %s", version_dir)
    total = count_inputs(cfg.source)
    if total is not None and cfg.shard.count > 1:
        total = None  # a shard's share is only known by reading
    progress = Progress(
        cfg.output.progress_every_s, None if total is None else max(total - len(done), 0)
    )
    written = 0
    with RecordWriter(version_dir / RECORDS) as writer:
        started = time.perf_counter()
        for records in processed_windows(cfg, job, input_stream(cfg, done), previous):
            stage_seconds["process"] += time.perf_counter() - started
            started = time.perf_counter()
            writer.write_many(records)
            stage_seconds["write"] += time.perf_counter() - started
            written += len(records)
            lock.heartbeat()
            progress.update(len(records), sum(r["error"] is not None for r in records))
            started = time.perf_counter()
    progress.close()
    started = time.perf_counter()
    tally = tally_version(version_dir, evaluation_settings(cfg))
    stage_seconds["evaluate"] += time.perf_counter() - started
    for stage, seconds in tally.stage_seconds.items():
        stage_seconds[stage] += seconds
    wall = time.perf_counter() - clock
    counts = tally.counts
    metrics = {
        "counts": counts,
        "throughput": {
            "wall_seconds": wall,
            "records_this_session": written,
            "records_per_second": written / wall if wall else None,
            "generated_inputs": job.generated_inputs(),
        },
        "stage_seconds": dict(stage_seconds),
        "incremental": {
            "enabled": cfg.run.incremental,
            "previous_records": str(previous.path) if previous.path else None,
        },
        **tally.evaluation,
        "checks": tally.checks,
    }
    exceeded = tally.failure_ratio > cfg.run.max_failure_ratio
    manifest = build_manifest(cfg, job, version_dir, started_at, counts)
    manifest["failure_ratio"] = tally.failure_ratio
    manifest["failure_ratio_exceeded"] = exceeded
    write_finished(version_dir, metrics, manifest)
    publish(version_dir, cfg.export)
    if not exceeded:  # a run over the failure threshold is kept, but not pointed to as latest
        point_latest(version_dir.parent, version_dir)
    return RunResult(version_dir, counts["read"], counts["ok"], counts["failed"], exceeded)


__all__ = ["LATEST", "RunResult", "run"]
