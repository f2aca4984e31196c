"""Every preset against a replica of its real checkpoint (tests/fixtures/checkpoints: the Hub's
JSON files; random weights in the format the repository's main branch has): it loads with default
settings, decodes with the settings its checkpoint or model card asks for, and translators force
their target language first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sentencepiece as spm
import torch
from omegaconf import OmegaConf

from summarize.config import CONF_DIR
from summarize.generate.models import ModelCache, ModelSpec, ModelUnavailableError, load_seq2seq
from summarize.run.build import (
    generation_overrides,
    summarizer_config,
    target_languages,
    translator_override,
)
from summarize.summarise.build import build_summariser
from summarize.translate.translator import TranslatorSet

CPU = torch.device("cpu")
CHECKPOINTS = Path(__file__).resolve().parents[1] / "fixtures" / "checkpoints"
SAFETENSORS_ON_THE_HUB = {"facebook/bart-large-cnn", "google-t5/t5-small"}  # PROVENANCE.md

# What each summariser preset must decode with: its checkpoint's values (distilbart and t5-small
# keep them in config.json, t5-small only in task_specific_params) or its model card's (mT5).
EXPECTED = {
    "distilbart-cnn": {
        "num_beams": 4,
        "min_length": 56,
        "max_length": 142,
        "no_repeat_ngram_size": 3,
        "length_penalty": 2.0,
    },
    "pegasus-cnn": {"num_beams": 8, "max_length": 128, "length_penalty": 0.8},
    "t5-small": {
        "num_beams": 4,
        "min_length": 30,
        "max_length": 200,
        "no_repeat_ngram_size": 3,
        "length_penalty": 2.0,
        "prefix": "summarize: ",
    },
    "mt5-xlsum": {"max_length": 84, "num_beams": 4, "no_repeat_ngram_size": 2},
}
# translator preset -> (+lang, the token it must force first, or the prefix it must put first)
TRANSLATORS = {
    "mbart50-m2m": ("fa", "fa_IR"),
    "nllb-600m": ("fa", "pes_Arab"),
    "m2m100-418m": ("fa", "__fa__"),
}


def _preset_ids() -> list[str]:
    ids = []
    for group in ("summarizer", "translator"):
        for path in sorted((CONF_DIR / group).glob("*.yaml")):
            name = OmegaConf.load(path).get("name_or_path")
            if name and name != "???" and "{" not in name:
                ids.append(name)
    langs = [OmegaConf.load(p).codes.opus_mt for p in (CONF_DIR / "lang").glob("*.yaml")]
    return (
        ids
        + [f"Helsinki-NLP/opus-mt-en-{c}" for c in langs if c != "en"]
        + [
            "Helsinki-NLP/opus-mt-en-iir"  # codes.opus_mt of Persian under translator=opus-mt
        ]
    )


def test_every_preset_has_its_checkpoint_files_shipped() -> None:
    missing = [h for h in _preset_ids() if not (CHECKPOINTS / h / "config.json").is_file()]
    assert not missing


@pytest.mark.parametrize("hub_id", sorted(set(_preset_ids())))
def test_each_replica_loads_with_default_settings(checkpoint_replicas: Path, hub_id: str) -> None:
    loaded = load_seq2seq(
        ModelSpec(hub_id), model_root=str(checkpoint_replicas), device=CPU, dtype=torch.float32
    )
    assert loaded.where == "model_root"
    want = "safetensors" if hub_id in SAFETENSORS_ON_THE_HUB else "pytorch_model.bin"
    assert loaded.weights_format == want
    assert loaded.weights_bytes > 0


@pytest.mark.parametrize("preset", sorted([*EXPECTED, "bart-large-cnn"]))
def test_summariser_presets_decode_as_their_checkpoints_ask(
    make_config, checkpoint_replicas: Path, preset: str
) -> None:
    cfg = make_config(f"summarizer={preset}", f"model_root={checkpoint_replicas}")
    models = ModelCache(model_root=cfg.model_root, device=CPU, dtype=torch.float32)
    generator = build_summariser(
        summarizer_config(cfg), models, overrides=generation_overrides(cfg, "summary")
    ).generator  # type: ignore[attr-defined]
    described = generator.settings.describe()
    if preset == "bart-large-cnn":  # everything its generation_config.json says, from there
        folder = CHECKPOINTS / "facebook/bart-large-cnn"
        expected = json.loads((folder / "generation_config.json").read_text(encoding="utf-8"))
        for key in ("num_beams", "min_length", "max_length", "no_repeat_ngram_size"):
            assert described[key] == expected[key]
            assert described["sources"][key] == "generation_config.json"
        assert described["length_penalty"] == expected["length_penalty"]
        assert described["forced_bos_token_id"] == expected["forced_bos_token_id"]
        return
    assert {k: described[k] for k in EXPECTED[preset]} == EXPECTED[preset]
    # The limit counts the decoder start token, as transformers' max_length does.
    assert generator.max_new_tokens == EXPECTED[preset]["max_length"] - 1


def test_an_output_cut_at_the_checkpoint_limit_is_flagged(
    make_config, checkpoint_replicas: Path
) -> None:
    """t5-small's limit (200) lives only in task_specific_params; forced to run up to it."""
    cfg = make_config(
        "summarizer=t5-small",
        f"model_root={checkpoint_replicas}",
        "generation.summary.num_beams=1",
        "generation.summary.min_new_tokens=199",
    )
    models = ModelCache(model_root=cfg.model_root, device=CPU, dtype=torch.float32)
    generator = build_summariser(
        summarizer_config(cfg), models, overrides=generation_overrides(cfg, "summary")
    ).generator  # type: ignore[attr-defined]
    assert generator.max_new_tokens == 199
    (output,) = generator.generate(["The council met on Tuesday."], prefix="summarize: ")
    assert output.hit_max_new_tokens


