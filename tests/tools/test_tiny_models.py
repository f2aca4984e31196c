"""The tiny offline checkpoints load through the Auto classes and behave like the real families."""

from __future__ import annotations

import string
import warnings
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, PreTrainedTokenizerBase

from summarize.tools.tiny_corpus import BUILTIN_LINES, default_corpus_lines
from summarize.tools.tiny_models import FAMILIES, build_all

DEV_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"
SENTENCES = (
    "The committee met on Friday to discuss the budget.",
    "L'été à Paris, « déjà » là.",
    "کتاب‌ها را می‌خوانم؟",
)
# family -> (src_lang value, its token, Persian target token) for the forced-BOS families.
LANG_FORCING = {
    "mbart50": ("en_XX", "en_XX", "fa_IR"),
    "m2m100": ("en", "__en__", "__fa__"),
    "nllb": ("eng_Latn", "eng_Latn", "pes_Arab"),
}


@pytest.fixture(scope="session")
def tiny_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    corpus = default_corpus_lines(DEV_DATA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MarianTokenizer nags about the optional sacremoses
        return build_all(tmp_path_factory.mktemp("tiny_models"), corpus)


def _load(path: Path) -> tuple[PreTrainedTokenizerBase, torch.nn.Module]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tok = AutoTokenizer.from_pretrained(path)
    return tok, AutoModelForSeq2SeqLM.from_pretrained(path).eval()


def test_default_corpus_falls_back_when_dir_missing(tmp_path: Path) -> None:
    lines = default_corpus_lines(tmp_path / "nope")
    assert len(lines) >= 20
    assert all(isinstance(line, str) and line for line in lines)


def test_fallback_lines_cover_every_character_the_tests_use() -> None:
    covered = set("".join(BUILTIN_LINES))
    needed = set(string.ascii_letters + string.digits + string.punctuation)
    needed |= set("".join(SENTENCES)) | set("àâçéèêëîïôùûüÿœæÀÉÈÇŒäöüßÄÖÜñÑ¿¡")
    needed |= set("پچژگکی۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩ةى،؛؟\u200c«»")
    assert sorted(needed - covered) == []


def test_tokenizer_trained_on_the_fallback_alone_has_no_unknown_tokens(tmp_path: Path) -> None:
    """What a clone without any dev data gets: the built-in lines only."""
    (path,) = build_all(tmp_path, default_corpus_lines(tmp_path / "no-data"), ["t5"]).values()
    tok, _ = _load(path)
    for text in SENTENCES:
        ids = tok(text).input_ids
        assert tok.unk_token_id not in ids, (text, tok.convert_ids_to_tokens(ids))


def test_default_corpus_is_trilingual_and_bounded() -> None:
    lines = default_corpus_lines(DEV_DATA, n=90)
    assert 0 < len(lines) <= 90
    assert any("é" in line for line in lines)
    assert any("\u0627" in line for line in lines)  # Arabic-script alef: Persian text present


def test_builds_every_family(tiny_dirs: dict[str, Path]) -> None:
    assert set(tiny_dirs) == set(FAMILIES)
    for path in tiny_dirs.values():
        assert (path / "model.safetensors").is_file()
        assert (path / "generation_config.json").is_file()


@pytest.mark.parametrize("family", FAMILIES)
def test_loads_round_trips_and_generates(tiny_dirs: dict[str, Path], family: str) -> None:
    tok, model = _load(tiny_dirs[family])
    for text in SENTENCES:
        ids = tok(text).input_ids
        assert tok.unk_token_id not in ids, (family, text, tok.convert_ids_to_tokens(ids))
        # Exact equality, no whitespace normalisation needed: the spm models use the identity
        # normaliser and full character coverage, and BART is byte-level.
        assert tok.decode(ids, skip_special_tokens=True) == text
    batch = tok(list(SENTENCES), return_tensors="pt", padding=True)
    with torch.no_grad():
        out = model.generate(**batch, max_new_tokens=5)
    assert out.shape[0] == len(SENTENCES)
    assert 1 < out.shape[1] <= 6  # decoder start + up to 5 new tokens
    assert model.config.vocab_size >= len(tok)


@pytest.mark.parametrize("family", sorted(LANG_FORCING))
def test_forced_bos_language_token(tiny_dirs: dict[str, Path], family: str) -> None:
    tok, model = _load(tiny_dirs[family])
    src, src_token, fa_token = LANG_FORCING[family]
    fa_id = tok.convert_tokens_to_ids(fa_token)
    assert fa_id != tok.unk_token_id
    tok.src_lang = src
    batch = tok(["The weather is nice today."], return_tensors="pt")
    assert tok.convert_tokens_to_ids(src_token) in batch.input_ids[0].tolist()
    with torch.no_grad():
        out = model.generate(**batch, forced_bos_token_id=fa_id, max_new_tokens=5)
    assert out[0, 0].item() == model.generation_config.decoder_start_token_id
    assert out[0, 1].item() == fa_id


def test_marian_is_multi_target(tiny_dirs: dict[str, Path]) -> None:
    tok, model = _load(tiny_dirs["marian"])
    for tag in (">>pes<<", ">>fra<<", ">>deu<<", ">>arb<<", ">>spa<<"):
        ids = tok.encode(tag, add_special_tokens=False)
        assert len(ids) == 1
        assert ids[0] != tok.unk_token_id
    # Marian decodes from <pad>, which is the last id of the vocabulary.
    assert model.config.decoder_start_token_id == model.config.pad_token_id == len(tok) - 1
