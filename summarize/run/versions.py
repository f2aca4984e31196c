"""Versions of a job: <root>/<job>/v0001, v0002, ... claimed atomically, never reused.

A version folder is claimed with an atomic mkdir, so two jobs never get the same version; versions
only grow. ``latest`` is a symlink replaced atomically, only after the version's manifest.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from omegaconf import DictConfig

from summarize.store.atomic import fsync_dir
from summarize.store.layout import LATEST, MANIFEST

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_VERSION = re.compile(r"^v(\d+)$")


def safe_name(name: str, what: str) -> str:
    """Names used as path parts must stay inside output.root: no separators, '..', NUL or absolutes."""
    if not _SAFE_NAME.match(name) or ".." in name:
        raise ValueError(
            f"{what}={name!r} is not a safe folder name: use letters, digits, '.', '_' and '-'"
        )
    return name


def versions(job_dir: Path) -> list[int]:
    if not job_dir.is_dir():
        return []
    return sorted(
        int(m.group(1)) for p in job_dir.iterdir() if p.is_dir() and (m := _VERSION.match(p.name))
    )


def version_name(number: int) -> str:
    return f"v{number:04d}"


def claim_version(job_dir: Path) -> Path:
    """The next version folder, created atomically (mkdir fails if another run took it)."""
    job_dir.mkdir(parents=True, exist_ok=True)
    number = (versions(job_dir) or [0])[-1] + 1
    while True:
        candidate = job_dir / version_name(number)
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            number += 1


def point_latest(job_dir: Path, version_dir: Path) -> None:
    temp = job_dir / f".{LATEST}.{os.getpid()}.tmp"
    temp.unlink(missing_ok=True)
    temp.symlink_to(version_dir.name, target_is_directory=True)
    os.replace(temp, job_dir / LATEST)
    fsync_dir(job_dir)


def language_job(job: str, langs: list[str]) -> str:
    """A multirun over languages gives each language its own job (``summarize-fa``,
    ``summarize-fr``) and so its own ``latest``: in one job, ``latest`` would be whichever
    language finished last, and a reader of ``latest`` would silently lose the others."""
    return "-".join([job, *sorted(langs)]) if langs else job


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