@pytest.mark.parametrize("preset", sorted(TRANSLATORS))
def test_translators_force_their_target_language_first(
    make_config, checkpoint_replicas: Path, preset: str
) -> None:
    lang, token = TRANSLATORS[preset]
    cfg = make_config(f"+lang={lang}", f"translator={preset}", f"model_root={checkpoint_replicas}")
    models = ModelCache(model_root=cfg.model_root, device=CPU, dtype=torch.float32)
    translator = TranslatorSet(
        target_languages(cfg),
        models,
        translator=translator_override(cfg),
        overrides=generation_overrides(cfg, "translation"),
    ).get("en", lang)
    loaded = translator.generator.loaded
    token_id = loaded.tokenizer.convert_tokens_to_ids(token)
    assert token_id != loaded.tokenizer.unk_token_id
    described = translator.settings.describe()
    assert (described["forced_bos_token"], described["forced_bos_token_id"]) == (token, token_id)
    kwargs = {**translator.settings.hf_kwargs(), "max_length": 4, "num_beams": 1}
    loaded.tokenizer.src_lang = translator.direction.src_lang
    batch = loaded.tokenizer(["The council met on Tuesday."], return_tensors="pt")
    with torch.inference_mode():
        output = loaded.model.generate(**batch, **kwargs)
    assert int(output[0, 1]) == token_id  # first token after the decoder start


def test_multi_target_opus_mt_gets_its_target_token_as_prefix(
    make_config, checkpoint_replicas: Path
) -> None:
    cfg = make_config("+lang=fa", "translator=opus-mt", f"model_root={checkpoint_replicas}")
    models = ModelCache(model_root=cfg.model_root, device=CPU, dtype=torch.float32)
    translator = TranslatorSet(
        target_languages(cfg),
        models,
        translator=translator_override(cfg),
        overrides=generation_overrides(cfg, "translation"),
    ).get("en", "fa")
    assert translator.generator.loaded.spec.name_or_path == "Helsinki-NLP/opus-mt-en-iir"
    assert translator.direction.prefix == ">>pes<< "
    assert translator.settings.describe()["max_length"] == 512  # its generation_config.json


def _load(root: Path, hub_id: str):
    return load_seq2seq(ModelSpec(hub_id), model_root=str(root), device=CPU, dtype=torch.float32)


def test_pegasus_ids_are_the_sentencepiece_ids_plus_103(checkpoint_replicas: Path) -> None:
    """With the special_tokens_map.json of the shared checkpoint (mask_token <mask_2>)."""
    loaded = _load(checkpoint_replicas, "google/pegasus-cnn_dailymail")
    folder = checkpoint_replicas / "google/pegasus-cnn_dailymail"
    sp = spm.SentencePieceProcessor(model_file=str(folder / "spiece.model"))
    text = "Heavy rain flooded several streets in the old part of the city."
    tokenizer = loaded.tokenizer
    assert tokenizer(text)["input_ids"] == [i + 103 for i in sp.encode(text)] + [1]
    assert (tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id) == (0, 1, 105)
    assert tokenizer.convert_tokens_to_ids(["<mask_1>", "<mask_2>", "<unk_2>"]) == [2, 3, 4]
    assert tokenizer.mask_token == "<mask_2>"


def test_nllb_language_codes_follow_the_pieces_and_mask_is_last(checkpoint_replicas: Path) -> None:
    loaded = _load(checkpoint_replicas, "facebook/nllb-200-distilled-600M")
    folder = checkpoint_replicas / "facebook/nllb-200-distilled-600M"
    pieces = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.bpe.model"))
    n = pieces.get_piece_size()
    tokenizer = loaded.tokenizer
    assert tokenizer.convert_tokens_to_ids("ace_Arab") == n + 1  # the first code
    assert tokenizer.convert_tokens_to_ids("<mask>") == n + 1 + 202
    tokenizer.src_lang = "eng_Latn"
    assert tokenizer("Hello.")["input_ids"][0] == tokenizer.convert_tokens_to_ids("eng_Latn")


def test_a_tokenizer_that_stays_shifted_fails_loudly(
    checkpoint_replicas: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarize.generate.tokenization as tokenization

    monkeypatch.setattr(tokenization, "_rebuilt", lambda *args: None)
    with pytest.raises(ModelUnavailableError, match="does not give the ids"):
        _load(checkpoint_replicas, "google/pegasus-cnn_dailymail")


@pytest.mark.parametrize(
    "hub_id",
    [
        "sshleifer/distilbart-cnn-12-6",
        "facebook/mbart-large-50-many-to-many-mmt",
        "google/pegasus-cnn_dailymail",
        "facebook/nllb-200-distilled-600M",
    ],
)
def test_full_size_tokenizers_have_the_real_vocabulary_size(tmp_path: Path, hub_id: str) -> None:
    """The replica builder at full size (the acceptance checkpoints), tokenizer only."""
    from summarize.generate.tokenization import load_tokenizer
    from summarize.tools.replicas import build_replica

    folder = build_replica(CHECKPOINTS / hub_id, tmp_path, hub_id, full_size=True, weights="none")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    real = json.loads((CHECKPOINTS / hub_id / "config.json").read_text(encoding="utf-8"))
    assert config == real  # every key, every value: nothing shrunk
    tokenizer = load_tokenizer(folder, hub_id)
    # BART's vocab.json has <mask> one past the model's rows, as on the Hub (50265 vs 50264).
    extra = 1 if config["model_type"] == "bart" else 0
    spare = 2 if hub_id.startswith("facebook/nllb") else 0  # NLLB's two spare rows
    assert len(tokenizer) == config["vocab_size"] + extra - spare
