"""The dataset card (README.md) of an exported run: Hub YAML front matter plus a readable body.

The licence of machine output is the hard part, so it is explicit: the ``license`` argument, else
``config.export.license``, else the most restrictive licence among the models the run used
(``summarizer.license`` and each target's translator licence), else ``other`` when any of them is
unknown (custom or local models) or no model was used (extractive summaries are article text, whose
licence this tool cannot know). The card says which rule chose it.

Everything that may come from an article or an input file (ids, error messages, paths) goes
through ``md``: markdown control characters are backslash-escaped and then ``html.escape`` turns
``<script>`` into inert text, so the rendered card can carry no HTML from the input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from datasets import Features
from huggingface_hub import DatasetCard, DatasetCardData

from summarize.publish.report import FinishedRun, RecordScan, model_licences
from summarize.publish.tables import find_key, fmt, metric_tables

# Least to most restrictive; anything else is treated as unknown ("other").
LICENCE_ORDER = (
    "cc0-1.0",
    "mit",
    "bsd-2-clause",
    "bsd-3-clause",
    "apache-2.0",
    "cc-by-4.0",
    "cc-by-sa-4.0",
    "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0",
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~!#{}])")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")  # what the Hub accepts as `language`: ISO 639-1/3
_SKIP_METRICS = ("counts", "throughput", "stage_seconds", "incremental")
# The card's loading snippet; tests run it as written, from the run folder.
LOADING = """```python
from datasets import load_dataset, load_from_disk
import pandas as pd

ds = load_from_disk("hf")  # the saved DatasetDict: ds["{split}"]
ds = load_dataset("hf")  # the same rows from the Parquet files, as after a push to the Hub
df = pd.read_parquet("hf/data")  # one pandas DataFrame
```"""


def md(text: Any, limit: int = 200) -> str:
    """Untrusted text as inert inline markdown: one line, markdown escaped, then HTML escaped."""
    flat = " ".join(str(text).split())  # a newline would end a table row or start a block
    if len(flat) > limit:
        flat = flat[:limit] + "…"
    return html.escape(_MD_SPECIAL.sub(r"\\\1", flat), quote=False)


def md_table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = [md(h) for h in header]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def derive_license(manifest: Mapping[str, Any]) -> tuple[str, str]:
    """(licence, why) from the licences of the models the run used."""
    used = model_licences(manifest)
    if not used:
        return "other", "no model was used: outputs are article text, under the articles' licence"
    unknown = sorted(role for role, lic in used.items() if lic not in LICENCE_ORDER)
    if unknown:
        return "other", f"the licence of {', '.join(unknown)} is unknown to the config"
    found = {str(lic) for lic in used.values()}
    strictest = max(found, key=LICENCE_ORDER.index)
    if "cc-by-sa-4.0" in found and "-nc" in strictest:  # NC and SA both bind the output
        strictest = "cc-by-nc-sa-4.0"
    return strictest, f"the most restrictive of the models' licences ({', '.join(sorted(found))})"


def license_and_reason(manifest: Mapping[str, Any], license: str | None) -> tuple[str, str]:
    config = manifest.get("config", {})
    if license:
        return license, "given to the export (license=...)"
    configured = (config.get("export") or {}).get("license")
    if configured:
        return str(configured), "config.export.license"
    return derive_license(manifest)


def _size_category(n: int) -> str:
    """The Hub's size_categories bucket: n<1K, 1K<n<10K, ..., 100B<n<1T, n>1T."""
    names = ["1K", "10K", "100K", "1M", "10M", "100M", "1B", "10B", "100B", "1T"]
    for power, name in enumerate(names, start=3):
        if n < 10**power:
            return f"n<{name}" if power == 3 else f"{names[power - 4]}<n<{name}"
    return "n>1T"


def _feature_type(feature: Any) -> str:
    if isinstance(feature, dict):
        return "struct{" + ", ".join(feature) + "}"
    if hasattr(feature, "feature"):  # List
        length = getattr(feature, "length", -1)
        return f"list<{_feature_type(feature.feature)}>" + (f"[{length}]" if length != -1 else "")
    return str(getattr(feature, "dtype", feature))


def _model_rows(manifest: Mapping[str, Any], licences: Mapping[str, str | None]) -> list[list[str]]:
    models = manifest.get("models") or {}
    entries = [("summarizer", models.get("summarizer"))]
    entries += [(f"translator.{c}", m) for c, m in (models.get("translators") or {}).items()]
    return [
        [
            role,
            m.get("name_or_path"),
            m.get("revision") or "–",
            m.get("weights_sha256") or "–",
            licences.get(role) or "unknown",
        ]
        for role, m in entries
        if m
    ]


def _kv(mapping: Mapping[str, Any] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in (mapping or {}).items() if v is not None) or "–"


def _config_rows(manifest: Mapping[str, Any]) -> list[list[Any]]:
    config = manifest.get("config", {})
    summarizer, generation = config.get("summarizer") or {}, config.get("generation") or {}
    versions = manifest.get("versions") or {}
    return [
        ["task", config.get("task")],
        [
            "source",
            f"{(config.get('source') or {}).get('kind')}: {(manifest.get('inputs') or {}).get('path')}",
        ],
        [
            "summarizer",
            f"{summarizer.get('kind')}: {summarizer.get('name_or_path') or summarizer.get('method')}",
        ],
        ["targets", ", ".join(config.get("langs") or {}) or "–"],
        ["chunking", _kv(config.get("chunking"))],
        ["generation.summary", _kv(generation.get("summary"))],
        ["generation.translation", _kv(generation.get("translation"))],
        ["translate.article", (config.get("translate") or {}).get("article")],
        ["seed", (config.get("runtime") or {}).get("seed")],
        ["versions", _kv({k: versions.get(k) for k in ("torch", "transformers", "datasets")})],
    ]


