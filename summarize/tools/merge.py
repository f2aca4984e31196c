"""Combine shard runs into one version: ``python -m summarize.tools.merge job=NAME output.root=DIR``.

Takes the latest finished version of every ``<job>-shard<i>of<n>`` folder (all n must be there and
finished), writes their records into a new version of ``<job>``, then errors, metrics and the
manifest exactly as a single run would, so readers cannot tell a merged run from a direct one.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from summarize.evaluate.record import evaluation_settings
from summarize.run.finish import publish, tally_version, write_finished
from summarize.run.layout import MANIFEST, RECORDS, read_records
from summarize.run.lock import JobLock
from summarize.run.versions import claim_version, finished_versions, point_latest, safe_name
from summarize.run.writer import RecordWriter

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


def merge(root: Path, job: str) -> Path:
    shards = shard_runs(root, job)
    job_dir = root / safe_name(job, "job")
    with JobLock(job_dir, stale_after_s=3600):
        version_dir = claim_version(job_dir)
        started = datetime.now(UTC)
        with RecordWriter(version_dir / RECORDS) as writer:
            for shard in shards:
                batch: list[dict[str, Any]] = []
                for record in read_records(shard / RECORDS):
                    batch.append(record)
                    if len(batch) == 256:
                        writer.write_many(batch)
                        batch = []
                writer.write_many(batch)
        manifests = [json.loads((shard / MANIFEST).read_text("utf-8")) for shard in shards]
        config = manifests[0]["config"]
        tally = tally_version(version_dir, evaluation_settings(config))
        counts = tally.counts
        metrics = {
            "counts": counts,
            "merged_from": [str(s) for s in shards],
            **tally.evaluation,
            "checks": tally.checks,
        }
        manifest = {
            **manifests[0],
            "job": job,
            "version": version_dir.name,
            "started_at": started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "counts": {k: counts[k] for k in ("read", "ok", "failed")},
            "merged_from": [
                {"run": str(s), "git_commit": m.get("git_commit"), "inputs": m.get("inputs")}
                for s, m in zip(shards, manifests, strict=True)
            ],
        }
        write_finished(version_dir, metrics, manifest)
        publish(version_dir, config.get("export") or {})
        point_latest(job_dir, version_dir)
    return version_dir


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or "--help" in args or "-h" in args:
        print(USAGE)
        return 0 if args else 2
    options = OmegaConf.from_dotlist(args)
    job, root = options.get("job"), OmegaConf.select(options, "output.root")
    if not job or not root:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        print(merge(Path(str(root)).expanduser().resolve(), str(job)))
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
