"""Translation into one target language, sentence by sentence, batched across texts; and the set of
translators a job needs (one per language pair, sharing loaded models)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from summarize.config import LangConfig, RuntimeConfig, TranslatorConfig, load_lang_config
from summarize.generate.backends import TextGenerator, make_generator
from summarize.generate.budget import Budget, apply_budget
from summarize.generate.models import ModelCache, ModelSpec
from summarize.generate.settings import EffectiveGeneration, resolve_generation
from summarize.records import Generated
from summarize.text.chunks import input_budget, tokenizer_counter, units
from summarize.text.sentences import sentence_spans
from summarize.translate.directions import Direction, direction_for


class Translator:
    """Translates texts into one language, sentence by sentence, batched across texts."""

    def __init__(
        self,
        generator: TextGenerator,
        direction: Direction,
        source_lang: str,
        settings: EffectiveGeneration | None = None,
    ) -> None:
        self.generator = generator
        self.direction = direction
        self.source_lang = source_lang
        # This direction's effective settings (a generator is shared by every direction).
        self.settings = settings or generator.settings
        loaded = generator.loaded
        self.count = tokenizer_counter(loaded.tokenizer, direction.prefix)
        self.budget = input_budget(loaded.tokenizer, loaded.max_input_tokens, direction.prefix)

    def segments(self, text: str) -> list[str]:
        """Sentences (over-long ones cut at token boundaries): the units sent to the model."""
        spans = sentence_spans(text, self.source_lang)
        pieces = units(text, spans, self.count, self.budget, self.generator.loaded.tokenizer)
        return [s for (a, b), _ in pieces if (s := text[a:b].strip())]

    def translate(self, texts: Sequence[str]) -> list[tuple[str, list[Generated]]]:
        """Each text's translation (segments joined by a space) and the per-segment outputs."""
        segmented = [self.segments(t) for t in texts]
        flat = [s for segs in segmented for s in segs]
        outputs = self.generator.generate(
            flat,
            prefix=self.direction.prefix,
            src_lang=self.direction.src_lang,
            forced_bos_token_id=self.direction.forced_bos_token_id,
            settings=self.settings,
        )
        results, position = [], 0
        for segs in segmented:
            mine = outputs[position : position + len(segs)]
            position += len(segs)
            results.append((" ".join(g.text for g in mine if g.text), mine))
        return results


class TranslatorSet:
    """One Translator per (source, target) pair, sharing loaded models and their generators."""

    def __init__(
        self,
        targets: Mapping[str, LangConfig],
        models: ModelCache,
        *,
        translator: TranslatorConfig | None = None,
        overrides: Mapping[str, Any] | None = None,
        runtime: RuntimeConfig | None = None,
    ) -> None:
        """``targets``: the languages asked for (+lang), each with its own translator preset;
        ``translator``: one translator for every target instead (the ``translator`` group);
        ``overrides``: generation.translation."""
        self.targets = dict(targets)
        self.translator = translator
        self.overrides = dict(overrides or {})
        self.runtime = runtime or RuntimeConfig()
        self.models = models
        self._translators: dict[tuple[str, str], Translator] = {}
        self._generators: dict[int, TextGenerator] = {}
        self.budget: Budget | None = None  # runtime.batch_tokens=auto, resolved by the job
        self._used: dict[str, Translator] = {}

    def _target(self, code: str) -> LangConfig:
        return self.targets[code]

    def _source(self, code: str) -> LangConfig:
        return self._target(code) if code in self.targets else load_lang_config(code)

    def _translator_config(self, target: str) -> tuple[TranslatorConfig, str]:
        if self.translator is not None:
            return self.translator, "translator.name_or_path"
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
            settings = resolve_generation(
                loaded,
                overrides=self.overrides,
                preset=translator_cfg.generation,
                task=f"translation_{source}_to_{target}",  # T5's task_specific_params key
            )
            generator = self._generators.get(id(loaded))
            if generator is None:
                generator = self._generators[id(loaded)] = make_generator(
                    loaded, settings, self.runtime
                )
                apply_budget(generator, self.budget)
            direction = direction_for(
                loaded, source_cfg.codes, source_cfg.name, target_cfg, translator_cfg.prefix
            )
            if not direction.prefix and settings.prefix:  # the checkpoint's task prefix
                direction = replace(direction, prefix=settings.prefix)
            forced = direction.forced_bos_token_id
            settings = settings.for_direction(
                direction.prefix,
                (forced, loaded.tokenizer.convert_ids_to_tokens(forced))
                if forced is not None
                else None,
            )
            self._translators[key] = Translator(generator, direction, source, settings)
            self._used[target] = self._translators[key]
        return self._translators[key]

    def preload(self, source: str) -> None:
        for target in self.targets:
            if target != source:
                self.get(source, target)

    def warm(self) -> None:
        for generator in self._generators.values():
            generator.warm()

    def describe(self, target: str) -> dict[str, Any] | None:
        translator = self._used.get(target)
        if translator is None:
            return None
        return translator.generator.loaded.describe()

    def details(self, target: str) -> dict[str, Any] | None:
        """``target``'s model, weights and effective generation settings (for manifest.json)."""
        translator = self._used.get(target)
        if translator is None:
            return None
        return {
            **translator.generator.loaded.details(),
            "generation": translator.settings.describe(),
        }

    def generated_inputs(self) -> int:
        return sum(g.inputs for g in self._generators.values())

    def set_budget(self, budget: Budget) -> None:
        """Batch limits for every translation model, resolved now or later."""
        self.budget = budget
        for generator in self._generators.values():
            apply_budget(generator, budget)

    def generators(self) -> list[TextGenerator]:
        """One per translation model loaded or resolved so far."""
        return list(self._generators.values())
