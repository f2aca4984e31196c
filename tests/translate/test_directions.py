"""Family quirks of each language pair: language tokens, forced first token, task prefixes."""

from pathlib import Path

import pytest
import torch

from summarize.config import load_lang_config
from summarize.generate.models import LoadedModel, ModelSpec, load_seq2seq
from summarize.translate.directions import LanguageNotSupportedError, direction_for


def load(path: Path) -> LoadedModel:
    return load_seq2seq(
        ModelSpec(str(path)), model_root=None, device=torch.device("cpu"), dtype=torch.float32
    )


@pytest.mark.parametrize("family", ["mbart50", "m2m100", "nllb"])
@pytest.mark.parametrize("target", ["fa", "fr"])
def test_target_language_token_is_the_first_generated_token(
    tiny_models: dict[str, Path], family: str, target: str
) -> None:
    loaded = load(tiny_models[family])
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
    loaded = load(tiny_models["marian"])
    direction = direction_for(
        loaded, load_lang_config("en").codes, "English", load_lang_config("fa")
    )
    assert direction.prefix == ">>pes<< "
    assert direction.forced_bos_token_id is None
    ids = loaded.tokenizer(direction.prefix + "Hello.", add_special_tokens=False)["input_ids"]
    assert ids[0] == loaded.tokenizer.convert_tokens_to_ids(">>pes<<")


def test_t5_translation_uses_the_task_prefix(tiny_models: dict[str, Path]) -> None:
    loaded = load(tiny_models["t5"])
    direction = direction_for(
        loaded,
        load_lang_config("en").codes,
        "English",
        load_lang_config("fr"),
        "translate {src_name} to {tgt_name}: ",
    )
    assert direction.prefix == "translate English to French: "


def test_a_language_the_translator_lacks_is_refused_by_name(tiny_models: dict[str, Path]) -> None:
    loaded = load(tiny_models["mbart50"])
    target = load_lang_config("fa")
    target.codes.mbart50 = "xx_XX"
    with pytest.raises(LanguageNotSupportedError, match=r"Persian.*xx_XX"):
        direction_for(loaded, load_lang_config("en").codes, "English", target)
