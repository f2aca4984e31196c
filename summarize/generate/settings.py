"""The generation settings a model decodes with, resolved once, in one documented order.

Highest first; for each setting the first layer that has it wins:

1. ``override``: ``generation.summary.*`` / ``generation.translation.*`` (CLI or YAML), non-null.
2. ``preset``: the summarizer/translator preset's ``generation:`` block (what a model card
   prescribes when the repository carries nothing, e.g. mT5-XLSum).
3. ``generation_config.json`` of the checkpoint.
4. ``config.json``: generation keys at its top level (older checkpoints keep them there).
5. ``config.json task_specific_params.<task>``: ``summarization`` or
   ``translation_<src>_to_<tgt>`` (T5's summarisation settings live only here).
6. ``family default``: the config class's own values (``forced_eos_token_id`` of BART, PEGASUS,
   Marian, mBART) and then transformers' defaults (greedy, ``max_length`` 20).

The maximum length is one setting whichever way a layer spells it (``max_new_tokens`` or
``max_length``, which counts the decoder start token), and so is the minimum; the result always
has an explicit ``max_new_tokens``, so truncation is always detectable. Layers are read from the
files themselves, not from ``model.generation_config``: transformers 5 folds ``config.json``'s
top-level keys into it when ``generation_config.json`` is missing, but ignores
``task_specific_params`` and the config class defaults, and cannot say where a value came from.
The torch and CTranslate2 generators both decode from the same ``EffectiveGeneration``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


@dataclass
class GenerationSettings:
    """Explicit overrides, above every other layer; null: the preset's or checkpoint's value."""

    num_beams: int | None = None
    min_new_tokens: int | None = None
    max_new_tokens: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    early_stopping: bool | None = None
    do_sample: bool | None = None


@dataclass
class GenerationConfig:
    summary: GenerationSettings = field(default_factory=GenerationSettings)
    translation: GenerationSettings = field(default_factory=GenerationSettings)
    # Hierarchical reduction stops after this many levels (each level shrinks the text).
    max_reduce_levels: int = 8


# Settings that change what is generated (token ids of pad/eos/decoder start stay the model's).
GENERATION_KEYS: tuple[str, ...] = (
    "num_beams",
    "do_sample",
    "temperature",
    "top_k",
    "top_p",
    "max_new_tokens",
    "max_length",
    "min_new_tokens",
    "min_length",
    "length_penalty",
    "no_repeat_ngram_size",
    "encoder_no_repeat_ngram_size",
    "repetition_penalty",
    "early_stopping",
    "bad_words_ids",
    "forced_bos_token_id",
    "forced_eos_token_id",
    "renormalize_logits",
)
# transformers' own defaults (GenerationConfig._get_default_generation_params in 5.x).
TRANSFORMERS_DEFAULTS: dict[str, Any] = {
    "num_beams": 1,
    "do_sample": False,
    "max_length": 20,
    "min_length": 0,
    "length_penalty": 1.0,
    "no_repeat_ngram_size": 0,
    "early_stopping": False,
}
_PAIRS = {"max": ("max_new_tokens", "max_length"), "min": ("min_new_tokens", "min_length")}
_LIMIT_KEYS = ("max_new_tokens", "max_length", "min_new_tokens", "min_length")
_BEAM_ONLY = ("length_penalty", "early_stopping")


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _generation_part(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in GENERATION_KEYS if data.get(k) is not None}


def checkpoint_layers(
    location: str | Path, model_config: Any, task: str
) -> list[tuple[str, dict[str, Any]]]:
    """Layers 3-6 of a checkpoint folder, highest first."""
    folder = Path(location)
    config = _read_json(folder / "config.json")
    top = _generation_part(config)
    # transformers 3.x forced <s> first from this flag; 4.x turned it into forced_bos_token_id.
    legacy_bos = config.get("force_bos_token_to_be_generated") and "forced_bos_token_id" not in top
    if legacy_bos and config.get("bos_token_id") is not None:
        top["forced_bos_token_id"] = config["bos_token_id"]
    task_params = (config.get("task_specific_params") or {}).get(task) or {}
    family = {
        k: v
        for k in ("forced_bos_token_id", "forced_eos_token_id")
        if (v := getattr(model_config, k, None)) is not None
    }
    return [
        ("generation_config.json", _generation_part(_read_json(folder / "generation_config.json"))),
        ("config.json", top),
        (f"config.json task_specific_params.{task}", _generation_part(task_params)),
        ("family default", {**TRANSFORMERS_DEFAULTS, **family}),
    ]


def checkpoint_prefix(location: str | Path, task: str) -> tuple[str, str]:
    """(prefix, source) a checkpoint asks for: task_specific_params, then config.json's prefix."""
    config = _read_json(Path(location) / "config.json")
    task_params = (config.get("task_specific_params") or {}).get(task) or {}
    if isinstance(task_params.get("prefix"), str):
        return task_params["prefix"], f"config.json task_specific_params.{task}"
    if isinstance(config.get("prefix"), str):
        return config["prefix"], "config.json"
    return "", "family default"


