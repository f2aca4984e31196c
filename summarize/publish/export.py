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

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datasets import Dataset, DatasetDict, Features, List, Value, load_from_disk
from datasets.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars
from huggingface_hub import DatasetCard
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from summarize.publish.card import build_card
from summarize.publish.report import FinishedRun, read_finished_run, scan_records
from summarize.run.faults import fault_point
from summarize.run.layout import read_records
from summarize.run.writer import write_json_atomic

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

_MODEL = {
    name: Value("string") for name in ("name_or_path", "revision", "weights_sha256", "family")
}
_ERROR = {name: Value("string") for name in ("code", "message", "origin")}


class ExportError(ValueError):
    """The run cannot be exported as asked; the message says what to change."""


def _text_columns(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(targets with a summary translation, targets with an article translation)."""
    config = manifest.get("config", {})
    targets = list(config.get("langs") or {})
    summarising = config.get("task", "summarize") == "summarize"
    articles = not summarising or bool((config.get("translate") or {}).get("article"))
    return (targets if summarising else []), (targets if articles else [])


def record_features(manifest: dict[str, Any]) -> Features:
    summaries, articles = _text_columns(manifest)
    targets = list(dict.fromkeys([*summaries, *articles]))
    model: dict[str, Any] = {"summarizer": _MODEL}
    timings: dict[str, Any] = {"normalise_s": Value("float64"), "summarize_s": Value("float64")}
    if targets:  # Parquet cannot store a struct without fields
        model["translators"] = {code: _MODEL for code in targets}
        timings["translate_s"] = {code: Value("float64") for code in targets}
    return Features(
        {
            "id": Value("string"),
            "lang": Value("string"),
            "title": Value("string"),
            "summary": Value("string"),
            **{f"translation_{code}": Value("string") for code in summaries},
            **{f"article_translation_{code}": Value("string") for code in articles},
            # The weight-free checks (records.jsonl has the details: spans, evidence, reasons).
            "needs_review": Value("bool"),
            "summary_support": Value("float64"),
            "summary_flag": Value("bool"),
            **{f"translation_{code}_flags": List(Value("string")) for code in summaries},
            **{f"article_translation_{code}_flags": List(Value("string")) for code in articles},
            "reference": Value("string"),
            "source_sha256": Value("string"),
            "chunk_count": Value("int32"),
            "chunk_spans": List(List(Value("int64"), length=2)),
            "reduce_levels": Value("int32"),
            "error": _ERROR,
            "notes": List(Value("string")),
            "model": model,
            "timings": timings,
        }
    )


def _fit(value: Any, feature: Any) -> Any:
    """A nested dict cut to a struct feature's fields (missing ones null, unknown ones dropped)."""
    if not isinstance(feature, dict):
        return value
    if not isinstance(value, dict):
        return None
    return {name: _fit(value.get(name), sub) for name, sub in feature.items()}


def to_row(record: dict[str, Any], features: Features) -> dict[str, Any]:
    """One records.jsonl line as a dataset row (missing fields become nulls)."""
    translations = record.get("translations") or {}
    chunks = record.get("chunks") or {}
    row: dict[str, Any] = {
        "id": record.get("id"),
        "lang": record.get("lang"),
        "title": record.get("title"),
        "summary": record.get("summary"),
        "reference": record.get("reference"),
        "source_sha256": record.get("source_sha256"),
        "chunk_count": chunks.get("count", 0),
        "chunk_spans": chunks.get("spans") or [],
        "reduce_levels": record.get("reduce_levels"),
        "notes": record.get("notes") or [],
        **{name: _fit(record.get(name), features[name]) for name in ("error", "model", "timings")},
    }
    checks = record.get("checks") or {}
    summary_checks = checks.get("summary") or {}
    row["needs_review"] = checks.get("needs_review")
    row["summary_support"] = summary_checks.get("support")
    row["summary_flag"] = summary_checks.get("flag")
    translation_checks = checks.get("translations") or {}
    for name in features:
        for prefix, part in (("article_translation_", "article"), ("translation_", "summary")):
            if not name.startswith(prefix):
                continue
            code = name.removeprefix(prefix)
            if code.endswith("_flags"):
                code = code.removesuffix("_flags")
                found = ((translation_checks.get(code) or {}).get(part)) or {}
                row[name] = found.get("flags") or []
            else:
                row[name] = (translations.get(code) or {}).get(part)
            break
    return row


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
    run = read_finished_run(run_dir, manifest)
    target = run.path / EXPORT_DIR
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
        finally:
            if not quiet:
                enable_progress_bars()
    if push_to_hub:
        push(target, push_to_hub)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or any(a in ("-h", "--help", "help") for a in args):
        print(USAGE)
        return 0 if args else 2
    try:
        options = OmegaConf.from_dotlist(args)
        unknown = set(options) - {"run", "license", "push_to_hub"}
        if unknown or not options.get("run"):
            raise ExportError(f"unknown {sorted(unknown)}" if unknown else "run=DIR is required")
        path = export_run(
            Path(str(options.run)),
            license=None if options.get("license") is None else str(options.license),
            push_to_hub=None if options.get("push_to_hub") is None else str(options.push_to_hub),
        )
    except (OmegaConfBaseException, ValueError, OSError) as exc:
        print(f"error: {exc} (see --help)", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
