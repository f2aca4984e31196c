"""Building the model-backed stages from config: the summariser and the per-language translators."""

from __future__ import annotations

from typing import Any

from omegaconf import DictConfig, OmegaConf

from summarize.backends import TextGenerator, make_generator
from summarize.config import GenerationSettings, LangConfig, TranslatorConfig, load_lang_config
from summarize.models import LoadedModel, ModelCache, ModelSpec
from summarize.reduce import ExtractiveSummariser, Seq2SeqSummariser, Summariser
from summarize.translate import Translator, direction_for


def build_summariser(cfg: DictConfig, models: ModelCache) -> Summariser:
    summarizer = cfg.summarizer
    if summarizer.kind == "extractive":
        return ExtractiveSummariser(summarizer.method, summarizer.sentences)
    spec = ModelSpec(summarizer.name_or_path, summarizer.revision, "summarizer.name_or_path")
    settings: GenerationSettings = OmegaConf.to_object(cfg.generation.summary)  # type: ignore[assignment]
    generator = make_generator(models.get(spec), settings, cfg.runtime)
    return Seq2SeqSummariser(
        generator,
        prefix=summarizer.prefix,
        max_input_tokens=cfg.chunking.max_input_tokens,
        overlap_sentences=cfg.chunking.overlap_sentences,
        max_levels=cfg.generation.max_reduce_levels,
    )


class TranslatorSet:
    """One Translator per (source, target) pair, sharing loaded models and their generators."""

    def __init__(self, cfg: DictConfig, models: ModelCache) -> None:
        self.cfg = cfg
        self.models = models
        self._translators: dict[tuple[str, str], Translator] = {}
        self._generators: dict[int, TextGenerator] = {}
        self._used: dict[str, LoadedModel] = {}

    def _target(self, code: str) -> LangConfig:
        return OmegaConf.to_object(self.cfg.langs[code])  # type: ignore[return-value]

    def _source(self, code: str) -> LangConfig:
        return self._target(code) if code in self.cfg.langs else load_lang_config(code)

    def _translator_config(self, target: str) -> tuple[TranslatorConfig, str]:
        if self.cfg.translator is not None:
            return OmegaConf.to_object(self.cfg.translator), "translator.name_or_path"  # type: ignore[return-value]
        return self._target(target).translator, f"langs.{target}.translator.name_or_path"

    def get(self, source: str, target: str) -> Translator:
        key = (source, target)
        if key not in self._translators:
            source_cfg, target_cfg = self._source(source), self._target(target)
            translator_cfg, override_key = self._translator_config(target)
            name = translator_cfg.name_or_path.format(
                src=source_cfg.codes.opus_mt or source, tgt=target_cfg.codes.opus_mt or target
            )
            loaded = self.models.get(ModelSpec(name, translator_cfg.revision, override_key))
            generator = self._generators.get(id(loaded))
            if generator is None:
                settings: GenerationSettings = OmegaConf.to_object(self.cfg.generation.translation)  # type: ignore[assignment]
                generator = self._generators[id(loaded)] = make_generator(
                    loaded, settings, self.cfg.runtime
                )
            direction = direction_for(
                loaded, source_cfg.codes, source_cfg.name, target_cfg, translator_cfg.prefix
            )
            self._translators[key] = Translator(generator, direction, source)
            self._used[target] = loaded
        return self._translators[key]

    def preload(self, source: str) -> None:
        for target in self.cfg.langs:
            if target != source:
                self.get(source, target)

    def describe(self, target: str) -> dict[str, Any] | None:
        loaded = self._used.get(target)
        return loaded.describe() if loaded else None

    def generated_inputs(self) -> int:
        return sum(g.inputs for g in self._generators.values())
