"""The batch job end to end: lock the job, pick or resume a version, stream windows, finish the run.

``run(cfg)`` first checks, before any model loads, the input and a sample of its languages against
the models, and names every missing model (summarize/run/preflight.py, needs.py). Models are then
resolved (config, tokenizer, weights hash: what record keys need) and their weights load when a
key misses, or at once for a fresh run with nothing to reuse (a bad model fails before a version
is claimed). It claims a new version folder (or reopens an unfinished one with ``run.resume``,
refused before any weights load when the config changed), streams the input
in windows of ``runtime.window_articles`` (auto: sized from the device), appends one record per input record, then writes
errors.jsonl, metrics.json and, last, manifest.json, which marks the run finished.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig

from summarize.config import validate
from summarize.generate.batching import BatchesStopped
from summarize.records import Article, RecordError
from summarize.run.build import build_job
from summarize.run.claim import build_claim, check_resume, read_claim, write_claim
from summarize.run.finish import Finished, finish_version
from summarize.run.keys import input_key, shard_of
from summarize.run.lock import JobLock
from summarize.run.needs import check_models_present, needed_models
from summarize.run.preflight import input_languages
from summarize.run.progress import Progress
from summarize.run.reopen import kept_records
from summarize.run.reuse import PreviousRecords
from summarize.run.signals import Stop, stop_on_signals
from summarize.run.tally import generation_metrics, warn_language_mismatch
from summarize.run.versions import (
    claim_version,
    finished_versions,
    job_folder,
    point_latest,
    resume_target,
    version_name,
    versions,
)
from summarize.source.files import changed_files, check_source, input_identity, input_path
from summarize.source.readers import count_inputs, read_source
from summarize.store.atomic import RecordWriter
from summarize.store.faults import fault_point
from summarize.store.layout import LATEST, MANIFEST, RECORDS
from summarize.store.verify import (
    read_manifest,
    records_identity,
    untrusted_advice,
    verify_finished,
)

if TYPE_CHECKING:  # the model stack loads when a job is built: a mistake exits at once
    from summarize.run.window import Job

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
    if cfg.run.repair and not cfg.run.resume:
        raise ValueError("run.repair=true repairs the version it resumes: add run.resume=VERSION")
    if not cfg.run.finish:  # finishing reads no input and loads no model
        check_source(cfg.source)
        from summarize.generate.devices import pick_device  # torch: only once the input is there

        pick_device(cfg.runtime.device)  # a device this machine lacks fails before any write
        # The input's languages against the models, and offline every missing model named at
        # once, before anything loads or is written (summarize/run/preflight.py).
        languages = input_languages(cfg)
        check_models_present(needed_models(cfg, languages), cfg.model_root)
    else:
        languages = None
    job_dir = job_folder(cfg)
    created = [p for p in (job_dir, *job_dir.parents) if not p.exists()]
    try:
        job_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"cannot create {job_dir} ({exc.strerror}): choose a writable output.root"
        ) from exc
    try:
        return _start_and_write(cfg, job_dir, languages)
    except BaseException:
        _remove_if_empty(created)  # a failed start leaves no empty job folder behind
        raise


def _start_and_write(cfg: DictConfig, job_dir: Path, languages: list[str] | None) -> RunResult:
    with stop_on_signals() as stop, JobLock(job_dir, cfg.run.lock_stale_after_s) as lock:
        relinked = _relink_latest(job_dir, cfg.run.finish or cfg.run.resume)
        if relinked is not None:
            return relinked
        if cfg.run.finish:
            return _finish_only(cfg, job_dir, stop)
        finished = finished_versions(job_dir)
        previous = PreviousRecords(
            finished[-1] / RECORDS if finished and cfg.run.incremental else None
        )
        # Config, tokenizers and weight hashes: what the keys need. The weights load when a key
        # misses, so a rerun with nothing new loads none and a resume is checked before any load.
        job = build_job(cfg, previous, source_langs=languages)
        stop.check(None)
        done: set[str] = set()
        if cfg.run.resume:
            version_dir = resume_target(job_dir, cfg.run.resume)
            now = build_claim(cfg, job, input_identity(cfg.source))
            claim = check_resume(version_dir, now, cfg.run.resume_force)
            for record in kept_records(version_dir, claim, cfg.run.repair):
                done.add(record["input_key"])
                job.screen.remember(record.get("id"))
            log.info("resuming %s: %d records kept", version_dir, len(done))
        else:
            if not len(previous):  # nothing to reuse: load now, so a bad model fails unclaimed
                job.warm()
            inputs = input_identity(cfg.source)  # taken before the first record is read
            if not cfg.source.allow_empty and next(iter(read_source(cfg.source)), None) is None:
                raise ValueError(
                    f"source.path={input_path(cfg.source)} holds no records: nothing was "
                    "written (source.allow_empty=true publishes an empty run)"
                )
            version_dir = claim_version(job_dir)
            claim = build_claim(cfg, job, inputs)
            write_claim(version_dir, claim)
        return _write_run(cfg, job, lock, version_dir, claim, done, previous, stop)


def _relink_latest(job_dir: Path, asked: str | None) -> RunResult | None:
    """``latest``, when a run died between its manifest and moving ``latest`` (resume=latest)."""
    if asked != "latest":
        return None
    numbers = versions(job_dir)
    newest = job_dir / version_name(numbers[-1]) if numbers else None
    if newest is None or not (newest / MANIFEST).is_file():
        return None  # nothing, or an unfinished version to resume
    link = job_dir / LATEST
    manifest = read_manifest(newest) or {}
    verify_finished(newest, manifest, untrusted_advice(newest))  # never link a damaged version
    if manifest.get("failure_ratio_exceeded") or (link.is_symlink() and link.resolve() == newest):
        return None
    point_latest(job_dir, newest)
    log.info("%s was finished but not linked as latest: linked", newest)
    counts = manifest["counts"]
    return RunResult(newest, counts["read"], counts["ok"], counts["failed"])


def _finish_only(cfg: DictConfig, job_dir: Path, stop: Stop) -> RunResult:
    version_dir = resume_target(job_dir, cfg.run.finish)
    claim = read_claim(version_dir)
    if claim is None or not claim.get("read_complete"):
        raise ValueError(
            f"run.finish={cfg.run.finish}: {version_dir.name} did not finish reading its input; "
            f"resume it instead (run.resume={version_dir.name} with the same config)"
        )
    config = claim["config"]
    done = finish_version(
        version_dir,
        claim,
        export=config.get("export") or {},
        max_failure_ratio=config["run"]["max_failure_ratio"],
        stop=stop,
    )
    return _result(done)


def _result(done: Finished) -> RunResult:
    counts = done.counts
    return RunResult(
        done.path, counts["read"], counts["ok"], counts["failed"], done.failure_ratio_exceeded
    )


def processed_windows(
    cfg: DictConfig, job: Job, items: Iterable[Article | RecordError], previous: PreviousRecords
) -> Iterator[Sequence[Mapping[str, Any]]]:
    if cfg.runner.kind == "ray":
        from summarize.run.ray import process_on_ray

        yield from process_on_ray(
            cfg,
            windows(items, job.budget.window_articles),
            job.screen,
            str(previous.path) if previous.path else None,
        )
        return
    for window in windows(items, job.budget.window_articles):
        yield job.process(window)


def _write_run(
    cfg: DictConfig,
    job: Job,
    lock: JobLock,
    version_dir: Path,
    claim: dict[str, Any],
    done: set[str],
    previous: PreviousRecords,
    stop: Stop,
) -> RunResult:
    clock = time.perf_counter()
    stage_seconds: dict[str, float] = defaultdict(float)
    log.info("writing %s", version_dir)
    budget = job.budget
    log.info(
        "batches of %d padded input tokens%s, windows of %d articles (%s)",
        budget.batch_tokens,
        f" and {budget.batch_inputs} inputs at most" if budget.batch_inputs else "",
        budget.window_articles,
        budget.why,
    )
    total = count_inputs(cfg.source)
    if total is not None and cfg.shard.count > 1:
        total = None  # a shard's share is only known by reading
    progress = Progress(
        cfg.output.progress_every_s, None if total is None else max(total - len(done), 0)
    )
    written = 0
    stop.version_dir = version_dir
    with RecordWriter(version_dir / RECORDS) as writer:
        started = time.perf_counter()
        items = input_stream(cfg, done)
        try:
            for number, records in enumerate(processed_windows(cfg, job, items, previous), 1):
                stage_seconds["process"] += time.perf_counter() - started
                started = time.perf_counter()
                writer.write_many(records)
                stage_seconds["write"] += time.perf_counter() - started
                written += len(records)
                lock.heartbeat()
                progress.update(len(records), sum(r["error"] is not None for r in records))
                fault_point("window", number)
                stop.check(version_dir, len(done) + written, written)
                started = time.perf_counter()
        except BatchesStopped:  # a signal, between two batches of the window in flight
            progress.close()
            stop.check(version_dir, len(done) + written, written)
            raise
    progress.close()
    _check_input_unchanged(cfg, version_dir, claim)
    wall = time.perf_counter() - clock
    done_now = finish_version(
        version_dir,
        claim,
        export=cfg.export,
        max_failure_ratio=cfg.run.max_failure_ratio,
        metrics_extra={
            "throughput": {
                "wall_seconds": wall,
                "records_this_session": written,
                "records_per_second": written / wall if wall else None,
                "generated_inputs": job.generated_inputs(),
            },
            "stage_seconds": dict(stage_seconds),
            "generation": {
                **generation_metrics(job.generation_counts(), written),
                "budget": job.budget.describe(),
            },
            "incremental": {
                "enabled": cfg.run.incremental,
                "previous_records": str(previous.path) if previous.path else None,
            },
        },
        stop=stop,
    )
    warn_language_mismatch(done_now.path)
    return _result(done_now)


def _check_input_unchanged(cfg: DictConfig, version_dir: Path, claim: dict[str, Any]) -> None:
    """The input must still be what was hashed at claim time: else records may mix two inputs."""
    changed = changed_files(cfg.source, (claim.get("inputs") or {}).get("files") or {})
    if changed and not cfg.run.resume_force:
        raise ValueError(
            f"the input changed while {version_dir.name} read it ({'; '.join(changed[:3])}): "
            "its records may mix two inputs, so it is left unfinished; start a new run"
        )
    if changed:
        claim.setdefault("forced", []).append({"input_changed_while_read": changed})
    claim["read_complete"] = True  # run.finish may complete this version from its records alone
    claim["records"] = records_identity(version_dir / RECORDS)  # ...these very records
    write_claim(version_dir, claim)


__all__ = ["LATEST", "RunResult", "run"]
