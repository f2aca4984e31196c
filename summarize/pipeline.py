"""The batch job: source -> normalise -> summarise (chunk, generate, reduce) -> translate -> write.

``run(cfg)`` loads every model it can before reading any article (a bad model id fails fast),
claims a new version folder, streams the input in windows of ``runtime.window_articles`` articles,
writes one record per input record, then metrics, then the manifest that marks the run finished.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig

from summarize.config import validate
from summarize.manifest import build_manifest
from summarize.metrics import RunMetrics
from summarize.models import ModelCache, pick_device, pick_dtype
from summarize.normalise import normalise_text
from summarize.progress import Progress
from summarize.records import Article, RecordError
from summarize.reduce import ArticleSummary, Summariser
from summarize.source import check_source, read_source
from summarize.stages import TranslatorSet, build_summariser
from summarize.write import RecordWriter, claim_version, point_latest, safe_name, write_json_atomic

log = logging.getLogger("summarize")


@dataclass(frozen=True)
class RunResult:
    path: Path
    read: int
    ok: int
    failed: int


@dataclass
class Prepared:
    article: Article
    text: str  # normalised
    sha256: str
    normalise_s: float


def windows(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    window: list[Any] = []
    for item in items:
        window.append(item)
        if len(window) == size:
            yield window
            window = []
    if window:
        yield window


def error_record(error: RecordError) -> dict[str, Any]:
    return {
        "id": error.id,
        "source_sha256": None,
        "lang": error.lang,
        "summary": None,
        "translations": {},
        "chunks": {"count": 0, "spans": []},
        "error": {"code": error.code, "message": error.message, "origin": error.origin},
    }


class Job:
    def __init__(self, cfg: DictConfig) -> None:
        self.cfg = cfg
        torch.manual_seed(cfg.runtime.seed)
        if cfg.runtime.threads:
            torch.set_num_threads(cfg.runtime.threads)
        device = pick_device(cfg.runtime.device)
        self.models = ModelCache(
            model_root=cfg.model_root,
            device=device,
            dtype=pick_dtype(cfg.runtime.dtype, device),
            allow_pickle=cfg.model.allow_pickle,
            trust_remote_code=cfg.model.trust_remote_code,
            hash_weights=cfg.model.hash_weights,
        )
        self.summariser: Summariser | None = (
            build_summariser(cfg, self.models) if cfg.task == "summarize" else None
        )
        self.translators = TranslatorSet(cfg, self.models)
        self.translators.preload(cfg.source.lang)  # the common pair fails here, before any reading
        self.metrics = RunMetrics()

    def prepare(self, article: Article) -> Prepared | RecordError:
        started = time.perf_counter()
        text = normalise_text(article.text, article.lang, html=self.cfg.source.html)
        if not text:
            return RecordError(
                "empty_text",
                "no text left after normalisation (HTML and whitespace removed)",
                id=article.id,
                origin=article.origin,
                lang=article.lang,
            )
        languages = self.cfg.summarizer.languages
        if self.summariser is not None and languages and article.lang not in languages:
            return RecordError(
                "unsupported_language",
                f"summarizer {self.cfg.summarizer.name_or_path} summarises {list(languages)}, not {article.lang!r}; "
                f"use summarizer=mt5-xlsum or summarizer=extractive",
                id=article.id,
                origin=article.origin,
                lang=article.lang,
            )
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Prepared(article, text, digest, time.perf_counter() - started)

    def _summarise(self, prepared: Sequence[Prepared]) -> list[ArticleSummary | Exception]:
        assert self.summariser is not None
        texts, langs = [p.text for p in prepared], [p.article.lang for p in prepared]
        try:
            return list(self.summariser.summarise(texts, langs))
        except Exception as exc:  # one bad article must not sink the window: retry one by one
            log.warning("summarising a window failed (%s); retrying article by article", exc)
            results: list[ArticleSummary | Exception] = []
            for text, lang in zip(texts, langs, strict=True):
                try:
                    results.extend(self.summariser.summarise([text], [lang]))
                except Exception as single:
                    results.append(single)
            return results

    def _translate(
        self, texts: Sequence[str], sources: Sequence[str], target: str
    ) -> list[tuple[str, list[Any]] | Exception]:
        results: list[tuple[str, list[Any]] | Exception] = [("", [])] * len(texts)
        for source in dict.fromkeys(sources):
            indices = [i for i, s in enumerate(sources) if s == source]
            if source == target:  # nothing to translate
                for i in indices:
                    results[i] = (texts[i], [])
                continue
            try:
                translator = self.translators.get(source, target)
                outputs: Sequence[Any] = translator.translate([texts[i] for i in indices])
            except Exception as exc:
                log.warning(
                    "translating %s->%s failed (%s); retrying one by one", source, target, exc
                )
                outputs = []
                for i in indices:
                    try:
                        outputs.append(
                            self.translators.get(source, target).translate([texts[i]])[0]
                        )
                    except Exception as single:
                        outputs.append(single)
            for i, output in zip(indices, outputs, strict=True):
                results[i] = output
        return results

    def process(self, window: list[Article | RecordError]) -> list[dict[str, Any]]:
        records: list[dict[str, Any] | None] = [None] * len(window)
        ready: list[tuple[int, Prepared]] = []
        for i, item in enumerate(window):
            prepared = self.prepare(item) if isinstance(item, Article) else item
            if isinstance(prepared, RecordError):
                records[i] = error_record(prepared)
                self.metrics.add_error(prepared.code)
            else:
                ready.append((i, prepared))
        prepared_items = [p for _, p in ready]
        total_chars = sum(len(p.text) for p in prepared_items) or 1
        share = [len(p.text) / total_chars for p in prepared_items]

        started = time.perf_counter()
        summaries: list[ArticleSummary | Exception]
        if self.summariser is not None:
            summaries = self._summarise(prepared_items)
        else:  # task=translate: the article itself is what gets translated
            summaries = [ArticleSummary(text=p.text, chunks=[], levels=0) for p in prepared_items]
        summarise_s = time.perf_counter() - started
        self.metrics.stage_seconds["summarize"] += summarise_s

        translations: dict[str, list[Any]] = {}
        translate_s: dict[str, float] = {}
        for target in self.cfg.langs:
            started = time.perf_counter()
            texts = [s.text if isinstance(s, ArticleSummary) else "" for s in summaries]
            sources = [p.article.lang for p in prepared_items]
            translations[target] = self._translate(texts, sources, target)
            if self.cfg.translate.article and self.summariser is not None:
                articles = self._translate([p.text for p in prepared_items], sources, target)
                translations[target] = [
                    (s, a) for s, a in zip(translations[target], articles, strict=True)
                ]
            translate_s[target] = time.perf_counter() - started
            self.metrics.stage_seconds[f"translate.{target}"] += translate_s[target]

        for k, (i, p) in enumerate(ready):
            records[i] = self.record(
                p,
                summaries[k],
                {t: v[k] for t, v in translations.items()},
                share[k],
                summarise_s,
                translate_s,
            )
        return [r for r in records if r is not None]

    def record(
        self,
        p: Prepared,
        summary: ArticleSummary | Exception,
        translated: dict[str, Any],
        share: float,
        summarise_s: float,
        translate_s: dict[str, float],
    ) -> dict[str, Any]:
        error: dict[str, str] | None = None
        task_is_summary = self.summariser is not None
        out_translations: dict[str, Any] = {}
        if isinstance(summary, Exception):
            error = {
                "code": "generation_failed",
                "message": f"{type(summary).__name__}: {summary}",
                "origin": p.article.origin,
            }
        for target, value in translated.items():
            summary_part, article_part = (
                value if self.cfg.translate.article and task_is_summary else (value, None)
            )
            entry: dict[str, Any] = {}
            for key, part in (
                ("summary" if task_is_summary else "article", summary_part),
                ("article", article_part),
            ):
                if part is None:
                    continue
                if isinstance(part, Exception):
                    error = error or {
                        "code": "translation_failed",
                        "message": f"{target}: {type(part).__name__}: {part}",
                        "origin": p.article.origin,
                    }
                    entry[key] = None
                    continue
                text, outputs = part
                entry[key] = text
                if key == "summary" or not task_is_summary:
                    source_text = summary.text if isinstance(summary, ArticleSummary) else ""
                    self.metrics.add_translation(
                        target,
                        source_text,
                        text,
                        any(o.hit_max_new_tokens for o in outputs),
                        sum(o.n_output_tokens for o in outputs),
                    )
            out_translations[target] = entry
        ok = isinstance(summary, ArticleSummary)
        if task_is_summary and ok:
            assert isinstance(summary, ArticleSummary)
            self.metrics.add_summary(
                p.article.lang,
                p.text,
                summary.text,
                summary.hit_max_new_tokens,
                summary.n_output_tokens,
            )
        self.metrics.read += 1
        if error:
            self.metrics.failed += 1
            self.metrics.errors_by_code[error["code"]] += 1
        else:
            self.metrics.ok += 1
        chunks = summary.chunks if isinstance(summary, ArticleSummary) else []
        return {
            "id": p.article.id,
            "source_sha256": p.sha256,
            "lang": p.article.lang,
            "title": p.article.title,
            "summary": summary.text
            if task_is_summary and isinstance(summary, ArticleSummary)
            else None,
            "translations": out_translations,
            "chunks": {"count": len(chunks), "spans": [[c.start, c.end] for c in chunks]},
            "reduce_levels": summary.levels if isinstance(summary, ArticleSummary) else None,
            "model": self.model_description(list(translated)),
            "timings": {
                "normalise_s": round(p.normalise_s, 6),
                "summarize_s": round(summarise_s * share, 6),
                "translate_s": {t: round(s * share, 6) for t, s in translate_s.items()},
            },
            "notes": [
                *p.article.notes,
                *(summary.notes if isinstance(summary, ArticleSummary) else ()),
            ],
            "error": error,
        }

    def model_description(self, targets: list[str]) -> dict[str, Any]:
        summarizer = self.cfg.summarizer
        described: dict[str, Any] = {"summarizer": None, "translators": {}}
        if self.summariser is not None:
            generator = getattr(self.summariser, "generator", None)
            described["summarizer"] = (
                generator.loaded.describe()
                if generator
                else {
                    "name_or_path": f"extractive:{summarizer.method}",
                    "revision": None,
                    "weights_sha256": None,
                    "family": "extractive",
                }
            )
        for target in targets:
            described["translators"][target] = self.translators.describe(target)
        return described


def run(cfg: DictConfig) -> RunResult:
    validate(cfg)
    check_source(cfg.source)
    job_name = safe_name(cfg.output.job, "output.job")
    job = Job(cfg)  # loads models: any failure happens before a version is claimed
    job_dir = Path(cfg.output.root).expanduser().resolve() / job_name
    version_dir = claim_version(job_dir)
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    log.info("writing %s", version_dir)
    progress = Progress(cfg.output.progress_every_s)
    with RecordWriter(version_dir / "records.jsonl") as writer:
        for window in windows(read_source(cfg.source), cfg.runtime.window_articles):
            records = job.process(window)
            write_started = time.perf_counter()
            writer.write_many(records)
            job.metrics.stage_seconds["write"] += time.perf_counter() - write_started
            progress.update(len(records), sum(r["error"] is not None for r in records))
    progress.close()
    wall = time.perf_counter() - clock
    metrics = job.metrics.result(wall)
    write_json_atomic(version_dir / "metrics.json", metrics)
    manifest = build_manifest(cfg, job, version_dir, started_at, metrics["counts"])
    write_json_atomic(version_dir / "manifest.json", manifest)
    point_latest(job_dir, version_dir)
    counts = metrics["counts"]
    return RunResult(version_dir, counts["read"], counts["ok"], counts["failed"])
