"""report.html: one self-contained page per finished run, for a person to read.

Self-contained means a single file that can be mailed or archived: the histograms are PNG data
URIs and the page loads nothing (its Content-Security-Policy forbids every fetch and every script,
so even an escaping bug could not run an article's ``<script>``). Article-derived text goes through
the template's autoescaping, which is ``html.escape`` semantics (& < > " ').

records.jsonl is streamed once (``scan_records``); only counters, the first errors, a small
sample and, per histogram, at most ``HISTOGRAM_VALUES`` numbers (a uniform sample) are kept. metrics.json is rendered
generically (``metric_tables``) because evaluation adds keys (rouge, bleu, baseline, ...) that
this module should not need to know about.
"""

from __future__ import annotations

import base64
import io
import json
import os
import random
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPORT = "report.html"
FIRST_ERRORS = 10
SAMPLES = 12
HISTOGRAM_VALUES = 100_000  # per histogram; a uniform sample beyond that
_SAMPLE_CHARS = 1200  # longer texts are cut in the sample table (the dataset has them whole)
_RTL = frozenset({"ar", "arz", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})
# A dict is one table cell (not a row) when it is an estimate with an interval, e.g.
# {"mean": 0.4, "ci_low": 0.3, "ci_high": 0.5} or {"score": 41.2, "ci95": [40.1, 42.3]}.
_CENTRES = ("mean", "score", "value", "median", "estimate")
_INTERVAL_EXTRAS = frozenset({"n", "std", "stderr", "level", "bootstrap", "seed"})
_TITLES = {
    "summary": "Summaries, per source language",
    "translation": "Translations, per target language",
    "baseline": "Lead-k baseline",
    "reference_free": "Reference-free statistics",
}


class RunNotFinished(ValueError):
    """The folder is not a finished run (no manifest.json, or not marked complete)."""


@dataclass(frozen=True)
class FinishedRun:
    path: Path
    manifest: dict[str, Any]
    metrics: dict[str, Any]

    @property
    def records(self) -> Path:
        return self.path / "records.jsonl"

    @property
    def langs(self) -> dict[str, Any]:
        return self.manifest.get("config", {}).get("langs") or {}


