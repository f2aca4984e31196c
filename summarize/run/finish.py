"""Finishing a version: errors.jsonl, metrics.json, report.html, the HF export and, last,
manifest.json, which marks it finished; then ``latest``.

Shared by the job, ``run.finish`` and the merge tool. Everything is rebuilt from records.jsonl
(each derived file from a fresh temp file, renamed into place), so finishing can be repeated: a
version whose finishing crashed or failed (a full disk in the export) stays unfinished, exits 2,
and ``run.resume=latest`` or ``run.finish=latest`` completes it after leftovers are removed.
The export is a promise (manifest after it); report.html is best effort, its outcome recorded.
"""

from __future__ import annotations

import logging
import platform
import shutil
import socket
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from summarize.checks.tally import ChecksTally
from summarize.evaluate.aggregate import Aggregator
from summarize.evaluate.record import EvaluationSettings, evaluation_settings
from summarize.publish.report import write_report
from summarize.run.claim import input_hashes
from summarize.run.signals import Stop
from summarize.run.versions import point_latest
from summarize.store.atomic import RecordWriter, write_json_atomic
from summarize.store.faults import fault_point
from summarize.store.layout import ERRORS, LATEST, MANIFEST, METRICS, RECORDS
from summarize.store.reader import Damaged, RecordReader
from summarize.store.verify import EDITED, diagnose, file_sha256

log = logging.getLogger("summarize")

