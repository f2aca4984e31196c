"""Full-size random-weight models with a published checkpoint's exact config, for benchmarks.

Tokenizers of the same vocabulary size are trained on ../shared/data with the tiny models'
trainers (``summarize.tools.tiny_models``); unused filler tokens make up the vocabulary size.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from summarize.tools.tiny_models import train_bart_bpe, train_spm, write_bart_vocab

# The exact Hub configs of the benchmarked checkpoints ship with the package (package data).
CONFIG_DIR = Path(__file__).resolve().parent / "configs"
# ../shared/data beside the checkout, when the benchmark runs from the repository root.
DATA_DIR = Path("..") / "shared" / "data"


def _lines(names: Sequence[str], fields: Sequence[str]) -> list[str]:
    """Sentence-sized lines of `fields` from the shared JSONL files (spm skips long lines)."""
    lines: list[str] = []
    for name in names:
        with (DATA_DIR / name).open(encoding="utf-8") as handle:
            for row in map(json.loads, handle):
                for field in fields:
                    text = row.get(field) or ""
                    lines += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]
    return lines


def _bart_tokenizer(directory: Path, vocab_size: int) -> Any:
    """Byte-level BPE of the model's vocabulary size, in BartTokenizer (as the Hub files)."""
    from transformers import BartTokenizer

    lines = _lines(["cnndm_frank_dev.jsonl"], ["text", "reference"])
    lines += _lines(["flores200_devtest_dev.jsonl", "tico19_test_enfa.jsonl"], ["source"])
    vocab = train_bart_bpe(lines, directory, vocab_size, min_frequency=2)
    # 3 MB of text supports fewer merges than BART's 50k: unused fillers make up the size, so
    # the embedding and LM head are full-size; <mask> comes last as in the real vocabulary.
    for i in range(vocab_size - 1 - len(vocab)):
        vocab[f"<unused{i}>"] = len(vocab)
    write_bart_vocab(directory, vocab)
    return BartTokenizer.from_pretrained(directory)


def _marian_tokenizer(directory: Path, vocab_size: int) -> Any:
    """SentencePiece en+fr, laid out as OPUS-MT: </s>=0, <unk>=1, pieces, fillers, <pad> last."""
    import sentencepiece as spm
    from transformers import MarianTokenizer

    lines = _lines(
        ["flores200_devtest_dev.jsonl", "tatoeba_enfr_dev.jsonl"], ["source", "reference"]
    )
    lines += _lines(["cnndm_frank_dev.jsonl"], ["text"])
    # The corpus supports fewer pieces than the real vocabulary; fillers make up the size.
    train_spm(lines, directory / "source.spm", vocab_size=min(vocab_size, 32000))
    shutil.copyfile(directory / "source.spm", directory / "target.spm")
    processor = spm.SentencePieceProcessor(model_file=str(directory / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(3, processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    for i in range(vocab_size - 1 - len(vocab)):
        vocab[f"<unused{i}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return MarianTokenizer(
        str(directory / "source.spm"), str(directory / "target.spm"), str(directory / "vocab.json")
    )


def generation_config_from(values: dict[str, Any]) -> Any:
    """What the checkpoint's generation_config.json holds (transformers 5 no longer derives it)."""
    from transformers import GenerationConfig

    keys = (
        "num_beams",
        "max_length",
        "min_length",
        "length_penalty",
        "no_repeat_ngram_size",
        "early_stopping",
        "bad_words_ids",
        "forced_eos_token_id",
    )
    task = values.get("task_specific_params", {}).get("summarization", {})
    picked = {k: task.get(k, values.get(k)) for k in keys if task.get(k, values.get(k)) is not None}
    if values.get("force_bos_token_to_be_generated"):
        picked["forced_bos_token_id"] = values["bos_token_id"]
    if values.get("model_type") == "bart":
        picked.setdefault("forced_eos_token_id", values["eos_token_id"])  # BartConfig's default
    ids = ("pad_token_id", "bos_token_id", "eos_token_id", "decoder_start_token_id")
    return GenerationConfig(**picked, **{k: values[k] for k in ids if k in values})


def build_bench_model(name: str, cache: Path, *, seed: int = 0) -> Path:
    """Random-weight model with bench/configs/<name>.json, built once into `cache`."""
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    values = json.loads((CONFIG_DIR / f"{name}.json").read_text(encoding="utf-8"))
    target = cache / name
    if (target / "model.safetensors").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=cache))
    try:
        builder = _marian_tokenizer if values["model_type"] == "marian" else _bart_tokenizer
        tokenizer = builder(work, values["vocab_size"])
        # The Hub tokenizers carry the model limit; pipeline("summarization") truncates to it.
        tokenizer.model_max_length = values["max_position_embeddings"]
        tokenizer.save_pretrained(work)
        config = AutoConfig.for_model(**values)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = AutoModelForSeq2SeqLM.from_config(config)
        model.generation_config = generation_config_from(values)
        model.save_pretrained(work)
        os.replace(work, target)  # complete or absent: a crash leaves no half-built model
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
