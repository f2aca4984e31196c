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
import random
from array import array
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.publish.review import ReviewQueue
from summarize.publish.tables import fmt, metric_tables
from summarize.store.atomic import write_text_atomic
from summarize.store.layout import METRICS, RECORDS
from summarize.store.reader import read_records
from summarize.store.verify import RunNotFinished as RunNotFinished  # raised by read_finished_run
from summarize.store.verify import open_finished
from summarize.text.languages import language

REPORT = "report.html"
FIRST_ERRORS = 10
SAMPLES = 12
HISTOGRAM_VALUES = 100_000  # per histogram; a uniform sample beyond that
_SAMPLE_CHARS = 1200  # longer texts are cut in the sample table (the dataset has them whole)


@dataclass(frozen=True)
class FinishedRun:
    path: Path
    manifest: dict[str, Any]
    metrics: dict[str, Any]

    @property
    def records(self) -> Path:
        return self.path / RECORDS

    @property
    def langs(self) -> dict[str, Any]:
        return self.manifest.get("config", {}).get("langs") or {}


def read_finished_run(run_dir: Path, manifest: dict[str, Any] | None = None) -> FinishedRun:
    """A finished run, verified against its manifest (``store.verify``). ``manifest``: the
    manifest of a run being finished, whose derived views are written before manifest.json
    itself (the marker of a finished run comes after everything it promises); its records were
    proven whole by the tally that precedes them."""
    if manifest is None:
        found = open_finished(run_dir)
        return FinishedRun(found.path, found.manifest, found.metrics)
    path = Path(run_dir).expanduser().resolve()
    metrics_path = path / METRICS
    metrics = json.loads(metrics_path.read_text("utf-8")) if metrics_path.is_file() else {}
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


def direction(code: str | None, langs: Mapping[str, Any]) -> str:
    """The config's direction for a target language; the language registry's (conf/lang, then
    Babel's locale data) for source-only languages; "auto" where neither knows it is right-to-left."""
    configured = (langs.get(code) or {}).get("direction") if code else None
    if configured:
        return str(configured)
    return "rtl" if code and language(code).direction == "rtl" else "auto"


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
    review: ReviewQueue = field(default_factory=ReviewQueue)

    def add(self, record: Mapping[str, Any]) -> None:
        self.read += 1
        self.review.add(record)
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
    for record in read_records(path):
        scan.add(record)
    return scan


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
        loader=PackageLoader("summarize.publish", "templates"),
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
        review=scan.review.items(),
        targets=list(run.langs),
        langs=run.langs,
        direction=lambda code: direction(code, run.langs),
        licences=model_licences(run.manifest),
        images=[image for image in images if image],
    )


def write_report(run_dir: Path, manifest: dict[str, Any] | None = None) -> Path:
    """Write <run>/report.html (atomically) and return its path."""
    run = read_finished_run(run_dir, manifest)
    target = run.path / REPORT
    write_text_atomic(target, render_report(run, scan_records(run.records)))
    return target
