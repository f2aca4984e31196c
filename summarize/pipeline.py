"""The batch job end to end: lock the job, pick or resume a version, stream windows, finish the run.

``run(cfg)`` loads every model it can before reading any article (a bad model id fails fast),
claims a new version folder (or reopens an unfinished one with ``run.resume``), streams the input
in windows of ``runtime.window_articles``, appends one record per input record, then writes
errors.jsonl, metrics.json and, last, manifest.json, which marks the run finished.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from summarize.config import validate
from summarize.evaluate.run import aggregate, evaluation_settings, read_records
from summarize.job import Job
from summarize.keys import input_key, shard_of
from summarize.lock import JobLock
from summarize.manifest import build_manifest
from summarize.progress import Progress
from summarize.records import Article, RecordError
from summarize.reuse import PreviousRecords, truncate_partial_tail
from summarize.source import check_source, count_inputs, read_source
from summarize.write import (
    LATEST,
    RecordWriter,
    claim_version,
    point_latest,
    safe_name,
    version_name,
    versions,
    write_json_atomic,
)

log = logging.getLogger("summarize")
RECORDS, ERRORS, METRICS, MANIFEST = (
    "records.jsonl",
    "errors.jsonl",
    "metrics.json",
    "manifest.json",
)


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


def job_folder(cfg: DictConfig) -> Path:
    name = safe_name(cfg.output.job, "output.job")
    if cfg.shard.count > 1:  # shards run side by side: each is its own job, merged afterwards
        name = f"{name}-shard{cfg.shard.index}of{cfg.shard.count}"
    return Path(cfg.output.root).expanduser().resolve() / name


def finished_versions(job_dir: Path) -> list[Path]:
    return [
        job_dir / version_name(n)
        for n in versions(job_dir)
        if (job_dir / version_name(n) / MANIFEST).is_file()
    ]


def resume_target(job_dir: Path, resume: str) -> Path:
    if resume == "latest":
        unfinished = [
            job_dir / version_name(n)
            for n in versions(job_dir)
            if not (job_dir / version_name(n) / MANIFEST).is_file()
        ]
        if not unfinished:
            raise ValueError(f"run.resume=latest: {job_dir} has no unfinished version to resume")
        return unfinished[-1]
    target = job_dir / safe_name(resume, "run.resume")
    if not target.is_dir():
        raise ValueError(f"run.resume={resume}: {target} does not exist")
    if (target / MANIFEST).is_file():
        raise ValueError(
            f"run.resume={resume}: {target} is already finished; start a new run instead"
        )
    return target


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


def write_errors(version_dir: Path) -> None:
    """errors.jsonl: the error records of the run, one line each, rebuilt from records.jsonl."""
    errors = (
        {
            "id": r["id"],
            "code": r["error"]["code"],
            "message": r["error"]["message"],
            "origin": r["error"].get("origin", ""),
        }
        for r in read_records(version_dir / RECORDS)
        if r.get("error")
    )
    temp = version_dir / f".{ERRORS}.tmp"
    with RecordWriter(temp) as writer:
        for error in errors:
            writer.write_many([error])
    temp.replace(version_dir / ERRORS)


def count_records(path: Path) -> dict[str, Any]:
    counter: Counter[str] = Counter()
    read = failed = 0
    for record in read_records(path):
        read += 1
        if record.get("error"):
            failed += 1
            counter[record["error"]["code"]] += 1
    return {"read": read, "ok": read - failed, "failed": failed, "errors_by_code": dict(counter)}


def run(cfg: DictConfig) -> RunResult:
    validate(cfg)
    check_source(cfg.source)
    job_dir = job_folder(cfg)
    try:
        job_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"cannot create {job_dir} ({exc.strerror}): choose a writable output.root"
        ) from exc
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
        from summarize.ray_runner import process_on_ray

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
    for record_stage in ("summarize", "translate"):
        stage_seconds[record_stage] = 0.0
    for record in read_records(version_dir / RECORDS):
        timings = record.get("timings") or {}
        stage_seconds["normalise"] += timings.get("normalise_s", 0.0)
        stage_seconds["summarize"] += timings.get("summarize_s", 0.0)
        stage_seconds["translate"] += sum((timings.get("translate_s") or {}).values())
    started = time.perf_counter()
    write_errors(version_dir)
    evaluation = aggregate(version_dir / RECORDS, evaluation_settings(cfg))
    stage_seconds["evaluate"] += time.perf_counter() - started
    wall = time.perf_counter() - clock
    counts = count_records(version_dir / RECORDS)
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
        **evaluation,
    }
    write_json_atomic(version_dir / METRICS, metrics)
    ratio = counts["failed"] / counts["read"] if counts["read"] else 0.0
    exceeded = ratio > cfg.run.max_failure_ratio
    manifest = build_manifest(cfg, job, version_dir, started_at, counts)
    manifest["failure_ratio"] = ratio
    manifest["failure_ratio_exceeded"] = exceeded
    write_json_atomic(version_dir / MANIFEST, manifest)
    _publish(cfg, version_dir)
    if not exceeded:  # a run over the failure threshold is kept, but not pointed to as latest
        point_latest(version_dir.parent, version_dir)
    return RunResult(version_dir, counts["read"], counts["ok"], counts["failed"], exceeded)


def _publish(cfg: DictConfig, version_dir: Path) -> None:
    """Derived views of a finished run; regenerate them with `python -m summarize.export`."""
    if cfg.export.report:
        try:
            from summarize.report import write_report

            write_report(version_dir)
        except Exception as exc:  # the run is complete without its report: say so, go on
            log.warning("report.html could not be written (%s); the run itself is complete", exc)
    if cfg.export.hf:
        from summarize.export import export_run

        export_run(version_dir, license=cfg.export.license, push_to_hub=cfg.export.push_to_hub)


__all__ = ["LATEST", "RunResult", "run"]
