"""The one order of generation settings: override > preset > generation_config.json > config.json
(top level, then task_specific_params.<task>) > family defaults, with the limits made explicit."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from summarize.generate.settings import (
    checkpoint_layers,
    checkpoint_prefix,
    resolve,
    resolve_generation,
)


def _checkpoint(folder: Path, config: dict, generation: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if generation is not None:
        (folder / "generation_config.json").write_text(json.dumps(generation), encoding="utf-8")
    return folder


def _loaded(folder: Path, **config_attrs: object) -> SimpleNamespace:
    """What resolve_generation reads of a LoadedModel: its folder and its config object."""
    return SimpleNamespace(location=str(folder), config=SimpleNamespace(**config_attrs))


def test_each_setting_comes_from_the_highest_layer_that_has_it(tmp_path: Path) -> None:
    folder = _checkpoint(
        tmp_path / "m",
        {
            "num_beams": 2,
            "length_penalty": 3.0,
            "no_repeat_ngram_size": 5,
            "task_specific_params": {
                "summarization": {"num_beams": 9, "early_stopping": True, "min_length": 7}
            },
        },
        {"num_beams": 3, "max_length": 50},
    )
    settings = resolve_generation(
        _loaded(folder, forced_eos_token_id=2),
        overrides={"num_beams": None, "no_repeat_ngram_size": 4},
        preset={"length_penalty": 1.5},
        task="summarization",
    )
    assert settings.values["no_repeat_ngram_size"] == 4
    assert settings.sources["no_repeat_ngram_size"] == "override"
    assert (settings.values["length_penalty"], settings.sources["length_penalty"]) == (
        1.5,
        "preset",
    )
    assert settings.sources["num_beams"] == "generation_config.json"
    assert settings.values["num_beams"] == 3
    assert settings.sources["early_stopping"] == "config.json task_specific_params.summarization"
    assert (settings.values["forced_eos_token_id"], settings.sources["forced_eos_token_id"]) == (
        2,
        "family default",
    )
    # max_length counts the decoder start token; min_length likewise.
    assert (settings.max_new_tokens, settings.min_new_tokens) == (49, 6)


def test_a_new_token_limit_above_beats_a_length_below_and_vice_versa() -> None:
    layers = [("override", {"max_new_tokens": 30}), ("checkpoint", {"max_length": 142})]
    assert resolve(layers).max_new_tokens == 30
    layers = [("preset", {"max_length": 84}), ("checkpoint", {"max_new_tokens": 500})]
    settings = resolve(layers)
    assert settings.max_new_tokens == 83
    assert settings.describe()["max_length"] == 84
    assert "max_new_tokens" not in settings.values  # the lower layer's spelling is not kept


def test_without_any_limit_the_transformers_default_is_explicit(tmp_path: Path) -> None:
    folder = _checkpoint(tmp_path / "bare", {"model_type": "t5"}, {"decoder_start_token_id": 0})
    settings = resolve_generation(_loaded(folder))
    assert settings.max_new_tokens == 19  # transformers' max_length=20, decoder start included
    assert settings.sources["max_length"] == "family default"
    assert settings.values["num_beams"] == 1


def test_task_prefix_from_task_specific_params_then_config_then_explicit(tmp_path: Path) -> None:
    folder = _checkpoint(
        tmp_path / "t5",
        {
            "prefix": " ",
            "task_specific_params": {"summarization": {"prefix": "summarize: "}},
        },
    )
    assert checkpoint_prefix(folder, "summarization")[0] == "summarize: "
    assert checkpoint_prefix(folder, "translation_en_to_fa")[0] == " "
    loaded = _loaded(folder)
    assert resolve_generation(loaded, task="summarization").prefix == "summarize: "
    assert resolve_generation(loaded, task="summarization", prefix="").prefix == ""


def test_legacy_force_bos_flag_forces_the_bos_token(tmp_path: Path) -> None:
    folder = _checkpoint(
        tmp_path / "bart", {"bos_token_id": 0, "force_bos_token_to_be_generated": True}
    )
    layers = dict(checkpoint_layers(folder, SimpleNamespace(), "summarization"))
    assert layers["config.json"]["forced_bos_token_id"] == 0


def test_hf_kwargs_are_complete_and_count_the_decoder_start() -> None:
    settings = resolve([("c", {"max_new_tokens": 10, "min_length": 4, "num_beams": 1})])
    kwargs = settings.hf_kwargs()
    assert kwargs["max_length"] == 11
    assert kwargs["min_length"] == 4
    assert kwargs["max_new_tokens"] is None
    assert kwargs["min_new_tokens"] is None
    assert "length_penalty" not in kwargs  # beam-only: would only warn with one beam


def test_an_unknown_preset_key_is_refused(tmp_path: Path) -> None:
    folder = _checkpoint(tmp_path / "m", {})
    with pytest.raises(ValueError, match="num_beam"):
        resolve_generation(_loaded(folder), preset={"num_beam": 4})


def test_a_direction_forces_its_target_token_and_keeps_its_prefix() -> None:
    settings = resolve([("c", {"max_length": 200})]).for_direction(">>pes<< ", (7, "pes"))
    described = settings.describe()
    assert described["forced_bos_token_id"] == 7
    assert described["forced_bos_token"] == "pes"
    assert described["prefix"] == ">>pes<< "
