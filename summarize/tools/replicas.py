"""Checkpoint replicas: folders with the files a real Hub checkpoint has, and random weights.

A replica of ``<hub id>`` is built from that repository's small JSON files (``config.json``,
``generation_config.json``, ``tokenizer_config.json``, ``special_tokens_map.json``; copies with
their provenance are in ``tests/fixtures/checkpoints/``). Every key is kept; only layer counts and
widths shrink unless ``full_size``. Beside them go a tokenizer of the family's real type in the
files the repository ships (``vocab.json`` + ``merges.txt``, ``spiece.model``,
``sentencepiece.bpe.model``, ``source.spm`` + ``target.spm``), trained on text from inside the
package and, at full size, padded with never-used entries to exactly the real vocabulary; and
random weights in the format the repository's main branch has (``pytorch_model.bin`` or
``model.safetensors``). Nothing goes through ``save_pretrained``: it would rewrite the JSON files
in transformers' current format, and the loader must be proven against the files as they are.
"""

from __future__ import annotations

import json
import math
import shutil
from itertools import chain, count
from pathlib import Path
from typing import Any

import sentencepiece as spm
import torch
from sentencepiece import sentencepiece_model_pb2 as spm_pb2

from summarize.generate.tokenization import config_family
from summarize.tools.tiny_corpus import BUILTIN_LINES
from summarize.tools.tiny_models import train_bart_bpe, train_spm

# Repositories whose main branch has model.safetensors (PROVENANCE.md); the others: .bin only.
SAFETENSORS_REPOS = frozenset({"facebook/bart-large-cnn", "google-t5/t5-small", "t5-small"})
# Sentencepiece pieces of the real vocabularies (the rest of each tokenizer is family layout).
_REAL_SPM_PIECES = {"pegasus": 96000, "t5": 32000, "mt5": 250100, "mbart50": 250000, "nllb": 256000}
_SMALL_BART = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "num_hidden_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
}
_SMALL_T5 = {
    "d_model": 32,
    "d_kv": 8,
    "d_ff": 64,
    "num_layers": 2,
    "num_decoder_layers": 2,
    "num_heads": 4,
}
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "article.txt"


def corpus_lines() -> list[str]:
    """Training text shipped with the package: the sample article and the built-in lines."""
    text = SAMPLE.read_text(encoding="utf-8") if SAMPLE.is_file() else ""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [line for line in lines if line] + list(BUILTIN_LINES)


def _filler(i: int) -> str:
    # Private-use characters no text has; no filler is two others joined, so a BPE conversion
    # derives no merge that could ever produce one.
    return f"\ue000{i:x}\ue001"


def _pad_spm(path: Path, pieces: int) -> None:
    """Append UNUSED pieces up to ``pieces``: never produced by encoding, so ids stay put."""
    proto = spm_pb2.ModelProto()  # type: ignore[attr-defined]
    proto.ParseFromString(path.read_bytes())
    have = len(proto.pieces)
    if have > pieces:
        raise ValueError(f"{path.name}: trained {have} pieces, more than the {pieces} wanted")
    low = min(p.score for p in proto.pieces) - 10.0
    for i in range(pieces - have):
        piece = proto.pieces.add()
        piece.piece = _filler(i)
        piece.score = low
        piece.type = 5  # UNUSED
    path.write_bytes(proto.SerializeToString())


def _spm(lines: list[str], path: Path, model_type: str, pieces: int | None, **ids: Any) -> int:
    train_spm(lines, path, model_type, vocab_size=2000, **ids)
    if pieces is not None:
        _pad_spm(path, pieces)
    return int(spm.SentencePieceProcessor(model_file=str(path)).get_piece_size())


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _vocab_json(
    path: Path, vocab: dict[str, int], size: int | None, last: list[str], space: str
) -> int:
    """Write ``vocab`` padded to ``size`` entries (with ``last`` at the end).

    Each filler joins two trained words (``<space>the`` + ``<space>city``): unreachable by the
    merges, like the sentencepiece fillers, but decoding to real words, so a random model's
    output re-encodes to about two tokens per filler (hierarchical reduction re-reads what it
    wrote; byte-like fillers made it grow instead of shrink).
    """
    words = [t for t in vocab if t.startswith(space) and t[1:].isalpha()]
    # Should a tiny corpus run out of pairs, the private-use fillers take over.
    fillers = chain((a + b for a in words for b in words), map(_filler, count()))
    while size is not None and len(vocab) < size - len(last):
        vocab.setdefault(next(fillers), len(vocab))
    for token in last:
        vocab[token] = len(vocab)
    _write_json(path, vocab)
    return len(vocab)