def read_finished_run(run_dir: Path) -> FinishedRun:
    path = Path(run_dir).expanduser().resolve()  # `latest` is a symlink: work on the version
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise RunNotFinished(
            f"{path} has no manifest.json: the run is unfinished or crashed (the manifest is "
            "written last); export or report a finished version, e.g. <root>/<job>/latest"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("status") != "complete" or not (path / "records.jsonl").is_file():
        raise RunNotFinished(f"{path}: manifest status is not 'complete' or records.jsonl is gone")
    metrics_path = path / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    return FinishedRun(path, manifest, metrics)


def model_licences(manifest: Mapping[str, Any]) -> dict[str, str | None]:
    """Role ("summarizer", "translator.fa", ...) -> licence of each model the run loaded (from
    manifest.models), as its config names it; None when the config does not say (custom models)."""
    config, models = manifest.get("config", {}), manifest.get("models") or {}
    used: dict[str, str | None] = {}
    if models.get("summarizer"):  # null for extractive summaries
        used["summarizer"] = (config.get("summarizer") or {}).get("license")
    shared = config.get("translator")  # translator=... overrides every language's own preset
    for code, described in (models.get("translators") or {}).items():
        if described:  # null when no record needed it (e.g. fa articles into fa)
            chosen = shared or ((config.get("langs") or {}).get(code) or {}).get("translator")
            used[f"translator.{code}"] = (chosen or {}).get("license")
    return used


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc


def direction(code: str | None, langs: Mapping[str, Any]) -> str:
    """The config's direction for a target language; a known list for source-only languages."""
    configured = (langs.get(code) or {}).get("direction") if code else None
    if configured:
        return str(configured)
    return "rtl" if code in _RTL else "auto"


def _cut(text: str | None) -> str | None:
    if text is None or len(text) <= _SAMPLE_CHARS:
        return text
    return text[:_SAMPLE_CHARS] + " …"


class Reservoir:
    """At most ``size`` values, a uniform sample of all seen (Algorithm R, seeded): histograms of
    a run of any length in bounded memory."""

    def __init__(self, size: int = HISTOGRAM_VALUES, seed: int = 0) -> None:
        self.values: array[float] = array("d")
        self.seen = 0
        self._size = size
        self._random = random.Random(seed)

    def add(self, value: float) -> None:
        self.seen += 1
        if len(self.values) < self._size:
            self.values.append(value)
        elif (slot := self._random.randrange(self.seen)) < self._size:
            self.values[slot] = value


@dataclass
class LangTally:
    records: int = 0
    ok: int = 0
    failed: int = 0
    inputs: int = 0  # records with chunk spans (their input length is known)
    input_chars: int = 0
    output_chars: int = 0
    outputs: int = 0  # non-null outputs
    nulls: int = 0


@dataclass
class RecordScan:
    """What one pass over records.jsonl keeps: counters, histogram inputs, first errors, samples."""

    read: int = 0
    failed: int = 0
    first_errors: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, LangTally] = field(default_factory=lambda: defaultdict(LangTally))
    targets: dict[str, LangTally] = field(default_factory=lambda: defaultdict(LangTally))
    input_chars: Reservoir = field(default_factory=Reservoir)
    summary_chars: Reservoir = field(default_factory=Reservoir)
    compression: Reservoir = field(default_factory=Reservoir)

    def add(self, record: Mapping[str, Any]) -> None:
        self.read += 1
        error = record.get("error")
        lang = str(record.get("lang") or "?")
        tally = self.sources[lang]
        tally.records += 1
        spans = (record.get("chunks") or {}).get("spans") or []
        # Chunk spans tile the normalised text, so the last end is its length in characters.
        input_chars = spans[-1][1] if spans else None
        summary = record.get("summary")
        if error:
            self.failed += 1
            tally.failed += 1
            if len(self.first_errors) < FIRST_ERRORS:
                self.first_errors.append({"id": record.get("id"), **error})
        else:
            tally.ok += 1
        if input_chars is not None:
            tally.inputs += 1
            tally.input_chars += input_chars
            self.input_chars.add(input_chars)
        if summary is not None:
            tally.outputs += 1
            tally.output_chars += len(summary)
            self.summary_chars.add(len(summary))
            if input_chars and summary:
                self.compression.add(input_chars / len(summary))
        for code, entry in (record.get("translations") or {}).items():
            for text in (entry or {}).values():
                target = self.targets[code]
                target.records += 1
                target.nulls += text is None
                target.outputs += text is not None
                target.output_chars += len(text or "")
        if len(self.samples) < SAMPLES:
            self.samples.append(self._sample(record, input_chars))

    @staticmethod
    def _sample(record: Mapping[str, Any], input_chars: int | None) -> dict[str, Any]:
        chunks = record.get("chunks") or {}
        return {
            "id": record.get("id"),
            "title": record.get("title"),
            "lang": record.get("lang"),
            "chunks": chunks.get("count", 0),
            "reduce_levels": record.get("reduce_levels"),
            "input_chars": input_chars,
            "summary": _cut(record.get("summary")),
            "translations": {
                code: {k: _cut(v) for k, v in (entry or {}).items()}
                for code, entry in (record.get("translations") or {}).items()
            },
            "error": record.get("error"),
        }


def scan_records(path: Path) -> RecordScan:
    scan = RecordScan()
    for record in iter_records(path):
        scan.add(record)
    return scan


# --- metrics.json, rendered whatever keys it has -------------------------------------------


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]


