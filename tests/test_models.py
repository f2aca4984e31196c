"""Each real architecture loads from a local folder, generates, and gets its language quirks right."""

import time
from pathlib import Path

import pytest
import torch

from summarize.config import GenerationSettings, load_lang_config
from summarize.generate import Generator, token_budget_batches
from summarize.models import ModelSpec, ModelUnavailableError, load_seq2seq
from summarize.translate import direction_for

CPU = torch.device("cpu")


def load(path: Path, family: str):
    return load_seq2seq(ModelSpec(str(path)), model_root=None, device=CPU, dtype=torch.float32)


@pytest.mark.parametrize(
    "family", ["bart", "pegasus", "t5", "mt5", "marian", "mbart50", "m2m100", "nllb"]
)
def test_family_loads_from_a_local_folder_and_generates(
    tiny_models: dict[str, Path], family: str
) -> None:
    loaded = load(tiny_models[family], family)
    assert loaded.family == ("t5" if family == "mt5" else family)
    assert loaded.weights_sha256
    assert len(loaded.weights_sha256) == 64
    generator = Generator(
        loaded, GenerationSettings(max_new_tokens=6, num_beams=2), batch_tokens=256
    )
    outputs = generator.generate(["The cat sat on the mat.", "Second, longer input sentence here."])
    assert len(outputs) == 2
    assert all(0 < o.n_output_tokens <= 6 for o in outputs)
    assert all(o.n_input_tokens > 0 for o in outputs)


@pytest.mark.parametrize("family", ["mbart50", "m2m100", "nllb"])
@pytest.mark.parametrize("target", ["fa", "fr"])
def test_target_language_token_is_the_first_generated_token(
    tiny_models: dict[str, Path], family: str, target: str
) -> None:
    loaded = load(tiny_models[family], family)
    direction = direction_for(
        loaded, load_lang_config("en").codes, "English", load_lang_config(target)
    )
    tokenizer = loaded.tokenizer
    tokenizer.src_lang = direction.src_lang
    batch = tokenizer(["The cat sat on the mat."], return_tensors="pt")
    output = loaded.model.generate(
        **batch, max_new_tokens=4, forced_bos_token_id=direction.forced_bos_token_id
    )
    # output[0][0] is the decoder start token; the forced token follows it.
    expected = {
        "mbart50": {"fa": "fa_IR", "fr": "fr_XX"},
        "m2m100": {"fa": "__fa__", "fr": "__fr__"},
        "nllb": {"fa": "pes_Arab", "fr": "fra_Latn"},
    }
    assert tokenizer.convert_ids_to_tokens(int(output[0][1])) == expected[family][target]
    # and the source language token is in the encoder input
    source_token = {"mbart50": "en_XX", "m2m100": "__en__", "nllb": "eng_Latn"}[family]
    assert tokenizer.convert_tokens_to_ids(source_token) in batch["input_ids"][0].tolist()


def test_multi_target_marian_gets_its_language_token(tiny_models: dict[str, Path]) -> None:
    loaded = load(tiny_models["marian"], "marian")
    direction = direction_for(
        loaded, load_lang_config("en").codes, "English", load_lang_config("fa")
    )
    assert direction.prefix == ">>pes<< "
    assert direction.forced_bos_token_id is None
    ids = loaded.tokenizer(direction.prefix + "Hello.", add_special_tokens=False)["input_ids"]
    assert ids[0] == loaded.tokenizer.convert_tokens_to_ids(">>pes<<")


def test_t5_translation_uses_the_task_prefix(tiny_models: dict[str, Path]) -> None:
    loaded = load(tiny_models["t5"], "t5")
    direction = direction_for(
        loaded,
        load_lang_config("en").codes,
        "English",
        load_lang_config("fr"),
        "translate {src_name} to {tgt_name}: ",
    )
    assert direction.prefix == "translate English to French: "


def test_missing_model_offline_fails_fast_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as info:
        load_seq2seq(
            ModelSpec("sshleifer/distilbart-cnn-12-6", None, "summarizer.name_or_path"),
            model_root=str(tmp_path),
            device=CPU,
            dtype=torch.float32,
        )
    assert (
        time.monotonic() - started < 30
    )  # not transformers' retry loop; generous bound, not a benchmark
    message = str(info.value)
    assert "sshleifer/distilbart-cnn-12-6" in message
    assert "SUMMARIZE_MODEL_ROOT" in message
    assert "summarizer.name_or_path=" in message


def test_model_root_maps_hub_ids_to_folders(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    root = tmp_path / "models"
    (root / "facebook").mkdir(parents=True)
    (root / "facebook" / "m2m100_418M").symlink_to(tiny_models["m2m100"], target_is_directory=True)
    loaded = load_seq2seq(
        ModelSpec("facebook/m2m100_418M"), model_root=str(root), device=CPU, dtype=torch.float32
    )
    assert loaded.family == "m2m100"


def test_pickle_weights_are_refused_unless_allowed(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "pickled"
    folder.mkdir()
    for file in tiny_models["bart"].iterdir():
        if file.suffix != ".safetensors":
            (folder / file.name).write_bytes(file.read_bytes())
    (folder / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(ModelUnavailableError, match=r"model.allow_pickle=true"):
        load_seq2seq(ModelSpec(str(folder)), model_root=None, device=CPU, dtype=torch.float32)


def test_token_budget_batches_sort_by_length_and_respect_the_budget() -> None:
    lengths = [5, 50, 10, 40, 45, 1]
    batches = token_budget_batches(lengths, 100)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert all(max(lengths[i] for i in b) * len(b) <= 100 for b in batches)
    assert batches[0][0] == 1  # longest first