def _tokenizer(family: str, d: Path, lines: list[str], rows: int | None, hub_id: str) -> int:
    """Write the family's tokenizer files; return the embedding rows its layout implies.

    ``rows`` (full size) is config.json's vocab_size, which the layout must reproduce exactly.
    """
    full = rows is not None
    if family == "bart":  # vocab.json ends with <mask>, one past the model's rows (as on the Hub)
        vocab = train_bart_bpe(lines, d, vocab_size=1000)
        size = None if rows is None else rows + 1
        return _vocab_json(d / "vocab.json", vocab, size, ["<mask>"], "\u0120") - 1
    if family in ("pegasus", "t5", "mt5"):  # pad 0, eos 1, unk 2
        ids = {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1}
        n = _spm(
            lines, d / "spiece.model", "unigram", _REAL_SPM_PIECES[family] if full else None, **ids
        )
        if family == "pegasus":
            return n + 103  # <pad> </s> <mask_1> <mask_2> <unk_2..102>, then pieces from 2
        if family == "t5":  # 100 <extra_id_n> sentinels; rows rounded up to 128
            return math.ceil((n + 100) / 128) * 128
        return math.ceil(n / 128) * 128  # mT5: extra_ids=0
    if family in ("mbart50", "nllb"):  # fairseq ids: spm id + 1, then language codes, <mask>
        kind = "unigram" if family == "mbart50" else "bpe"
        n = _spm(
            lines, d / "sentencepiece.bpe.model", kind, _REAL_SPM_PIECES[family] if full else None
        )
        return n + 1 + 52 + 1 if family == "mbart50" else n + 1 + 202 + 1 + 2  # NLLB: 2 spare rows
    if family == "m2m100":  # vocab.json, then 100 language tokens and 8 made-up words
        _spm(lines, d / "sentencepiece.bpe.model", "bpe", None)
        vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        for piece in _pieces(d / "sentencepiece.bpe.model")[3:]:
            vocab.setdefault(piece, len(vocab))
        size = None if rows is None else rows - 108
        return _vocab_json(d / "vocab.json", vocab, size, [], "\u2581") + 108
    if family == "marian":  # </s> 0, <unk> 1, [>>xxx<< tags], pieces, <pad> last
        _spm(lines, d / "source.spm", "unigram", None)
        shutil.copyfile(d / "source.spm", d / "target.spm")
        tags = ("pes", "fas", "kur", "urd") if hub_id.endswith("-iir") else ()
        vocab = {"</s>": 0, "<unk>": 1}
        for token in [f">>{c}<<" for c in tags] + _pieces(d / "source.spm")[3:]:
            vocab.setdefault(token, len(vocab))
        return _vocab_json(d / "vocab.json", vocab, rows, ["<pad>"], "\u2581")
    raise ValueError(f"no replica tokenizer for family {family!r}")


def _pieces(path: Path) -> list[str]:
    sp = spm.SentencePieceProcessor(model_file=str(path))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _shrunk(config: dict[str, Any], family: str, rows: int) -> dict[str, Any]:
    small = _SMALL_T5 if family in ("t5", "mt5") else _SMALL_BART
    out = {k: small.get(k, v) for k, v in config.items()}
    out["vocab_size"] = rows
    if "decoder_vocab_size" in out:
        out["decoder_vocab_size"] = rows
    return out


def _renumber_pad(data: dict[str, Any], old: int, new: int) -> dict[str, Any]:
    """Marian's <pad> (decoder start, banned word) is the last id: follow it when shrinking."""
    out = dict(data)
    for key in ("pad_token_id", "decoder_start_token_id"):
        if out.get(key) == old:
            out[key] = new
    if out.get("bad_words_ids") == [[old]]:
        out["bad_words_ids"] = [[new]]
    return out


def build_replica(
    source: str | Path,
    out_root: str | Path,
    hub_id: str,
    *,
    full_size: bool = False,
    weights: str | None = None,
    seed: int = 0,
) -> Path:
    """Write a replica of ``hub_id`` (its JSON files in ``source``) to ``out_root/<hub id>``.

    ``weights``: bin | safetensors | none (default: what the repository's main branch has).
    """
    source, target = Path(source), Path(out_root) / hub_id
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    files = {
        f.name: json.loads(f.read_text(encoding="utf-8")) for f in sorted(source.glob("*.json"))
    }
    config = files["config.json"]
    family = config_family(source)
    real_rows = int(config["vocab_size"])
    rows = _tokenizer(family, target, corpus_lines(), real_rows if full_size else None, hub_id)
    if full_size and rows != real_rows:
        raise ValueError(
            f"{hub_id}: the tokenizer layout gives {rows} rows, config has {real_rows}"
        )
    if not full_size:
        files["config.json"] = _shrunk(config, family, rows)
        if family == "marian":
            files = {
                n: _renumber_pad(d, real_rows - 1, rows - 1) if "config" in n else d
                for n, d in files.items()
            }
    for name, data in files.items():
        _write_json(target / name, data)
    fmt = weights or ("safetensors" if hub_id in SAFETENSORS_REPOS else "bin")
    if fmt != "none":
        _write_weights(target, fmt, seed)
    return target


def _write_weights(target: Path, fmt: str, seed: int) -> None:
    from summarize.generate.models import quiet_loading

    with quiet_loading():  # transformers' advice about legacy config keys is not for us here
        _random_weights(target, fmt, seed)


def _random_weights(target: Path, fmt: str, seed: int) -> None:
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    config = AutoConfig.from_pretrained(target)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = AutoModelForSeq2SeqLM.from_config(config)
    raw = json.loads((target / "config.json").read_text(encoding="utf-8"))
    head = getattr(model, "lm_head", None)
    if raw.get("tie_word_embeddings") is False and head is not None:
        # mT5 has its own output matrix; transformers 5 builds it tied to the embeddings (and
        # unties on load when the file holds a separate one, as the real file does).
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed + 1)
            untied = torch.randn_like(head.weight) * float(head.weight.detach().std())
        head.weight = torch.nn.Parameter(untied)
    if fmt == "bin":  # a plain state dict, as the repositories' pytorch_model.bin files are
        torch.save(model.state_dict(), target / "pytorch_model.bin")
    elif fmt == "safetensors":
        from safetensors.torch import save_model

        save_model(model, str(target / "model.safetensors"), metadata={"format": "pt"})
    else:
        raise ValueError(f"weights={fmt!r}: use bin, safetensors or none")


def build_replicas(
    source_root: str | Path, out_root: str | Path, hub_ids: list[str], **options: Any
) -> dict[str, Path]:
    return {h: build_replica(Path(source_root) / h, out_root, h, **options) for h in hub_ids}