def _is_interval(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    centre = [k for k in _CENTRES if k in value]
    bounds = ("ci_low" in value and "ci_high" in value) or ("low" in value and "high" in value)
    listed = [k for k in ("ci95", "ci") if isinstance(value.get(k), list | tuple)]
    extras = set(value) - {*centre, "ci_low", "ci_high", "low", "high", "ci95", "ci"}
    return len(centre) == 1 and (bounds or bool(listed)) and extras <= _INTERVAL_EXTRAS


def _is_cell(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return all(not isinstance(v, dict | list | tuple) for v in value)
    return not isinstance(value, dict) or _is_interval(value)


def fmt(value: Any) -> str:
    """One table cell as text (escaping is the caller's: HTML autoescape or markdown)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, list | tuple):
        shown = ", ".join(fmt(v) for v in value[:12])
        return f"[{shown}{', …' if len(value) > 12 else ''}]"
    if isinstance(value, dict):
        if _is_interval(value):
            centre = next(value[k] for k in _CENTRES if k in value)
            low, high = (
                (value["ci_low"], value["ci_high"])
                if "ci_low" in value
                else (value["low"], value["high"])
                if "low" in value
                else tuple(value.get("ci95") or value["ci"])
            )
            return f"{fmt(centre)} [{fmt(low)}, {fmt(high)}]"
        return json.dumps(value, ensure_ascii=False)[:200]
    return str(value)


def _title(path: tuple[str, ...]) -> str:
    head = path[0]
    name = _TITLES.get(head) or (
        f"Lead-k baseline ({head})" if head.startswith("baseline") else head
    )
    return name + "".join(f" / {p}" for p in path[1:])


def _split(node: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(cells, sub-tables) of a dict; empty dicts are dropped, odd values shown as cells."""
    subs = {k: v for k, v in node.items() if isinstance(v, dict) and v and not _is_cell(v)}
    cells = {k: v for k, v in node.items() if k not in subs and v != {}}
    return cells, subs


def _tables(node: Mapping[str, Any], path: tuple[str, ...]) -> list[Table]:
    """A node's own cells as a key/value table; its sub-dicts as ONE table (a row each, their
    cells as columns: languages x statistics); then each sub-dict's own sub-dicts, recursively."""
    cells, subs = _split(node)
    shown = {k: v for k, v in cells.items() if v is not None}  # a lone "–" row says nothing
    tables = (
        [Table(_title(path), ["value"], [(k, [fmt(v)]) for k, v in shown.items()])] if shown else []
    )
    rows = {name: _split(sub)[0] for name, sub in subs.items()}
    columns = list(dict.fromkeys(k for row in rows.values() for k in row))
    if columns:
        cells_of = [(name, [fmt(row.get(c)) for c in columns]) for name, row in rows.items()]
        tables.append(Table(_title(path), columns, cells_of))
    for name, sub in subs.items():
        own, children = _split(sub)
        if not own:  # nothing shown yet: its children become the rows of its own table
            tables.extend(_tables(sub, (*path, name)))
            continue
        for key, grandchild in children.items():
            tables.extend(_tables(grandchild, (*path, name, key)))
    return tables


def metric_tables(metrics: Mapping[str, Any], skip: tuple[str, ...] = ()) -> list[Table]:
    """Every nested numeric table of metrics.json: a dict of flat dicts is one table (rows x
    columns); deeper dicts recurse with a path title; scalars become a key/value table."""
    tables: list[Table] = []
    loose = {k: v for k, v in metrics.items() if k not in skip and _is_cell(v)}
    if loose:
        tables.append(Table("Other", ["value"], [(k, [fmt(v)]) for k, v in loose.items()]))
    for key, value in metrics.items():
        if key not in skip and isinstance(value, dict) and not _is_cell(value):
            tables.extend(_tables(value, (key,)))
    return tables


def find_key(node: Any, key: str) -> list[tuple[str, Any]]:
    """(path, value) of every ``key`` anywhere in a nested document (e.g. wrong_language)."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append((k, v))
            found.extend((f"{k}.{p}", x) for p, x in find_key(v, key))
    return found


# --- rendering ------------------------------------------------------------------------------


def _histogram(sample: Reservoir, title: str, xlabel: str) -> dict[str, str] | None:
    values = sample.values
    if not values:
        return None
    if sample.seen > len(values):
        title += f" (random {len(values):,} of {sample.seen:,})"
    from matplotlib.figure import Figure  # Figure without pyplot: Agg, no global state
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(4.2, 2.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.hist(values, bins=min(30, max(5, len(values) // 3)), color="#4878a8")
    axes.set(title=title, xlabel=xlabel, ylabel="records")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of records
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return {"alt": title, "b64": base64.b64encode(buffer.getvalue()).decode("ascii")}


def render_report(run: FinishedRun, scan: RecordScan) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("summarize", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    env.filters["fmt"] = fmt
    metrics = run.metrics
    stages = metrics.get("stage_seconds") or {}
    # Stages nest (process contains summarize and translate), so shares are of the wall time.
    total = (metrics.get("throughput") or {}).get("wall_seconds") or sum(stages.values()) or 1.0
    images = [
        _histogram(scan.input_chars, "Input length", "characters (normalised text)"),
        _histogram(scan.summary_chars, "Summary length", "characters"),
        _histogram(scan.compression, "Compression ratio", "input chars / summary chars"),
    ]
    return env.get_template("report.html").render(
        manifest=run.manifest,
        metrics=metrics,
        counts=metrics.get("counts") or run.manifest.get("counts", {}),
        stages=[(name, s, 100 * s / total) for name, s in stages.items()],
        tables=metric_tables(metrics, skip=("counts", "throughput", "stage_seconds")),
        scan=scan,
        targets=list(run.langs),
        langs=run.langs,
        direction=lambda code: direction(code, run.langs),
        licences=model_licences(run.manifest),
        images=[image for image in images if image],
    )


def write_text_atomic(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)  # mkstemp makes 0600; a run is meant to be read by others
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_report(run_dir: Path) -> Path:
    """Write <run>/report.html (atomically) and return its path."""
    run = read_finished_run(run_dir)
    target = run.path / REPORT
    write_text_atomic(target, render_report(run, scan_records(run.records)))
    return target
