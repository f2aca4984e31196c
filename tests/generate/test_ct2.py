"""CTranslate2 backend against the torch one on the tiny models of every family.

With greedy search and compute_type=float32 the two give the same token ids (and the same
Generated records): forced BOS (BART's <s>, target language tokens) via target_prefix, forced EOS
emulated, Marian's <pad> start and M2M100's made-up words mapped through the converted
vocabulary, T5/mT5 output scaling as transformers 5 computes it. Beam search agrees on these
models too, but is only guaranteed up to HF's length accounting (see summarize/generate/ct2.py).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

pytest.importorskip("ctranslate2", reason="ctranslate2 is not installed (runtime.backend=ct2)")

from summarize.config import GenerationSettings  # noqa: E402
from summarize.generate.backends import make_generator  # noqa: E402
from summarize.generate.ct2 import CT2Generator, resolve_compute_type  # noqa: E402
from summarize.generate.hf import Generator  # noqa: E402
from summarize.generate.models import LoadedModel, ModelSpec, load_seq2seq  # noqa: E402
from summarize.generate.settings import resolve_generation  # noqa: E402

TEXTS = (
    "The committee met on Friday to discuss the budget and the new hospital.",
    "Heavy rain flooded several streets.",
    "She asked whether the train to London was running late again, and he said no.",
)
# family -> (src_lang, target language token) for the families that force a first token.
DIRECTIONS = {
    "mbart50": ("en_XX", "fr_XX"),
    "m2m100": ("en", "__fr__"),
    "nllb": ("eng_Latn", "fra_Latn"),
}
FAMILIES = ("bart", "marian", "m2m100", "nllb", "mbart50", "pegasus", "t5", "mt5")


@pytest.fixture(scope="session")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ct2-cache")


def _load(path: Path) -> LoadedModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MarianTokenizer nags about sacremoses
        return load_seq2seq(
            ModelSpec(str(path)), model_root=None, device=torch.device("cpu"), dtype=torch.float32
        )


@pytest.fixture(scope="session")
def loaded_models(tiny_models: dict[str, Path]) -> dict[str, LoadedModel]:
    return {family: _load(tiny_models[family]) for family in FAMILIES}


def _direction(loaded: LoadedModel) -> dict[str, object]:
    if loaded.family in DIRECTIONS:
        src, tgt = DIRECTIONS[loaded.family]
        return {"src_lang": src, "forced_bos_token_id": loaded.tokenizer.convert_tokens_to_ids(tgt)}
    return {"prefix": ">>fra<< "} if loaded.family == "marian" else {}


def _torch_ids(
    loaded: LoadedModel, encoded: list[int], settings: GenerationSettings, forced_bos: object
) -> list[int]:
    """New ids from HF generate for one unpadded input: no decoder start, no trailing padding."""
    kwargs = {k: v for k, v in vars(settings).items() if v is not None}
    if "max_new_tokens" in kwargs:
        kwargs["max_length"] = None  # as Generator: the checkpoint's max_length would warn
    if forced_bos is not None:
        kwargs["forced_bos_token_id"] = forced_bos
    with torch.inference_mode():
        output = loaded.model.generate(input_ids=torch.tensor([encoded]), **kwargs)
    ids = output[0, 1:].tolist()
    while ids and ids[-1] == loaded.tokenizer.pad_token_id:
        ids.pop()
    return ids


def _strip_pad(ids: list[int], pad: int) -> list[int]:
    ids = list(ids)
    while ids and ids[-1] == pad:
        ids.pop()
    return ids


SETTINGS = {
    "checkpoint-defaults": GenerationSettings(num_beams=1),
    "max7": GenerationSettings(num_beams=1, max_new_tokens=7),
    "min=max=9": GenerationSettings(num_beams=1, min_new_tokens=9, max_new_tokens=9),
}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("name", list(SETTINGS))
def test_greedy_float32_matches_torch_token_for_token(
    family: str, name: str, loaded_models: dict[str, LoadedModel], ct2_cache: Path
) -> None:
    loaded, settings = loaded_models[family], SETTINGS[name]
    direction = _direction(loaded)
    ct2 = CT2Generator(
        loaded, settings, 4096, device="cpu", compute_type="float32", cache_dir=ct2_cache
    )
    encoded = ct2.encode(
        TEXTS, prefix=str(direction.get("prefix", "")), src_lang=direction.get("src_lang")
    )  # type: ignore[arg-type]
    forced_bos = direction.get("forced_bos_token_id")
    got = ct2.generate_ids(encoded, forced_bos_token_id=forced_bos)  # type: ignore[arg-type]
    pad = loaded.tokenizer.pad_token_id
    assert [_strip_pad(ids, pad) for ids in got] == [
        _torch_ids(loaded, ids, settings, forced_bos) for ids in encoded
    ]
    # ... and so the records the stages see are the same as Generator's.
    torch_records = Generator(loaded, settings, 4096).generate(TEXTS, **direction)  # type: ignore[arg-type]
    assert ct2.generate(TEXTS, **direction) == torch_records  # type: ignore[arg-type]


@pytest.mark.parametrize("family", ["bart", "marian", "m2m100"])
def test_beam_search_matches_torch_on_tiny_models(
    family: str, loaded_models: dict[str, LoadedModel], ct2_cache: Path
) -> None:
    # HF and CTranslate2 beam scores agree here (all hypotheses reach the same length); with
    # early EOS and a length penalty they may rank differently (module docstring).
    loaded = loaded_models[family]
    settings = GenerationSettings(num_beams=3, max_new_tokens=12)
    direction = _direction(loaded)
    ct2 = CT2Generator(
        loaded, settings, 4096, device="cpu", compute_type="float32", cache_dir=ct2_cache
    )
    assert ct2.generate(TEXTS, **direction) == Generator(loaded, settings, 4096).generate(
        TEXTS, **direction
    )  # type: ignore[arg-type]


def _eos_biased(path: Path, out: Path, bias: float) -> LoadedModel:
    """A copy of a tiny model whose logits favour EOS by `bias`: outputs of varied lengths."""
    loaded = _load(path)
    with torch.no_grad():
        loaded.model.final_logits_bias[0, loaded.model.generation_config.eos_token_id] = bias
    loaded.model.save_pretrained(out)
    loaded.tokenizer.save_pretrained(out)
    return _load(out)


@pytest.fixture(scope="session")
def eager_eos(
    tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, LoadedModel]:
    """BART and Marian biased towards EOS, so that minimum lengths decide where outputs end."""
    out = tmp_path_factory.mktemp("eager-eos")
    return {f: _eos_biased(tiny_models[f], out / f, 8.0) for f in ("bart", "marian")}


@pytest.mark.parametrize(
    "settings",
    [
        GenerationSettings(num_beams=4, max_new_tokens=20, early_stopping=True),
        GenerationSettings(num_beams=4, max_new_tokens=20, length_penalty=2.0, early_stopping=True),
        GenerationSettings(num_beams=4, max_new_tokens=20, length_penalty=0.5, early_stopping=True),
        GenerationSettings(
            num_beams=4, max_new_tokens=20, no_repeat_ngram_size=2, early_stopping=True
        ),
        GenerationSettings(
            num_beams=4,
            max_new_tokens=20,
            length_penalty=2.0,
            no_repeat_ngram_size=3,
            early_stopping=True,
        ),
    ],
    ids=["lp1", "lp2", "lp0.5", "ngram2", "lp2-ngram3"],
)
def test_beam_search_with_early_eos_matches_torch_when_hf_stops_early(
    settings: GenerationSettings,
    tiny_models: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    ct2_cache: Path,
) -> None:
    # Outputs of 4 to 20 tokens here (20: cut by the forced EOS, whose beam score is rescored as
    # HF scores it). early_stopping=True is CTranslate2's stopping rule; with HF's default
    # (False) and with a forced first token, beams may differ (summarize/generate/ct2.py).
    loaded = _eos_biased(tiny_models["marian"], tmp_path_factory.mktemp("mild-eos") / "m", 0.3)
    expected = Generator(loaded, settings, 4096).generate(TEXTS)
    ct2 = CT2Generator(
        loaded, settings, 4096, device="cpu", compute_type="float32", cache_dir=ct2_cache
    )
    assert ct2.generate(TEXTS) == expected


@pytest.mark.parametrize("family", ["bart", "marian"])
def test_minimum_lengths_count_like_hf(
    family: str, eager_eos: dict[str, LoadedModel], ct2_cache: Path
) -> None:
    loaded = eager_eos[family]
    for settings in (
        GenerationSettings(num_beams=1),
        GenerationSettings(num_beams=1, min_new_tokens=5, max_new_tokens=10),
    ):
        ct2 = CT2Generator(
            loaded, settings, 4096, device="cpu", compute_type="float32", cache_dir=ct2_cache
        )
        expected = Generator(loaded, settings, 4096).generate(TEXTS)
        assert ct2.generate(TEXTS) == expected
    # A checkpoint-style min_length counts the decoder start token, as HF's processor does.
    settings = resolve_generation(loaded, preset={"min_length": 6})
    ct2 = CT2Generator(
        loaded, settings, 4096, device="cpu", compute_type="float32", cache_dir=ct2_cache
    )
    expected = Generator(loaded, settings, 4096).generate(TEXTS)
    assert ct2.generate(TEXTS) == expected
    assert {g.n_output_tokens for g in expected} == {6}


def test_conversion_is_cached_by_weights_and_quantization(
    loaded_models: dict[str, LoadedModel], tmp_path: Path
) -> None:
    loaded = loaded_models["bart"]
    first = CT2Generator(
        loaded, GenerationSettings(), 4096, device="cpu", compute_type="float32", cache_dir=tmp_path
    )
    stamp = (first.model_dir / "model.bin").stat().st_mtime_ns
    again = CT2Generator(
        loaded, GenerationSettings(), 4096, device="cpu", compute_type="float32", cache_dir=tmp_path
    )
    int8 = CT2Generator(
        loaded, GenerationSettings(), 4096, device="cpu", compute_type="int8", cache_dir=tmp_path
    )
    assert again.model_dir == first.model_dir
    assert (again.model_dir / "model.bin").stat().st_mtime_ns == stamp  # reused, not rewritten
    assert int8.model_dir != first.model_dir
    assert loaded.weights_sha256
    assert first.model_dir.name.startswith(loaded.weights_sha256[:16])
    # Conversions happen in a temporary folder renamed into place: nothing else is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.model_dir.name, int8.model_dir.name]
    )


def test_int8_is_the_cpu_default_and_gives_records_of_the_same_shape(
    loaded_models: dict[str, LoadedModel], ct2_cache: Path
) -> None:
    assert resolve_compute_type("auto", "cpu") == "int8"
    assert resolve_compute_type("auto", "cuda") == "int8_float16"
    loaded = loaded_models["nllb"]
    settings = GenerationSettings(num_beams=2, max_new_tokens=8)
    ct2 = CT2Generator(loaded, settings, 4096, device="cpu", cache_dir=ct2_cache)
    assert ct2.compute_type == "int8"
    direction = _direction(loaded)
    got = ct2.generate(TEXTS, **direction)  # type: ignore[arg-type]
    expected = Generator(loaded, settings, 4096).generate(TEXTS, **direction)  # type: ignore[arg-type]
    assert [g.n_input_tokens for g in got] == [g.n_input_tokens for g in expected]
    assert all(0 < g.n_output_tokens <= 8 for g in got)
    # The forced target-language token comes first, whatever the arithmetic.
    first = ct2.generate_ids(
        ct2.encode(TEXTS, src_lang="eng_Latn"), forced_bos_token_id=direction["forced_bos_token_id"]
    )  # type: ignore[arg-type]
    assert {ids[0] for ids in first} == {direction["forced_bos_token_id"]}
    assert ct2.calls == 2


def test_inputs_over_the_model_limit_fail_instead_of_being_truncated(
    loaded_models: dict[str, LoadedModel], ct2_cache: Path
) -> None:
    loaded = loaded_models["bart"]
    ct2 = CT2Generator(
        loaded,
        GenerationSettings(),
        4096,
        device="cpu",
        compute_type="float32",
        cache_dir=ct2_cache,
    )
    with pytest.raises(ValueError, match="exceed the model limit"):
        ct2.generate(["word " * 2000])
    assert ct2.generate([]) == []


def test_make_generator_picks_the_backend(
    loaded_models: dict[str, LoadedModel], ct2_cache: Path
) -> None:
    loaded, settings = loaded_models["marian"], GenerationSettings(max_new_tokens=4)
    runtime = SimpleNamespace(
        backend="torch",
        batch_tokens=1024,
        device="cpu",
        threads=None,
        ct2_compute_type="float32",
        ct2_cache_dir=str(ct2_cache),
    )
    assert isinstance(make_generator(loaded, settings, runtime), Generator)
    runtime.backend = "ct2"
    generator = make_generator(loaded, settings, runtime)
    assert isinstance(generator, CT2Generator)
    assert (generator.compute_type, generator.batch_tokens, generator.max_new_tokens) == (
        "float32",
        1024,
        4,
    )
    runtime.backend = "onnx"
    with pytest.raises(ValueError, match="use torch or ct2"):
        make_generator(loaded, settings, runtime)
    runtime.backend, runtime.device = "ct2", "mps"
    with pytest.raises(ValueError, match="runtime.device=cpu"):
        make_generator(loaded, settings, runtime)


@pytest.mark.parametrize("family", ["bart", "marian", "nllb", "t5"])
def test_ct2_needs_no_torch_model_and_decodes_the_same(
    loaded_models: dict[str, LoadedModel],
    tiny_models: dict[str, Path],
    ct2_cache: Path,
    family: str,
) -> None:
    files_only = load_seq2seq(
        ModelSpec(str(tiny_models[family])),
        model_root=None,
        device=torch.device("cpu"),
        dtype=torch.float32,
        load_weights=False,
    )
    assert files_only.model is None
    full = loaded_models[family]
    assert (files_only.family, files_only.max_input_tokens, files_only.weights_sha256) == (
        full.family,
        full.max_input_tokens,
        full.weights_sha256,
    )
    settings = GenerationSettings(num_beams=2, max_new_tokens=6)
    options = {"device": "cpu", "compute_type": "float32", "cache_dir": ct2_cache}
    without = CT2Generator(files_only, settings, 4096, **options)  # type: ignore[arg-type]
    with_model = CT2Generator(full, settings, 4096, **options)  # type: ignore[arg-type]
    assert without.model_dir == with_model.model_dir  # one conversion, keyed by the weights
    assert without.settings.describe() == with_model.settings.describe()
    direction = _direction(full)
    assert without.generate(TEXTS, **direction) == with_model.generate(TEXTS, **direction)  # type: ignore[arg-type]
