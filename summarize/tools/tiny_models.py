"""Tiny random-weight seq2seq checkpoints of the real architectures, built offline.

Why this exists: tests and benchmarks must exercise the genuine code paths of every model
family the tool supports (real config classes, real tokenizer classes and their special-token
and language-code conventions, `from_pretrained` loading, forced BOS language tokens), but the
Hugging Face Hub is unreachable and real checkpoints are far too large for CI.  So for each
family we train a small tokenizer on a local corpus, wrap it in the family's real tokenizer
class, pair it with a randomly initialised model of the real architecture (a few hundred KB),
and `save_pretrained` both.  Callers then load them with `AutoTokenizer` /
`AutoModelForSeq2SeqLM` from the directory exactly as they would load a Hub checkpoint.
The outputs are gibberish by design; only shapes, ids and plumbing are meaningful.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sentencepiece as spm
import torch
from tokenizers import ByteLevelBPETokenizer
from transformers import (
    AddedToken,
    AutoModelForSeq2SeqLM,
    BartConfig,
    BartTokenizer,
    GenerationConfig,
    M2M100Config,
    M2M100Tokenizer,
    MarianConfig,
    MarianTokenizer,
    MBart50Tokenizer,
    MBartConfig,
    MT5Config,
    NllbTokenizer,
    PegasusConfig,
    PegasusTokenizer,
    PretrainedConfig,
    PreTrainedTokenizerBase,
    T5Config,
    T5Tokenizer,
)
from transformers.models.m2m_100.tokenization_m2m_100 import (
    FAIRSEQ_LANGUAGE_CODES as M2M100_CODES,
)
from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES as NLLB_CODES

from summarize.tools.tiny_corpus import BUILTIN_LINES

FAMILIES: tuple[str, ...] = ("bart", "pegasus", "t5", "mt5", "marian", "mbart50", "m2m100", "nllb")

# Target-language tags of a multi-target OPUS-MT model (en-ROMANCE / en-iir style).
MARIAN_TARGET_CODES: tuple[str, ...] = ("arb", "deu", "fra", "spa", "ita", "por", "pes", "urd")

_SPM_VOCAB = 800
# Learned-position models get 256 positions; BART-style families share these kwargs.
_BART_SIZES: dict[str, Any] = dict(
    d_model=32,
    encoder_layers=2,
    decoder_layers=2,
    encoder_attention_heads=4,
    decoder_attention_heads=4,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
    max_position_embeddings=256,
)
# fairseq-descended families (BART, mBART, M2M100, NLLB): <s>=0 <pad>=1 </s>=2, decode from </s>.
_FAIRSEQ: dict[str, Any] = dict(
    pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, **_BART_SIZES
)
_T5_SIZES: dict[str, Any] = dict(
    d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4
)


# Always mixed into the training text so every tokenizer covers accented French and Persian
# letters (incl. ZWNJ, Persian digits and punctuation) even when the caller's corpus is narrow;
# also the fallback corpus when the shared data directory is absent.
def train_spm(
    lines: list[str],
    path: Path,
    model_type: str = "unigram",
    vocab_size: int = _SPM_VOCAB,
    **ids: Any,
) -> Path:
    """A sentencepiece model of `lines` at `path` (deterministic; may have fewer pieces)."""
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        model_type=model_type,
        vocab_size=vocab_size,
        hard_vocab_limit=False,  # a tiny corpus may not support the full size; don't fail
        character_coverage=1.0,  # keep every French/Persian letter instead of mapping to <unk>
        # nmt_nfkc would rewrite ZWNJ (U+200C) to a space, breaking Persian round-trips.
        normalization_rule_name="identity",
        num_threads=1,  # with no input shuffling this makes training deterministic
        shuffle_input_sentence=False,
        minloglevel=2,
        **ids,
    )
    path.write_bytes(buf.getvalue())
    return path


def _spm_pieces(path: Path) -> list[str]:
    sp = spm.SentencePieceProcessor(model_file=str(path))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


_Built = tuple[PreTrainedTokenizerBase, PretrainedConfig, dict[str, Any]]


def train_bart_bpe(
    lines: Iterable[str], d: Path, vocab_size: int = _SPM_VOCAB, min_frequency: int = 2
) -> dict[str, int]:
    """Byte-level BPE in d/vocab.json + d/merges.txt, the files real BART checkpoints ship.

    Returns the vocabulary without <mask>; callers pad it if they need a fixed size, then
    ``write_bart_vocab`` it (real BART vocabularies end with <mask>).
    """
    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    bpe.train_from_iterator(
        lines,
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        show_progress=False,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
    )
    bpe.save_model(str(d))
    vocab: dict[str, int] = json.loads((d / "vocab.json").read_text(encoding="utf-8"))
    return vocab


def write_bart_vocab(d: Path, vocab: dict[str, int]) -> None:
    vocab = {**vocab, "<mask>": len(vocab)}
    (d / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")


def _bart(d: Path, lines: list[str]) -> _Built:
    write_bart_vocab(d, train_bart_bpe(lines, d))
    tok = BartTokenizer.from_pretrained(d)
    config = BartConfig(vocab_size=len(tok), **_FAIRSEQ)
    return tok, config, {"forced_bos_token_id": 0, "forced_eos_token_id": 2}  # as bart-large-cnn


def _pegasus(d: Path, lines: list[str]) -> _Built:
    # Pegasus' spm has <pad>=0, </s>=1; the tokenizer inserts the 103 mask/<unk_n> slots after.
    train_spm(lines, d / "spiece.model", pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    tok = PegasusTokenizer.from_pretrained(d)
    config = PegasusConfig(
        vocab_size=len(tok),
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        scale_embedding=True,
        **_BART_SIZES,
    )
    return tok, config, {"forced_eos_token_id": 1}


def _t5_like(d: Path, lines: list[str], *, mt5: bool) -> _Built:
    train_spm(lines, d / "spiece.model", pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    # T5 appends 100 <extra_id_n> sentinels; mT5's tokenizer is saved with extra_ids=0.
    tok = T5Tokenizer.from_pretrained(d, extra_ids=0 if mt5 else 100)
    ids: dict[str, Any] = {"pad_token_id": 0, "eos_token_id": 1, "decoder_start_token_id": 0}
    if mt5:  # mT5 = T5 v1.1: gated-GELU (the MT5Config default) and untied LM head
        config: PretrainedConfig = MT5Config(tie_word_embeddings=False, **ids, **_T5_SIZES)
    else:
        config = T5Config(feed_forward_proj="relu", **ids, **_T5_SIZES)
    config.vocab_size = len(tok)
    return tok, config, {}


def _marian(d: Path, lines: list[str]) -> _Built:
    # One joint spm serves as both source.spm and target.spm: a source spm trained on English
    # only would turn French/Persian input into <unk>, and the tests round-trip all three.
    pieces = _spm_pieces(train_spm(lines, d / "source.spm"))
    shutil.copyfile(d / "source.spm", d / "target.spm")
    # OPUS-MT layout: </s>=0, <unk>=1, target tags, pieces, <pad> last (= decoder start).
    vocab = {"</s>": 0, "<unk>": 1}
    for token in [f">>{c}<<" for c in MARIAN_TARGET_CODES] + pieces[3:] + ["<pad>"]:
        vocab.setdefault(token, len(vocab))
    (d / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = MarianTokenizer(str(d / "source.spm"), str(d / "target.spm"), str(d / "vocab.json"))
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        pad_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
        decoder_start_token_id=pad,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        **_BART_SIZES,
    )
    return tok, config, {"forced_eos_token_id": 0, "bad_words_ids": [[pad]]}


def _mbart50(d: Path, lines: list[str]) -> _Built:
    # Hub file name; 5.x reads it as a unigram model, remaps it to fairseq ids
    # (<s>,<pad>,</s>,<unk>, pieces) and appends the 52 language codes and <mask> itself.
    train_spm(lines, d / "sentencepiece.bpe.model")
    tok = MBart50Tokenizer.from_pretrained(d, src_lang="en_XX")
    config = MBartConfig(vocab_size=len(tok), scale_embedding=True, **_FAIRSEQ)
    return tok, config, {"forced_eos_token_id": 2}


def _m2m100(d: Path, lines: list[str]) -> _Built:
    pieces = _spm_pieces(train_spm(lines, d / "sentencepiece.bpe.model", model_type="bpe"))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces[3:]:  # fairseq dictionary order: specials, then spm pieces
        vocab.setdefault(piece, len(vocab))
    (d / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    lang_tokens = [f"__{code}__" for code in M2M100_CODES["m2m100"]]
    # List the language tokens as special, as the Hub config does: that is what makes
    # skip_special_tokens drop them (__init__'s own check is a chained comparison, always False).
    tok = M2M100Tokenizer(
        str(d / "vocab.json"),
        str(d / "sentencepiece.bpe.model"),
        src_lang="en",
        additional_special_tokens=lang_tokens,
    )
    # Real checkpoints size the embedding as dictionary + language tokens + made-up words.
    n_embed = len(vocab) + len(lang_tokens) + tok.num_madeup_words
    config = M2M100Config(vocab_size=n_embed, scale_embedding=True, **_FAIRSEQ)
    return tok, config, {}


def _nllb(d: Path, lines: list[str]) -> _Built:
    train_spm(lines, d / "sentencepiece.bpe.model", model_type="bpe")  # 5.x reads it as BPE
    # Loading from a bare .model in 5.x registers only the spm control tokens, not the 202
    # language codes, so pass them; <mask> is added afterwards to keep it last as on the Hub.
    tok = NllbTokenizer.from_pretrained(
        d, src_lang="eng_Latn", extra_special_tokens=list(NLLB_CODES), mask_token=None
    )
    tok.add_special_tokens({"mask_token": AddedToken("<mask>", lstrip=True, special=True)})
    # NLLB checkpoints are M2M100 models; config.json names the tokenizer class, as on the Hub.
    config = M2M100Config(vocab_size=len(tok), scale_embedding=True, **_FAIRSEQ)
    config.tokenizer_class = "NllbTokenizer"
    return tok, config, {}


_BUILDERS: dict[str, Callable[[Path, list[str]], _Built]] = {
    "bart": _bart,
    "pegasus": _pegasus,
    "t5": lambda d, lines: _t5_like(d, lines, mt5=False),
    "mt5": lambda d, lines: _t5_like(d, lines, mt5=True),
    "marian": _marian,
    "mbart50": _mbart50,
    "m2m100": _m2m100,
    "nllb": _nllb,
}


def build_tiny_model(
    family: str, outdir: str | Path, corpus: Iterable[str], *, seed: int = 0
) -> Path:
    """Build `family` into `outdir/<family>/` (model, tokenizer, generation config); return it."""
    if family not in _BUILDERS:
        raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")
    model_dir = Path(outdir) / family
    # A stale tokenizer.json would take precedence over the freshly trained files on load.
    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.mkdir(parents=True)
    # Collapse whitespace/newlines and cap length: spm skips lines over 4192 bytes.
    lines = [" ".join(line.split())[:1000] for line in corpus]
    lines = [line for line in lines if line] + list(BUILTIN_LINES)
    tok, config, gen_extra = _BUILDERS[family](model_dir, lines)
    tok.save_pretrained(model_dir)
    # Fork the RNG so building models does not perturb the caller's global torch seed.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = AutoModelForSeq2SeqLM.from_config(config)
    model.generation_config = GenerationConfig(
        max_length=32,
        num_beams=1,
        do_sample=False,
        pad_token_id=config.pad_token_id,
        bos_token_id=getattr(config, "bos_token_id", None),
        eos_token_id=config.eos_token_id,
        decoder_start_token_id=config.decoder_start_token_id,
        **gen_extra,
    )
    model.save_pretrained(model_dir)  # safetensors by default
    return model_dir


def build_all(
    outdir: str | Path, corpus: Iterable[str], families: Iterable[str] = FAMILIES, *, seed: int = 0
) -> dict[str, Path]:
    """Build every family in `families` under `outdir`; return {family: model_dir}."""
    lines = list(corpus)  # the corpus may be a one-shot iterator and is reused per family
    return {family: build_tiny_model(family, outdir, lines, seed=seed) for family in families}
