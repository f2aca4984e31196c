"""Export a finished run as a Hugging Face dataset: ``python -m summarize.publish.export run=DIR``.

The export lands in ``<run>/hf/``, the one folder users are pointed at: ``load_from_disk`` and
``load_dataset`` both take it as it is, and it is laid out like the Hub repo that ``push_to_hub``
creates, so the card's ``configs`` point at the right files both here and on the Hub::

    <run>/hf/dataset_dict.json, train/              save_to_disk (datasets.load_from_disk(<run>/hf))
    <run>/hf/README.md                              dataset card; its ``configs`` send
    <run>/hf/data/train-00000-of-00001.parquet      datasets.load_dataset(<run>/hf) to the Parquet
    <run>/hf/export.json                            what was exported, from which run, when

A saved DatasetDict rather than a Dataset at the root: ``load_dataset`` refuses a folder with a
top-level ``state.json`` (a saved Dataset), and both loaders then return the same ``{"train": ...}``.

Shape. One split, ``train``: a run is one batch of inputs, not a train/test partition. Target
languages are columns (``translation_fa``, ``translation_fr``, plus ``article_translation_<code>``
when articles were translated), not one split per language: every split would repeat the
source columns, and a user who joins on ``id`` or compares languages wants one row per article.
A failed record is a row too (``error`` set, its texts null), so row counts match the manifest.
Columns are the user-facing part of a record; the pipeline's bookkeeping (``input_key``,
``keys``, ``reused``) and per-record ``evaluation`` stay in records.jsonl.

Safety. records.jsonl is streamed through ``Dataset.from_generator`` with explicit Features, so
memory does not grow with the run; its Arrow cache lives in the temp build folder (never the
user's HF cache, so no stale cache hit). Everything is built in ``<run>/.hf-*.tmp`` and renamed
to ``<run>/hf`` in one ``rename(2)``: a reader sees no export or a whole one, and a second export
finds ``hf/export.json`` and does nothing (a push is still done when asked for).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datasets import Dataset, DatasetDict, Features, load_from_disk
from datasets.exceptions import DatasetGenerationError
from datasets.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars
from huggingface_hub import DatasetCard
from omegaconf import MISSING

from summarize.cli import parse_options
from summarize.publish.card import build_card
from summarize.publish.columns import record_features, to_row
from summarize.publish.report import FinishedRun, read_finished_run, scan_records
from summarize.store.atomic import write_json_atomic
from summarize.store.faults import fault_point
from summarize.store.reader import read_records

log = logging.getLogger("summarize")
EXPORT_DIR, MARKER, SPLIT = "hf", "export.json", "train"
MAX_SHARD_BYTES = 500 * 1024 * 1024  # datasets' own default for push_to_hub shards
USAGE = """\
usage: python -m summarize.publish.export run=OUTPUTS/JOB/VERSION [license=ID] [push_to_hub=ORG/NAME]

Exports a finished run to <run>/hf/: datasets.load_from_disk and load_dataset both read it
(save_to_disk copy, Parquet shards, dataset card).
  run=DIR             the version folder (or <root>/<job>/latest); required
  license=ID          dataset licence for the card (default: config.export.license, else the
                      most restrictive licence of the models used, else "other")
  push_to_hub=REPO    also push the dataset and its card to this Hub repo (needs network)
