"""One window of articles through the stages: prepare, summarise, translate, evaluate, record.

Work that an earlier version already did with the same keys is reused instead of generated.
Failures are per article: a window that fails is retried article by article, and an article that
still fails gets an error record; the rest of the window goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from summarize.choices import Task
from summarize.config import ChunkingConfig
from summarize.evaluate.record import RecordEvaluator
from summarize.generate.batching import GenerationCounts
from summarize.generate.budget import Budget, choose_budget
from summarize.generate.models import ModelCache
from summarize.records import Article, ArticleSummary, Chunk, RecordError, Work
from summarize.run.keys import PIPELINE_VERSION, digest, input_key, model_fingerprint
from summarize.run.record import build_record, error_record
from summarize.run.reuse import PreviousRecords
from summarize.source.screening import Screen
from summarize.store.record import ErrorRecord
from summarize.summarise.build import Summariser
from summarize.translate.translator import TranslatorSet

log = logging.getLogger("summarize")


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


@dataclass(frozen=True)
class JobSettings:
    """What the job itself reads of the config (its steps are built with their own settings)."""

    task: Task = Task.summarize
    targets: tuple[str, ...] = ()  # the languages asked for with +lang
    translate_article: bool = False  # task=summarize: translate the article too
    # With the summariser's model and settings, what a summary's key depends on.
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    max_reduce_levels: int = 8
    html: bool = True


def _attribute_seconds(seconds: float, target: str, items: list[tuple[Work, str]]) -> None:
    """A batch's time, shared among its articles by their share of its characters."""
    total = sum(len(text) for _, text in items) or 1
    for w, text in items:
        w.translate_s[target] = w.translate_s.get(target, 0.0) + seconds * len(text) / total


class Job:
    """One window of articles at a time through screen, summariser, translators and evaluator.

    Built from the config by ``summarize.run.build.build_job``; a test builds one from parts."""

    def __init__(
        self,
        settings: JobSettings,
        *,
        models: ModelCache,
        summariser: Summariser | None,
        translators: TranslatorSet,
        screen: Screen,
        evaluator: RecordEvaluator,
        runtime: dict[str, Any],
        previous: PreviousRecords | None = None,
        budget: Budget | None = None,
    ) -> None:
        """``summariser``: None for task=translate; ``runtime``: the resolved backend, dtype,
        device and quantisation (part of every key); ``budget``: batch and window sizes (not
        part of any key; None: CPU's defaults)."""
        self.settings = settings
        self.models = models
        self.summariser = summariser
        self.translators = translators
        self.previous = previous or PreviousRecords(None)
        self.budget = budget or choose_budget("cpu")
        self.screen = screen
        self.evaluator = evaluator
        runtime = dict(runtime)
        self.summary_fingerprint = digest(
            "summary",
            PIPELINE_VERSION,
            self._summariser_fingerprint(),
            asdict(settings.chunking),
            settings.max_reduce_levels,
            settings.html,
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
        return {  # extractive: its method and limits (task=translate: none, never used)
            "extractive": getattr(self.summariser, "method", None),
            "sentences": getattr(self.summariser, "sentences", None),
            "words": getattr(self.summariser, "words", None),
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

    def generation_counts(self) -> dict[str, GenerationCounts]:
        """Per model (its name or path): generate calls, inputs, sequential decoder steps and
        tokens so far (metrics.json's ``generation``)."""
        counts: dict[str, GenerationCounts] = {}
        generator = getattr(self.summariser, "generator", None)
        for g in ([generator] if generator is not None else []) + self.translators.generators():
            name = g.loaded.spec.name_or_path
            counts.setdefault(name, GenerationCounts()).add(g.counts)
        return counts

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
        if self.settings.task == Task.translate and w.article.target_lang:
            if w.article.target_lang in self.settings.targets:
                return [w.article.target_lang]
            w.notes.append(
                f"target_lang {w.article.target_lang} not requested (add +lang={w.article.target_lang})"
            )
            return []
        return list(self.settings.targets)

    def _parts(self, w: Work, summary: ArticleSummary) -> list[tuple[str, str]]:
        """(part, text) to translate: the summary (task=translate: the article itself), and
        with translate.article the article too."""
        if self.settings.task != Task.summarize:
            return [("article", w.text)]
        parts = [("summary", summary.text)]
        if self.settings.translate_article:
            parts.append(("article", w.text))
        return parts

    def _requested(self, work: list[Work]) -> Iterator[tuple[Work, str, str, str]]:
        """(article, target, part, text) for every translation the window asks for."""
        for w in work:
            if isinstance(w.summary, Exception) or w.summary is None:
                continue
            for target in self._targets(w):
                for part, text in self._parts(w, w.summary):
                    yield w, target, part, text

    def _key(self, w: Work, target: str, part: str) -> str | None:
        """The translation's key: its text's key and the pair's translator. None when the pair's
        model failed to load (loaded on first use): that fails this record alone."""
        base = w.summary_key if part == "summary" else w.sha256
        try:
            fingerprint = self.translation_fingerprint(w.article.lang, target)
        except Exception as exc:
            w.translated[(target, part)] = exc
            return None
        key = w.translation_keys[(target, part)] = digest(base, part, target, fingerprint)
        return key

    def _reuse(self, w: Work, target: str, part: str, key: str) -> bool:
        """Take an earlier version's translation made under the same key, if there is one."""
        reused = self.previous.translation(key, target, part)
        if reused is None:
            return False
        w.translated[(target, part)] = (reused, [])
        w.reused_translations.add((target, part))
        return True

    def _translate(self, work: list[Work]) -> None:
        batches: dict[tuple[str, str, str], list[tuple[Work, str]]] = {}
        for w, target, part, text in self._requested(work):
            key = self._key(w, target, part)
            if key is None or self._reuse(w, target, part, key):
                continue
            if w.article.lang == target:  # already in the target language: the text itself
                w.translated[(target, part)] = (text, [])
                continue
            batches.setdefault((w.article.lang, target, part), []).append((w, text))
        for (source, target, part), items in batches.items():
            self._translate_batch(source, target, part, items)

    def _translate_batch(
        self, source: str, target: str, part: str, items: list[tuple[Work, str]]
    ) -> None:
        """One pair's texts in one go (one by one when the batch fails); each article gets its
        share of the time."""
        started = time.perf_counter()

        def batch(chunk: Sequence[tuple[Work, str]]) -> list[Any]:
            return self.translators.get(source, target).translate([text for _, text in chunk])

        results = _retry_each(f"translating {source}->{target}", batch, items)
        for (w, _), result in zip(items, results, strict=True):
            w.translated[(target, part)] = result
        _attribute_seconds(time.perf_counter() - started, target, items)

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
                    "name_or_path": f"extractive:{getattr(self.summariser, 'method', None)}",
                    "revision": None,
                    "weights_sha256": None,
                    "family": "extractive",
                }
            )
        for target in targets:
            described["translators"][target] = self.translators.describe(target)
        return described
