"""The one place the Hydra config is unpacked: each step is given the settings it uses, typed.

``build_job(cfg)`` is what ``run`` and the Ray actors call. The steps themselves (``Job``,
``Screen``, ``TranslatorSet``, the summariser) never see the config, so a reader sees what each
depends on and a test builds any of them from plain arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig, OmegaConf

from summarize.choices import SummarizerKind, Task
from summarize.config import (
    ChunkingConfig,
    LangConfig,
    RuntimeConfig,
    SummarizerConfig,
    TranslatorConfig,
    source_language,
)
from summarize.source.screening import Screen

if TYPE_CHECKING:
    from summarize.run.reuse import PreviousRecords
    from summarize.run.window import Job


def generation_overrides(cfg: DictConfig, part: str) -> dict[str, Any]:
    """generation.summary or generation.translation as a plain mapping (null: unset)."""
    return OmegaConf.to_container(cfg.generation[part])  # type: ignore[return-value]


def summarizer_config(cfg: DictConfig) -> SummarizerConfig | None:
    """The summariser's settings; None for task=translate (the article itself is translated)."""
    if cfg.task != Task.summarize:
        return None
    return OmegaConf.to_object(cfg.summarizer)  # type: ignore[return-value]


def target_languages(cfg: DictConfig) -> dict[str, LangConfig]:
    """The languages asked for with +lang, each with its codes and translator preset."""
    return {str(code): OmegaConf.to_object(lang) for code, lang in cfg.langs.items()}  # type: ignore[misc]


def translator_override(cfg: DictConfig) -> TranslatorConfig | None:
    """One translator for every target (the ``translator`` group); None: each language's own."""
    return None if cfg.translator is None else OmegaConf.to_object(cfg.translator)  # type: ignore[return-value]


def build_screen(cfg: DictConfig, dedupe: bool = True) -> Screen:
    summarizer = cfg.summarizer
    seq2seq = cfg.task == Task.summarize and summarizer.kind == SummarizerKind.seq2seq
    return Screen(
        html=cfg.source.html,
        duplicate_ids=cfg.source.duplicate_ids,
        language_check=cfg.source.language_check,
        target_langs=[str(code) for code in cfg.langs],
        summariser_languages=list(summarizer.languages)
        if seq2seq and summarizer.languages
        else None,
        summariser_name=summarizer.name_or_path,
        dedupe=dedupe,
    )


def build_job(
    cfg: DictConfig,
    previous: PreviousRecords | None = None,
    dedupe: bool = True,
    source_langs: list[str] | None = None,
) -> Job:
    """The job ``cfg`` describes, its models resolved (a missing one fails here, before reading).

    Keys need the config, tokenizer and weights hash only: the weights load when a key misses (a
    rerun with nothing new loads none), or in ``Job.warm()``. ``source_langs``: the languages
    found in the input's sample (their translation pairs are resolved here); ``dedupe``: off in
    Ray actors (the driver removes duplicate ids across all windows)."""
    # Here, not at the top: the dry run and the language preflight build only a Screen, and load
    # no torch.
    import torch

    from summarize.evaluate.record import RecordEvaluator, evaluation_settings
    from summarize.generate.budget import apply_budget
    from summarize.generate.devices import device_budget, pick_device, pick_dtype
    from summarize.generate.models import ModelCache
    from summarize.run.window import Job, JobSettings
    from summarize.summarise.build import build_summariser
    from summarize.translate.translator import TranslatorSet

    runtime: RuntimeConfig = OmegaConf.to_object(cfg.runtime)  # type: ignore[assignment]
    chunking: ChunkingConfig = OmegaConf.to_object(cfg.chunking)  # type: ignore[assignment]
    torch.manual_seed(runtime.seed)
    if runtime.threads:
        torch.set_num_threads(runtime.threads)
    device = pick_device(runtime.device)
    dtype = pick_dtype(runtime.dtype, device)
    models = ModelCache(
        model_root=cfg.model_root,
        device=device,
        dtype=dtype,
        allow_pickle=cfg.model.allow_pickle,
        trust_remote_code=cfg.model.trust_remote_code,
        hash_weights=cfg.model.hash_weights,
        quantize=runtime.quantize,
        convert_to_safetensors=cfg.model.convert_to_safetensors,
        # CTranslate2 decodes with the converted model: the torch copy is never built.
        load_weights=runtime.backend != "ct2",
        lazy=True,
    )
    summarizer = summarizer_config(cfg)
    summariser = (
        build_summariser(
            summarizer,
            models,
            overrides=generation_overrides(cfg, "summary"),
            runtime=runtime,
            chunking=chunking,
            max_levels=cfg.generation.max_reduce_levels,
        )
        if summarizer is not None
        else None
    )
    translators = TranslatorSet(
        target_languages(cfg),
        models,
        translator=translator_override(cfg),
        overrides=generation_overrides(cfg, "translation"),
        runtime=runtime,
    )
    # The pairs of the languages found in the input's sample fail here, before any reading.
    for source in source_langs or [source_language(cfg.source)]:
        translators.preload(source)
    # Batch and window sizes: given, or (auto) sized from the device and the models resolved now.
    summariser_generator = getattr(summariser, "generator", None)
    generators = [summariser_generator] if summariser_generator is not None else []
    budget = device_budget(
        OmegaConf.to_object(cfg.runtime), device, dtype, generators + translators.generators()
    )
    if summariser_generator is not None:
        apply_budget(summariser_generator, budget)
    translators.set_budget(budget)
    settings = JobSettings(
        task=cfg.task,
        targets=tuple(str(code) for code in cfg.langs),
        translate_article=cfg.translate.article,
        chunking=chunking,
        max_reduce_levels=cfg.generation.max_reduce_levels,
        html=cfg.source.html,
    )
    return Job(
        settings,
        models=models,
        summariser=summariser,
        translators=translators,
        screen=build_screen(cfg, dedupe),
        evaluator=RecordEvaluator(evaluation_settings(cfg.evaluation)),
        runtime={
            "backend": runtime.backend,
            "dtype": runtime.dtype,
            "device": str(device),
            "quantize": runtime.quantize,
        },
        previous=previous,
        budget=budget,
    )
