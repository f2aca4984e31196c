"""manifest.json: everything needed to reproduce or audit a run; written last, it marks it finished."""

from __future__ import annotations

import platform
import socket
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from summarize.source import input_hashes, input_path

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
            "sha256": input_hashes(cfg.source),
        },
        "models": {
            "summarizer": summariser.loaded.describe() if summariser else None,
            "translators": {t: job.translators.describe(t) for t in cfg.langs},
        },
        "counts": {"read": counts["read"], "ok": counts["ok"], "failed": counts["failed"]},
        "files": {"records": "records.jsonl", "metrics": "metrics.json"},
    }
