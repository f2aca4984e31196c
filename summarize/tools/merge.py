"""Combine shard runs into one version: ``python -m summarize.tools.merge job=NAME output.root=DIR``.

Takes the latest finished version of every ``<job>-shard<i>of<n>`` folder (all n must be there and
finished, and all must have read the same input with the same config and models: a shard that
differs is named and nothing is merged), writes their records into a new version of ``<job>``,
then finishes it exactly as a single run is finished (errors, metrics, report, export, manifest),
so readers cannot tell a merged run from a direct one.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from omegaconf import MISSING

from summarize.cli import parse_options
from summarize.run.claim import differences, summary, write_claim
from summarize.run.finish import finish_version
from summarize.run.lock import JobLock
from summarize.run.versions import claim_version, finished_versions, safe_name
from summarize.store.atomic import RecordWriter
from summarize.store.layout import MANIFEST, RECORDS
from summarize.store.reader import read_records
from summarize.store.verify import read_manifest, records_identity, verify_finished

USAGE = "usage: python -m summarize.tools.merge job=NAME output.root=DIR"
_SHARD = re.compile(r"^(?P<job>.+)-shard(?P<index>\d+)of(?P<count>\d+)$")


def shard_runs(root: Path, job: str) -> list[Path]:
    found: dict[int, Path] = {}
    counts = set()
    for folder in sorted(root.iterdir()):
        match = _SHARD.match(folder.name)
        if not match or match["job"] != job:
            continue
        counts.add(int(match["count"]))
        finished = finished_versions(folder)
        if not finished:
            raise ValueError(f"{folder} has no finished version yet")
        found[int(match["index"])] = finished[-1]
    if not found:
        raise ValueError(f"no shard runs of job {job!r} under {root}")
    if len(counts) != 1:
        raise ValueError(f"shards of {job!r} disagree on shard.count: {sorted(counts)}")
    (count,) = counts
    missing = sorted(set(range(count)) - set(found))
    if missing:
        raise ValueError(f"shards {missing} of {count} are missing for job {job!r}")
    return [found[i] for i in range(count)]


def check_same_run(shards: list[Path], manifests: list[dict[str, Any]]) -> None:
    """Every shard must have read the same input with the same config and models as shard 0."""
    for shard, manifest in zip(shards[1:], manifests[1:], strict=True):
        found = differences(manifests[0], manifest, ignore=("shard.index",))
        if found:
            raise ValueError(
                f"shard {shard.parent.name}/{shard.name} is not the same run as "
                f"{shards[0].parent.name}/{shards[0].name}: {summary(found)}; rerun it with "
                "the same input and config, then merge"
            )


def verified_manifest(shard: Path) -> dict[str, Any]:
    """The shard's manifest, once its files are proven to be what it says (``Damaged``)."""
    way_out = (
        f"shard {shard.parent.name}/{shard.name} cannot be merged: run that shard again (or "
        "restore it from a copy), then merge"
    )
    manifest = read_manifest(shard) or {}
    verify_finished(shard, manifest, way_out)
    return manifest


def merge(root: Path, job: str) -> Path:
    """A new version of ``job`` with the records of every shard, finished like a run. Nothing is
    claimed before every shard is verified; a merge that fails removes the version it started,
    so no partial version is ever left for ``run.finish`` to publish."""
    shards = shard_runs(root, job)
    manifests = [verified_manifest(shard) for shard in shards]
    check_same_run(shards, manifests)
    job_dir = root / safe_name(job, "job")
    with JobLock(job_dir, stale_after_s=3600):
        version_dir = claim_version(job_dir)
        try:
            _write_merged(version_dir, shards, manifests)
        except BaseException:
            if not (version_dir / MANIFEST).is_file():
                shutil.rmtree(version_dir, ignore_errors=True)
            raise
    return version_dir


def _write_merged(version_dir: Path, shards: list[Path], manifests: list[dict[str, Any]]) -> None:
    config = {**manifests[0]["config"], "shard": {"index": 0, "count": 1}}
    claim: dict[str, Any] = {
        "format": "summarize.claim/1",
        "claimed_at": datetime.now(UTC).isoformat(),
        "config": config,
        "config_sha256": manifests[0].get("config_sha256"),
        "models": manifests[0].get("models"),
        "runtime": manifests[0].get("runtime"),
        "inputs": manifests[0].get("inputs") or {},
        "merged_from": [
            {"run": str(s), "git_commit": m.get("git_commit"), "inputs": m.get("inputs")}
            for s, m in zip(shards, manifests, strict=True)
        ],
    }
    write_claim(version_dir, claim)
    with RecordWriter(version_dir / RECORDS) as writer:
        for shard in shards:
            batch: list[dict[str, Any]] = []
            for record in read_records(shard / RECORDS):
                batch.append(record)
                if len(batch) == 256:
                    writer.write_many(batch)
                    batch = []
            writer.write_many(batch)
    claim["read_complete"] = True  # only now: every shard's records are in
    claim["records"] = records_identity(version_dir / RECORDS)
    write_claim(version_dir, claim)
    finish_version(
        version_dir,
        claim,
        export=config.get("export") or {},
        max_failure_ratio=float("inf"),  # each shard was judged on its own; merge them all
        metrics_extra={"merged_from": [str(s) for s in shards]},
    )


@dataclass
class MergeOutput:
    root: str = MISSING


@dataclass
class MergeArgs:
    job: str = MISSING
    output: MergeOutput = field(default_factory=MergeOutput)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or "--help" in args or "-h" in args:
        print(USAGE)
        return 0 if args else 2
    try:
        options = parse_options(args, MergeArgs)
        print(merge(Path(options.output.root).expanduser().resolve(), options.job))
    except (ValueError, OSError) as exc:  # usage, a shard that differs or is damaged, the disk
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