@dataclass(frozen=True)
class EffectiveGeneration:
    """Resolved settings: ``values`` as the winning layers spelled them, plus the limits in
    new tokens (what both generators enforce), and where each value came from."""

    values: dict[str, Any]
    sources: dict[str, str]
    max_new_tokens: int
    min_new_tokens: int
    prefix: str = ""
    task: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. where the prefix came from

    def hf_kwargs(self) -> dict[str, Any]:
        """Arguments for ``model.generate``: complete, so nothing falls back to other defaults.

        The limits go as ``max_length``/``min_length`` (new tokens + the decoder start token,
        exactly equivalent for these encoder-decoder models), with the ``*_new_tokens`` forms
        cleared: transformers warns on every call when a new-token limit meets a length that the
        checkpoint's generation_config already holds.
        """
        kwargs = {k: v for k, v in self.values.items() if k not in _LIMIT_KEYS}
        kwargs.update(
            max_length=self.max_new_tokens + 1,
            min_length=self.min_new_tokens + 1 if self.min_new_tokens else 0,
            max_new_tokens=None,
            min_new_tokens=None,
        )
        if int(kwargs.get("num_beams") or 1) == 1:  # beam-only flags would only warn
            for key in _BEAM_ONLY:
                kwargs.pop(key, None)
        if not kwargs.get("do_sample"):
            for key in ("temperature", "top_k", "top_p"):
                kwargs.pop(key, None)
        return kwargs

    def describe(self) -> dict[str, Any]:
        """For manifest.json and record keys (changing any of it regenerates)."""
        return {
            **self.values,
            "max_new_tokens": self.max_new_tokens,
            "min_new_tokens": self.min_new_tokens,
            "prefix": self.prefix,
            **self.extra,
            "sources": dict(self.sources),
        }

    def for_direction(self, prefix: str, forced_bos: tuple[int, str] | None) -> EffectiveGeneration:
        """These settings as one translation direction applies them: its input prefix (Marian's
        target token, a T5 task prefix) and the target-language token it forces first."""
        values, sources, extra = dict(self.values), dict(self.sources), dict(self.extra)
        if forced_bos is not None:
            values["forced_bos_token_id"], extra["forced_bos_token"] = forced_bos
            sources["forced_bos_token_id"] = "target language"
        if prefix != self.prefix:
            extra["prefix_source"] = "target language"
        return replace(self, values=values, sources=sources, prefix=prefix, extra=extra)


def resolve(
    layers: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    prefix: tuple[str, str] = ("", "family default"),
    task: str = "",
) -> EffectiveGeneration:
    """Apply ``layers`` (highest first) key by key; the length pairs as one setting each."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    paired = {k for pair in _PAIRS.values() for k in pair}
    for key in GENERATION_KEYS:
        if key in paired:
            continue
        for name, layer in layers:
            if layer.get(key) is not None:
                values[key], sources[key] = layer[key], name
                break
    limits: dict[str, int] = {}
    for side, (new_key, length_key) in _PAIRS.items():
        for name, layer in layers:
            if layer.get(new_key) is not None:
                values[new_key], sources[new_key] = int(layer[new_key]), name
                limits[side] = int(layer[new_key])
                break
            if layer.get(length_key) is not None:
                values[length_key], sources[length_key] = int(layer[length_key]), name
                # An encoder-decoder's length counts the decoder start token.
                limits[side] = max(int(layer[length_key]) - 1, 0)
                break
    maximum = max(limits.get("max", 19), 1)
    return EffectiveGeneration(
        values=values,
        sources=sources,
        max_new_tokens=maximum,
        min_new_tokens=min(limits.get("min", 0), maximum),
        prefix=prefix[0],
        task=task,
        extra={"prefix_source": prefix[1]},
    )


def resolve_generation(
    loaded: Any,
    *,
    overrides: Any = None,
    preset: Mapping[str, Any] | None = None,
    task: str = "",
    prefix: str | None = None,
) -> EffectiveGeneration:
    """The settings ``loaded`` decodes with for ``task`` (``summarization``,
    ``translation_en_to_fa``, or "" for none): ``overrides`` is the ``generation.*`` node (a
    ``GenerationSettings`` or mapping; null values are unset), ``preset`` the preset's
    ``generation:`` block, ``prefix`` an explicit task prefix (None: the checkpoint's)."""
    if overrides is None:
        override_values: dict[str, Any] = {}
    elif isinstance(overrides, Mapping):
        override_values = dict(overrides)
    else:
        override_values = dict(vars(overrides))
    unknown = sorted(set(preset or {}) - set(GENERATION_KEYS))
    if unknown:
        raise ValueError(f"unknown generation setting(s) in the preset: {', '.join(unknown)}")
    layers = [
        ("override", _generation_part(override_values)),
        ("preset", _generation_part(preset or {})),
        *checkpoint_layers(loaded.location, loaded.config, task),
    ]
    chosen = (prefix, "preset") if prefix is not None else checkpoint_prefix(loaded.location, task)
    return resolve(layers, prefix=chosen, task=task)


def as_effective(loaded: Any, settings: Any) -> EffectiveGeneration:
    """``settings`` if already resolved, else resolved with it as the override layer, no task."""
    if isinstance(settings, EffectiveGeneration):
        return settings
    return resolve_generation(loaded, overrides=settings)
