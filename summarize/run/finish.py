"""Finishing a version: errors.jsonl, metrics.json and, last, manifest.json, which marks it finished.

Shared by the job and by ``summarize.merge``: derived files are rebuilt from records.jsonl in one
read, so a resumed, incremental or merged version is finished exactly like a direct one.
"""

from __future__ import annotations

import logging
import platform
import socket
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from summarize.checks.tally import ChecksTally
from summarize.evaluate.aggregate import Aggregator
from summarize.evaluate.record import EvaluationSettings
from summarize.run.layout import ERRORS, MANIFEST, METRICS, RECORDS, read_records
from summarize.run.writer import RecordWriter, write_json_atomic
from summarize.source.files import input_identity, input_path

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
    cfg: DictConfig, job: Any, version_dir: Path, started_at: datetime, counts: dict[str, Any]
) -> dict[str, Any]:
    finished_at = datetime.now(UTC)
    summariser = getattr(job.summariser, "generator", None)
    return {
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
        "config": OmegaConf.to_container(cfg, resolve=True),
        "inputs": {
            "kind": cfg.source.kind,
            "path": str(input_path(cfg.source)),
            "sha256": {
                name: identity["sha256"]
                for name, identity in input_identity(cfg.source)["files"].items()
            },
        },
        "models": {
            "summarizer": summariser.loaded.describe() if summariser else None,
            "translators": {t: job.translators.describe(t) for t in cfg.langs},
        },
        "counts": {"read": counts["read"], "ok": counts["ok"], "failed": counts["failed"]},
        "files": {"records": RECORDS, "metrics": METRICS},
    }


@dataclass
class Tally:
    """What one read of records.jsonl tells: counts, error codes, stage seconds, evaluation."""

    read: int = 0
    failed: int = 0
    errors_by_code: Counter[str] = field(default_factory=Counter)
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    evaluation: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)

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


def tally_version(version_dir: Path, settings: EvaluationSettings) -> Tally:
    """Reads records.jsonl once; rebuilds errors.jsonl from it on the way (a fresh temp file)."""
    tally = Tally()
    aggregator = Aggregator(settings)
    checks = ChecksTally()
    for stage in ("normalise", "summarize", "translate"):
        tally.stage_seconds[stage] = 0.0
    temp = version_dir / f".{ERRORS}.tmp"
    temp.unlink(missing_ok=True)  # never append to a leftover of a crashed finish
    with RecordWriter(temp) as errors:
        for record in read_records(version_dir / RECORDS):
            tally.read += 1
            error = record.get("error")
            if error:
                tally.failed += 1
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
    tally.evaluation = aggregator.result()
    tally.checks = checks.result()
    return tally


def write_finished(version_dir: Path, metrics: dict[str, Any], manifest: dict[str, Any]) -> None:
    """metrics.json, then manifest.json: the manifest, written last, marks the version finished."""
    write_json_atomic(version_dir / METRICS, metrics)
    write_json_atomic(version_dir / MANIFEST, manifest)


def publish(version_dir: Path, export: Any) -> None:
    """Derived views of a finished run; regenerate them with `python -m summarize.export`."""
    if export.get("report", True):
        try:
            from summarize.publish.report import write_report

            write_report(version_dir)
        except Exception as exc:  # the run is complete without its report: say so, go on
            log.warning("report.html could not be written (%s); the run itself is complete", exc)
    if export.get("hf"):
        from summarize.publish.export import export_run

        export_run(
            version_dir, license=export.get("license"), push_to_hub=export.get("push_to_hub")
        )