def _limits(run: FinishedRun, scan: RecordScan, license: str, reason: str) -> list[str]:
    manifest, config = run.manifest, run.manifest.get("config", {})
    models = manifest.get("models") or {}
    described = [models.get("summarizer"), *(models.get("translators") or {}).values()]
    names = [str(m.get("name_or_path")) for m in described if m]
    notes = [
        f"Licence **{md(license)}**: {md(reason)}. The source articles' own licence is not known to this tool; check it before publishing."
    ]
    if any("tiny" in n.lower() for n in names):
        notes.append("Some models are tiny random-weight test models: their output is gibberish.")
    if any(n.startswith("/") for n in names):
        notes.append("Some models are local folders, identified only by their weights sha256.")
    if "-nc" in license:
        notes.append("Non-commercial licence: no commercial use of this dataset.")
    if config.get("summarizer", {}).get("kind") == "extractive":
        notes.append("Summaries are extractive: they are sentences copied from the articles.")
    if scan.failed:
        notes.append(
            f"{scan.failed} of {scan.read} records failed: their rows have `error` set and null texts."
        )
    if manifest.get("failure_ratio_exceeded"):
        notes.append("The run failed more records than its `run.max_failure_ratio` allows.")
    for key in ("wrong_language", "hit_max_new_tokens"):
        for path, value in find_key(run.metrics, key):
            if isinstance(value, dict) and value.get("count"):
                notes.append(
                    f"{md(path)}: {fmt(value.get('count'))} of {fmt(value.get('of'))} outputs."
                )
    return notes


def build_card(
    run: FinishedRun,
    features: Features,
    scan: RecordScan,
    license: str | None,
    split: str,
    rows_sha256: str,
) -> DatasetCard:
    """The card of an export whose parquet shards are ``data/<split>-*`` beside it.

    ``rows_sha256`` (of the Parquet shards) goes into the ``configs`` entry. datasets keys its
    cache of a local folder by the folder's name (``hf`` for every run), the config name and a
    hash of the card's ``configs``, whose ``data_files`` are patterns, not files: without
    something that differs per export, ``load_dataset("<run>/hf")`` of a second run returns the
    rows cached from the first. A builder parameter is part of that hash, so the digest in its
    ``description`` gives every export its own cache entry (and the same rows the same one)."""
    manifest, config = run.manifest, run.manifest.get("config", {})
    license, reason = license_and_reason(manifest, license)
    targets = list(config.get("langs") or {})
    languages = sorted({code for code in [*scan.sources, *targets] if _LANGUAGE.match(code)})
    job, version = manifest.get("job", "run"), manifest.get("version", "")
    tasks = ["summarization"] if config.get("task", "summarize") == "summarize" else []
    data = DatasetCardData(
        language=languages,
        license=license,
        task_categories=tasks + (["translation"] if targets else []),
        size_categories=[_size_category(scan.read)],
        pretty_name=f"summarize {job} {version}",
        tags=["machine-generated", "summarize"],
        configs=[
            {
                "config_name": "default",
                "data_files": [{"split": split, "path": f"data/{split}-*"}],
                "description": f"summarize {job}/{version}, Parquet sha256 {rows_sha256}",
            }
        ],
    )
    counts = run.metrics.get("counts") or manifest.get("counts", {})
    body = [
        f"# summarize run {md(job)}/{md(version)}",
        f"Machine-generated summaries{' and translations into ' + ', '.join(md(t) for t in targets) if targets else ''} "
        f"of {scan.read} input records, written by `summarize` (finished {md(manifest.get('finished_at', '?'))}, "
        f"commit {md(manifest.get('git_commit') or 'unknown')}). One split, `{split}`, one row per input record.",
        "## Loading",
        "From the run folder (the parent of this `hf/` folder), or with the path to `hf/`:",
        LOADING.format(split=split),
        "## Columns",
        md_table(["column", "type"], [[name, _feature_type(f)] for name, f in features.items()]),
        "## Models",
        md_table(["role", "model", "revision", "weights sha256", "licence"], model_rows)
        if (model_rows := _model_rows(manifest, model_licences(manifest)))
        else "No model was loaded: extractive summaries, and no record needed a translator.",
        "## Configuration",
        md_table(["key", "value"], _config_rows(manifest)),
        "## Counts",
        md_table(
            ["read", "ok", "failed", "errors by code"],
            [
                [
                    counts.get("read"),
                    counts.get("ok"),
                    counts.get("failed"),
                    _kv(counts.get("errors_by_code")),
                ]
            ],
        ),
    ]
    if scan.first_errors:
        body += [
            "First errors:",
            md_table(
                ["code", "id", "message"],
                [[e.get("code"), e.get("id"), e.get("message")] for e in scan.first_errors],
            ),
        ]
    tables = metric_tables(run.metrics, skip=_SKIP_METRICS)
    if tables:
        body.append("## Metrics")
        nested: list[str] = []
        for table in tables:
            text = f"**{md(table.title)}**\n\n" + md_table(
                ["", *table.columns], [[n, *cells] for n, cells in table.rows]
            )
            (nested if " / " in table.title else body).append(text)
        if nested:
            body.append(
                "<details><summary>Per-language detail</summary>\n\n"
                + "\n\n".join(nested)
                + "\n\n</details>"
            )
    body += [
        "## Known limits",
        "\n".join(f"- {note}" for note in _limits(run, scan, license, reason)),
    ]
    return DatasetCard(f"---\n{data.to_yaml()}\n---\n\n" + "\n\n".join(body) + "\n")