Exit status: 0 exported (or already exported), 2 bad arguments or an unfinished run."""


class ExportError(ValueError):
    """The run cannot be exported as asked; the message says what to change."""


def _rows(path: str, features: Features) -> Iterator[dict[str, Any]]:
    for record in read_records(Path(path)):
        yield to_row(record, features)


def _write_parquet(dataset: Dataset, folder: Path) -> list[Path]:
    folder.mkdir()
    count = int(dataset.data.nbytes / MAX_SHARD_BYTES) + 1
    shards = [folder / f"{SPLIT}-{i:05d}-of-{count:05d}.parquet" for i in range(count)]
    for index, path in enumerate(shards):
        dataset.shard(num_shards=count, index=index, contiguous=True).to_parquet(str(path))
    return shards


def _sha256(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _build(run: FinishedRun, target: Path, license: str | None) -> None:
    temp = Path(tempfile.mkdtemp(prefix=f".{EXPORT_DIR}-", suffix=".tmp", dir=run.path))
    try:
        mask = os.umask(0)
        os.umask(mask)
        temp.chmod(0o777 & ~mask)  # mkdtemp makes 0700; a run is meant to be read by others
        features = record_features(run.manifest)
        rows = Dataset.from_generator(
            _rows,
            features=features,
            cache_dir=str(temp / ".cache"),
            gen_kwargs={"path": str(run.records), "features": features},
        )
        expected = run.manifest.get("counts", {}).get("read")
        if expected is not None and len(rows) != expected:
            raise ExportError(
                f"{run.records} has {len(rows)} records but manifest.json counts {expected} read: "
                "the run was changed after it finished; rerun the job"
            )
        DatasetDict({SPLIT: rows}).save_to_disk(str(temp))  # beside the .cache, removed below
        fault_point("export")
        shards = _write_parquet(rows, temp / "data")
        card = build_card(run, features, scan_records(run.records), license, SPLIT, _sha256(shards))
        card.save(temp / "README.md")
        write_json_atomic(
            temp / MARKER,
            {
                "format": "summarize.publish.export/3",  # /2 had one datasets cache key for every run
                "run": f"{run.manifest.get('job')}/{run.manifest.get('version')}",
                "exported_at": datetime.now(UTC).isoformat(),
                "license": card.data.to_dict()["license"],
                "rows": {SPLIT: len(rows)},
                "parquet": [p.relative_to(temp).as_posix() for p in shards],
                "features": features.to_dict(),
            },
        )
        del rows  # its memory map points into the cache removed next
        shutil.rmtree(temp / ".cache")
        try:
            temp.rename(target)
        except OSError:
            if not (target / MARKER).is_file():
                raise
            log.info("%s was exported by another process meanwhile; keeping that one", run.path)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def push(export_dir: Path, repo_id: str) -> None:
    """The library's own uploads: parquet shards under data/, then our card as README.md."""
    dataset = load_from_disk(str(export_dir))
    assert isinstance(dataset, DatasetDict)
    dataset.push_to_hub(repo_id)
    card = DatasetCard.load(export_dir / "README.md")
    # push_to_hub wrote a README with dataset_info (features, sizes): keep it in our card.
    info = DatasetCard.load(repo_id, repo_type="dataset").data.get("dataset_info")
    if info:
        card.data["dataset_info"] = info
    card.push_to_hub(repo_id, repo_type="dataset")


def export_run(
    run_dir: Path,
    *,
    license: str | None = None,
    push_to_hub: str | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """Export a finished run to ``<run>/hf`` (a no-op when already done); return that folder.
    ``manifest``: a run being finished (its manifest.json is written after the export)."""
    run = read_finished_run(run_dir, manifest)  # verified against its manifest
    target = run.path / EXPORT_DIR
    with _exporting(run.path):
        _export_once(run, target, license)
    if push_to_hub:
        push(target, push_to_hub)
    return target


@contextmanager
def _exporting(version: Path) -> Iterator[None]:
    """One export of a version at a time (flock on its folder, released by the kernel however
    the process ends); holding it, any ``.hf-*.tmp`` is what a killed export left: removed."""
    fd = os.open(version, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise ExportError(
                    f"{version} is being exported by another process; wait for it to end"
                ) from exc
            log.debug("no flock on %s (%s): leftovers of killed exports are kept", version, exc)
        else:
            for leftover in version.glob(f".{EXPORT_DIR}-*.tmp"):
                shutil.rmtree(leftover, ignore_errors=True)
                log.info("removed %s, left by an export that was killed", leftover)
        yield
    finally:
        os.close(fd)  # releases the lock


def _export_once(run: FinishedRun, target: Path, license: str | None) -> None:
    marker = target / MARKER
    if target.exists() and not marker.is_file():
        raise ExportError(f"{target} exists but has no {MARKER}: it is not an export; move it away")
    if marker.is_file():
        done = json.loads(marker.read_text(encoding="utf-8"))
        if license is not None and done.get("license") != license:
            raise ExportError(
                f"{target} was exported with license={done.get('license')!r}, not {license!r}; "
                f"delete {target} to export again with another licence"
            )
        log.info("%s is already exported", run.path)
    else:
        quiet = are_progress_bars_disabled()
        disable_progress_bars()  # stderr carries the job's log, not datasets' bars
        try:
            _build(run, target, license)
        except DatasetGenerationError as exc:  # a record that went bad while being read
            raise ExportError(f"{exc.__cause__ or exc}") from exc
        finally:
            if not quiet:
                enable_progress_bars()


@dataclass
class ExportArgs:
    run: str = MISSING
    license: str | None = None
    push_to_hub: str | None = None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or any(a in ("-h", "--help", "help") for a in args):
        print(USAGE)
        return 0 if args else 2
    try:
        options = parse_options(args, ExportArgs)
        path = export_run(
            Path(options.run), license=options.license, push_to_hub=options.push_to_hub
        )
    except (ValueError, OSError) as exc:  # usage, an unfinished or damaged run, the disk
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