FORMAT = "summarize.run/1"
_LIBRARIES = (
    "summarize",
    "torch",
    "transformers",
    "tokenizers",
    "sentencepiece",
    "safetensors",
    "datasets",
    "hydra-core",
    "omegaconf",
    "sentencex",
    "rishe",
    "sacrebleu",
    "rouge-score",
    "numpy",
)


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> str | None:
    """The project's commit when running from a git checkout (with a '+dirty' mark)."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def build_manifest(
    claim: dict[str, Any], version_dir: Path, counts: dict[str, Any]
) -> dict[str, Any]:
    """The manifest of a version, from its claim (config, models and inputs it was started with)."""
    finished_at = datetime.now(UTC)
    started_at = datetime.fromisoformat(claim["claimed_at"])
    inputs = claim.get("inputs") or {}
    manifest = {
        "format": FORMAT,
        "job": version_dir.parent.name,
        "version": version_dir.name,
        "status": "complete",
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "wall_seconds": (finished_at - started_at).total_seconds(),
        "host": socket.gethostname(),
        "git_commit": git_commit(),
        "versions": library_versions(),
        "config": claim["config"],
        "config_sha256": claim.get("config_sha256"),
        "inputs": {
            "kind": inputs.get("kind"),
            "path": inputs.get("path"),
            "sha256": input_hashes(inputs),
            "files": inputs.get("files") or {},
        },
        "models": claim.get("models") or {"summarizer": None, "translators": {}},
        "runtime": claim.get("runtime"),
        "counts": {"read": counts["read"], "ok": counts["ok"], "failed": counts["failed"]},
        "files": {"records": RECORDS, "metrics": METRICS},
    }
    for optional in ("forced", "merged_from"):
        if claim.get(optional):
            manifest["resume_forced" if optional == "forced" else optional] = claim[optional]
    return manifest


@dataclass
class Tally:
    """What one read of records.jsonl tells: counts, error codes, stage seconds, evaluation."""

    read: int = 0
    failed: int = 0
    errors_by_code: Counter[str] = field(default_factory=Counter)
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    evaluation: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    records_sha256: str = ""

    @property
    def counts(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "ok": self.read - self.failed,
            "failed": self.failed,
            "errors_by_code": dict(self.errors_by_code),
        }

    @property
    def failure_ratio(self) -> float:
        return self.failed / self.read if self.read else 0.0


def tally_version(version_dir: Path, settings: EvaluationSettings, unique: bool = True) -> Tally:
    """Reads records.jsonl once through the one reader (``Damaged`` at a bad line; ``unique``:
    at a duplicated one too); rebuilds errors.jsonl from it on the way (a fresh temp file)."""
    tally = Tally()
    aggregator = Aggregator(settings)
    checks = ChecksTally()
    for stage in ("normalise", "summarize", "translate"):
        tally.stage_seconds[stage] = 0.0
    temp = version_dir / f".{ERRORS}.tmp"
    temp.unlink(missing_ok=True)  # never append to a leftover of a crashed finish
    reader = RecordReader(version_dir / RECORDS, unique=unique)
    with RecordWriter(temp) as errors:
        for line in reader:
            record = line.record
            tally.read += 1
            error = record.get("error")
            if error:
                tally.failed += 1
                if tally.failed == 2:
                    fault_point("errors")  # tests: a crash with errors.jsonl half written
                tally.errors_by_code[error["code"]] += 1
                errors.write_many(
                    [
                        {
                            "id": record["id"],
                            "code": error["code"],
                            "message": error["message"],
                            "origin": error.get("origin", ""),
                        }
                    ]
                )
            timings = record.get("timings") or {}
            tally.stage_seconds["normalise"] += timings.get("normalise_s", 0.0)
            tally.stage_seconds["summarize"] += timings.get("summarize_s", 0.0)
            tally.stage_seconds["translate"] += sum((timings.get("translate_s") or {}).values())
            aggregator.add(record)
            checks.add(record)
    temp.replace(version_dir / ERRORS)
    tally.records_sha256 = reader.sha256
    tally.evaluation = aggregator.result()
    tally.checks = checks.result()
    return tally


def remove_leftovers(version_dir: Path) -> list[str]:
    """Temp files and folders of a crashed finish (.errors.jsonl.tmp, .manifest.json.*.tmp,
    .hf-*.tmp with a whole dataset copy, ...): nothing else writes in a locked version."""
    removed = []
    for path in sorted(version_dir.glob(".*.tmp")):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(path.name)
    for path in version_dir.parent.glob(f".{LATEST}.*.tmp"):
        path.unlink(missing_ok=True)
    if removed:
        log.info("removed leftovers of a crashed run in %s: %s", version_dir, ", ".join(removed))
    return removed


def repair_advice(version_dir: Path) -> str:
    return (
        f"{version_dir.name} is not whole, so it is not finished: run.resume={version_dir.name} "
        "run.repair=true (same config) drops the damaged and duplicated lines and generates "
        "those records again"
    )


def _tally_whole(version_dir: Path, claim: dict[str, Any]) -> Tally:
    """The tally of a version proven whole: every line a record, one per input, and, once its
    input was read whole, the very bytes written then (.claim.json ``records``)."""
    written = claim.get("records")
    path = version_dir / RECORDS
    try:
        # With the digest taken when reading ended, duplicates were refused by the resume that
        # read the records back (a set of keys per article is held only where it is needed).
        tally = tally_version(
            version_dir, evaluation_settings(claim["config"].get("evaluation")), not written
        )
        if written and (tally.records_sha256, tally.read) != (written["sha256"], written["lines"]):
            raise diagnose(path, written["lines"], ".claim.json")
    except Damaged as damaged:
        if damaged.kind.startswith(EDITED):  # every line valid, yet not the bytes written
            raise damaged.advise(
                f"which line changed cannot be told, so {version_dir.name} cannot be finished "
                "or repaired: start a new run"
            ) from None
        raise damaged.advise(repair_advice(version_dir)) from None
    return tally


@dataclass(frozen=True)
class Finished:
    path: Path
    counts: dict[str, Any]
    failure_ratio_exceeded: bool


def _report(version_dir: Path, manifest: dict[str, Any]) -> str | dict[str, str]:
    try:
        return write_report(version_dir, manifest).name
    except Exception as exc:  # the run is complete without its report: say so, go on
        log.warning("report.html could not be written (%s); the run itself is complete", exc)
        return {"error": f"{type(exc).__name__}: {exc}"}


def _export(version_dir: Path, export: Any, manifest: dict[str, Any]) -> str:
    from summarize.publish.export import export_run  # imports datasets: only when exporting

    try:
        target = export_run(
            version_dir,
            license=export.get("license"),
            push_to_hub=export.get("push_to_hub"),
            manifest=manifest,
        )
    except Exception as exc:  # datasets raises its own types for a full disk, among others
        raise RuntimeError(
            f"export.hf failed ({type(exc).__name__}: {exc}); {version_dir.name} is left "
            "unfinished with all its records: fix the cause, then run.finish=latest completes it"
        ) from exc
    return target.name


def finish_version(
    version_dir: Path,
    claim: dict[str, Any],
    *,
    export: Any,
    max_failure_ratio: float,
    metrics_extra: dict[str, Any] | None = None,
    stop: Stop | None = None,
) -> Finished:
    """Derived files, then the manifest, then ``latest`` (unless over the failure ratio)."""
    stop = stop or Stop()
    remove_leftovers(version_dir)
    (version_dir / RECORDS).touch()  # an allowed empty input still has its (empty) records
    tally = _tally_whole(version_dir, claim)
    counts = tally.counts
    extra = dict(metrics_extra or {})
    stages = extra.pop("stage_seconds", {})
    for stage, seconds in tally.stage_seconds.items():
        stages[stage] = stages.get(stage, 0.0) + seconds
    metrics = {
        "counts": counts,
        **extra,
        "stage_seconds": stages,
        **tally.evaluation,
        "checks": tally.checks,
    }
    fault_point("metrics")
    write_json_atomic(version_dir / METRICS, metrics)
    exceeded = tally.failure_ratio > max_failure_ratio
    manifest = build_manifest(claim, version_dir, counts)
    manifest["failure_ratio"] = tally.failure_ratio
    manifest["failure_ratio_exceeded"] = exceeded
    derived: dict[str, Any] = {"report": None, "hf": None}
    if export.get("report", True):
        derived["report"] = _report(version_dir, manifest)
    stop.check(version_dir, counts["read"])
    if export.get("hf"):
        derived["hf"] = _export(version_dir, export, manifest)
    manifest["derived"] = derived
    # What a reader of this version verifies before trusting it (store/verify.py).
    manifest["sha256"] = {
        RECORDS: tally.records_sha256,
        ERRORS: file_sha256(version_dir / ERRORS),
        METRICS: file_sha256(version_dir / METRICS),
    }
    stop.check(version_dir, counts["read"])
    fault_point("manifest")
    manifest["finished_at"] = datetime.now(UTC).isoformat()
    write_json_atomic(version_dir / MANIFEST, manifest)
    fault_point("latest")
    if not exceeded:  # a run over the failure threshold is kept, but not pointed to as latest
        point_latest(version_dir.parent, version_dir)
    return Finished(version_dir, counts, exceeded)
