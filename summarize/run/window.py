"""One window of articles through the stages: prepare, summarise, translate, evaluate, record.

Work that an earlier version already did with the same keys is reused instead of generated.
Failures are per article: a window that fails is retried article by article, and an article that
still fails gets an error record; the rest of the window goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import torch
from omegaconf import DictConfig, OmegaConf

from summarize.config import source_language
from summarize.evaluate.record import RecordEvaluator, evaluation_settings
from summarize.generate.devices import pick_device, pick_dtype
from summarize.generate.models import ModelCache
from summarize.records import Article, ArticleSummary, Chunk, RecordError, Work
from summarize.run.keys import PIPELINE_VERSION, digest, input_key, model_fingerprint
from summarize.run.record import build_record
from summarize.run.reuse import PreviousRecords
from summarize.source.screening import Screen
from summarize.store.record import ErrorRecord
from summarize.summarise.build import Summariser, build_summariser
from summarize.translate.translator import TranslatorSet

log = logging.getLogger("summarize")


def error_record(error: RecordError, key: str) -> ErrorRecord:
    return {
        "id": error.id,
        "input_key": key,
        "source_sha256": error.source_sha256,
        "lang": error.lang,
        "summary": None,
        "translations": {},
        "chunks": {"count": 0, "spans": []},
        "error": {"code": error.code, "message": error.message, "origin": error.origin},
    }


def _retry_each(label: str, run_batch: Any, items: Sequence[Any]) -> list[Any]:
    """run_batch(items) -> results; on failure, one item at a time, failures become exceptions."""
    try:
        return list(run_batch(items))
    except Exception as exc:
        log.warning("%s failed for a batch of %d (%s); retrying one by one", label, len(items), exc)
    results: list[Any] = []
    for item in items:
        try:
            results.extend(run_batch([item]))
        except Exception as single:
            results.append(single)
    return results


class Job:
    def __init__(
        self,
        cfg: DictConfig,
        previous: PreviousRecords | None = None,
        dedupe: bool = True,
        source_langs: list[str] | None = None,
    ) -> None:
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
            quantize=cfg.runtime.quantize,
            convert_to_safetensors=cfg.model.convert_to_safetensors,
            # CTranslate2 decodes with the converted model: the torch copy is never built.
            load_weights=cfg.runtime.backend != "ct2",
            # Keys need the config, tokenizer and weights hash only: the weights load when a
            # key misses (a rerun with nothing new loads none), or in warm().
            lazy=True,
        )
        self.summariser: Summariser | None = (
            build_summariser(cfg, self.models) if cfg.task == "summarize" else None
        )
        self.translators = TranslatorSet(cfg, self.models)
        # The pairs of the languages found in the input's sample fail here, before any reading.
        for source in source_langs or [source_language(cfg.source)]:
            self.translators.preload(source)
        self.previous = previous or PreviousRecords(None)
        self.screen = Screen(cfg, dedupe=dedupe)
        self.evaluator = RecordEvaluator(evaluation_settings(cfg))
        runtime = {
            "backend": cfg.runtime.backend,
            "dtype": cfg.runtime.dtype,
            "device": str(device),
            "quantize": cfg.runtime.quantize,
        }
        self.summary_fingerprint = digest(
            "summary",
            PIPELINE_VERSION,
            self._summariser_fingerprint(),
            OmegaConf.to_container(cfg.chunking),
            cfg.generation.max_reduce_levels,
            cfg.source.html,
            runtime,
        )
        self._translation_fingerprints: dict[tuple[str, str], str] = {}
        self._runtime = runtime

    def warm(self) -> None:
        """Load every model the job has resolved so far, now (a fresh run fails here, before a
        version is claimed, rather than in its first window)."""
        generator = getattr(self.summariser, "generator", None)
        if generator is not None:
            generator.warm()
        self.translators.warm()

    @property
    def runtime(self) -> dict[str, Any]:
        """The resolved backend, dtype, device and quantisation (a version's claim records it)."""
        return dict(self._runtime)

    def _summariser_fingerprint(self) -> Any:
        generator = getattr(self.summariser, "generator", None)
        if generator is not None:
            return model_fingerprint(generator.loaded, generator.settings)
        return {
            "extractive": self.cfg.summarizer.method,
            "sentences": self.cfg.summarizer.sentences,
            "words": self.cfg.summarizer.words,
        }

    def translation_fingerprint(self, source: str, target: str) -> str:
        if (source, target) not in self._translation_fingerprints:
            if source == target:
                fingerprint = digest("identity")
            else:
                translator = self.translators.get(source, target)
                fingerprint = digest(
                    "translation",
                    PIPELINE_VERSION,
                    model_fingerprint(translator.generator.loaded, translator.settings),
                    translator.direction,
                    self._runtime,
                )
            self._translation_fingerprints[(source, target)] = fingerprint
        return self._translation_fingerprints[(source, target)]

    def generated_inputs(self) -> int:
        """Texts sent to any model so far (tests count these to prove reuse)."""
        summariser_generator = getattr(self.summariser, "generator", None)
        return (
            summariser_generator.inputs if summariser_generator else 0
        ) + self.translators.generated_inputs()

    # -- stages -------------------------------------------------------------------------------

    def _summarise(self, work: list[Work]) -> None:
        for w in work:
            w.summary_key = digest(w.sha256, self.summary_fingerprint)
            previous = self.previous.get(w.summary_key)
            if previous is not None and previous.get("summary") is not None:
                spans = previous["chunks"]["spans"]
                w.summary = ArticleSummary(
                    text=previous["summary"],
                    chunks=[Chunk(a, b, "", 0) for a, b in spans],
                    levels=previous.get("reduce_levels") or 1,
                )
                w.reused_summary, w.previous = True, previous
        todo = [w for w in work if w.summary is None]
        assert self.summariser is not None
        summariser = self.summariser

        def batch(items: Sequence[Work]) -> list[ArticleSummary]:
            return summariser.summarise([w.text for w in items], [w.article.lang for w in items])

        for w, result in zip(todo, _retry_each("summarising", batch, todo), strict=True):
            w.summary = result

    def _targets(self, w: Work) -> list[str]:
        if self.cfg.task == "translate" and w.article.target_lang:
            if w.article.target_lang in self.cfg.langs:
                return [w.article.target_lang]
            w.notes.append(
                f"target_lang {w.article.target_lang} not requested (add +lang={w.article.target_lang})"
            )
            return []
        return list(self.cfg.langs)

    def _translate(self, work: list[Work]) -> None:
        jobs: dict[tuple[str, str, str], list[tuple[Work, str]]] = {}
        for w in work:
            if isinstance(w.summary, Exception) or w.summary is None:
                continue
            parts = (
                [("summary", w.summary.text)]
                if self.cfg.task == "summarize"
                else [("article", w.text)]
            )
            if self.cfg.task == "summarize" and self.cfg.translate.article:
                parts.append(("article", w.text))
            for target in self._targets(w):
                for part, text in parts:
                    base = w.summary_key if part == "summary" else w.sha256
                    try:  # loads the pair's model on first use: a missing one fails this record
                        fingerprint = self.translation_fingerprint(w.article.lang, target)
                    except Exception as exc:
                        w.translated[(target, part)] = exc
                        continue
                    key = digest(base, part, target, fingerprint)
                    w.translation_keys[(target, part)] = key
                    previous = self.previous.get(key)
                    if previous is not None:
                        reused = (previous.get("translations") or {}).get(target, {}).get(part)
                        if (
                            reused is not None
                            and (previous.get("keys") or {})
                            .get("translations", {})
                            .get(target, {})
                            .get(part)
                            == key
                        ):
                            w.translated[(target, part)] = (reused, [])
                            w.reused_translations.add((target, part))
                            continue
                    if w.article.lang == target:
                        w.translated[(target, part)] = (text, [])
                        continue
                    jobs.setdefault((w.article.lang, target, part), []).append((w, text))
        for (source, target, part), items in jobs.items():
            started = time.perf_counter()

            def batch(
                chunk: Sequence[tuple[Work, str]], source: str = source, target: str = target
            ) -> list[Any]:
                return self.translators.get(source, target).translate([text for _, text in chunk])

            for (w, _), result in zip(
                items, _retry_each(f"translating {source}->{target}", batch, items), strict=True
            ):
                w.translated[(target, part)] = result
            seconds = time.perf_counter() - started
            total = sum(len(text) for _, text in items) or 1
            for w, text in items:  # a batch's time is attributed by share of characters
                w.translate_s[target] = w.translate_s.get(target, 0.0) + seconds * len(text) / total

    # -- the window -----------------------------------------------------------------------------

    def process(self, window: Sequence[Article | RecordError]) -> list[ErrorRecord]:
        out: list[ErrorRecord | None] = [None] * len(window)
        work: list[tuple[int, Work]] = []
        for i, item in enumerate(window):
            key = input_key(item.id, item.origin)
            try:
                screened = self.screen.check(item, key)
            except Exception as exc:  # one article's surprise must not stop the run
                screened = RecordError(
                    "screening_failed",
                    f"{type(exc).__name__}: {exc}",
                    id=item.id,
                    origin=item.origin,
                    lang=item.lang,
                )
            if isinstance(screened, RecordError):
                out[i] = error_record(screened, key)
            else:
                work.append((i, screened))
        items = [w for _, w in work]
        started = time.perf_counter()
        if self.summariser is not None:
            self._summarise(items)
        else:  # task=translate: the article itself is what gets translated
            for w in items:
                w.summary = ArticleSummary(text=w.text, chunks=[], levels=0)
        summarise_s = time.perf_counter() - started
        self._translate(items)
        total = sum(len(w.text) for w in items if not w.reused_summary) or 1
        for i, w in work:
            share = 0.0 if w.reused_summary else len(w.text) / total
            try:
                out[i] = build_record(
                    w,
                    summarize_s=summarise_s * share,
                    summarising=self.summariser is not None,
                    evaluator=self.evaluator,
                    models=self.model_description,
                )
            except Exception as exc:  # evaluation or checks of one record failed
                failed = RecordError(
                    "record_failed",
                    f"{type(exc).__name__}: {exc}",
                    id=w.article.id,
                    origin=w.article.origin,
                    lang=w.article.lang,
                    source_sha256=w.sha256,
                )
                out[i] = error_record(failed, w.input_key)
        return [r for r in out if r is not None]

    def model_description(self, targets: list[str]) -> dict[str, Any]:
        described: dict[str, Any] = {"summarizer": None, "translators": {}}
        if self.summariser is not None:
            generator = getattr(self.summariser, "generator", None)
            described["summarizer"] = (
                generator.loaded.describe()
                if generator
                else {
                    "name_or_path": f"extractive:{self.cfg.summarizer.method}",
                    "revision": None,
                    "weights_sha256": None,
                    "family": "extractive",
                }
            )
        for target in targets:
            described["translators"][target] = self.translators.describe(target)
        return described
