"""Loading a checkpoint's tokenizer and proving it gives the ids the weights were trained with.

transformers 5 builds most tokenizers by converting the repository's sentencepiece model, and two
conversions were seen to go wrong with files real repositories ship (both reproduced on replicas):

* PEGASUS with a ``special_tokens_map.json`` naming ``mask_token: <mask_2>`` (as older
  ``save_pretrained`` wrote it): the converter then lays out one reserved token too few, so every
  piece id is one below the original model's (spm id + 102 instead of + 103).
* NLLB from ``sentencepiece.bpe.model`` without ``tokenizer.json``: the 202 language codes are
  not registered (``eng_Latn`` becomes ``<unk>``), and passing them puts ``<mask>`` before them,
  shifting every language code by one.

Either would make the model read shifted ids and write fluent-looking nonsense, with no error.
So every sentencepiece family is checked against its own ``.model`` file (ids = spm ids + the
family's offset; language codes right after the pieces, ``<mask>`` last); a known bad layout is
rebuilt with the arguments that give the original one, and anything still wrong fails loudly.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

# family -> (sentencepiece file, offset of piece ids, language codes before <mask>)
_SPM_FAMILIES: dict[str, tuple[str, int, str | None]] = {
    "pegasus": ("spiece.model", 103, None),  # <pad> </s> <mask_1> <mask_2> <unk_2..102>
    "t5": ("spiece.model", 0, None),
    "mt5": ("spiece.model", 0, None),
    "mbart50": ("sentencepiece.bpe.model", 1, "mbart50"),  # fairseq: <s> <pad> </s> <unk>
    "nllb": ("sentencepiece.bpe.model", 1, "nllb"),
}
PROBE = "The committee will publish its annual report on Friday morning, 12 May."


class TokenizerMismatchError(RuntimeError):
    """The tokenizer transformers built does not reproduce the checkpoint's token ids."""


def config_family(location: str | Path) -> str:
    """The family config.json describes (before anything is loaded)."""
    try:
        config = json.loads((Path(location) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "other"
    model_type = config.get("model_type")
    tokenizer_class = config.get("tokenizer_class") or ""
    if model_type == "mbart":
        return "mbart50" if tokenizer_class.startswith("MBart50") else "mbart"
    if model_type == "m2m_100":
        return "nllb" if tokenizer_class.startswith("Nllb") else "m2m100"
    if model_type in ("bart", "pegasus", "t5", "mt5", "marian"):
        return str(model_type)
    return "other"


def language_codes(kind: str) -> list[str]:
    if kind == "mbart50":
        from transformers.models.mbart50.tokenization_mbart50 import FAIRSEQ_LANGUAGE_CODES
    else:
        from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES
    return list(FAIRSEQ_LANGUAGE_CODES)


def layout_problem(tokenizer: Any, location: str | Path, family: str) -> str | None:
    """What is wrong with ``tokenizer``'s ids for this checkpoint, or None (also when there is
    no sentencepiece file to compare with: a tokenizer.json is the repository's own layout)."""
    if family not in _SPM_FAMILIES:
        return None
    name, offset, codes_kind = _SPM_FAMILIES[family]
    spm_file = Path(location) / name
    if not spm_file.is_file():
        return None
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(spm_file))
    pieces = processor.encode(PROBE)
    # fairseq dictionaries put <unk> at 3 whatever its spm id (0)
    expected = [3 if offset == 1 and i == 0 else i + offset for i in pieces]
    got = list(tokenizer(PROBE, add_special_tokens=False)["input_ids"])
    if got != expected:
        return (
            f"{PROBE!r} gives ids {got[:6]}..., {name} + {offset} gives {expected[:6]}... "
            f"(offset {offset} expected)"
        )
    if codes_kind is None:
        return None
    codes = language_codes(codes_kind)
    first = processor.get_piece_size() + 1
    ids = tokenizer.convert_tokens_to_ids(codes)
    wrong = [c for i, (c, got_id) in enumerate(zip(codes, ids, strict=True)) if got_id != first + i]
    if wrong:
        return f"language code {wrong[0]} is id {ids[codes.index(wrong[0])]}, expected " + str(
            first + codes.index(wrong[0])
        )
    mask = tokenizer.convert_tokens_to_ids("<mask>")
    if mask != first + len(codes):
        return f"<mask> is id {mask}, expected {first + len(codes)} (after the language codes)"
    return None


def _rebuilt(location: str | Path, family: str, options: dict[str, Any], max_length: int) -> Any:
    """The layout of the original tokenizer, for the conversions known to go wrong."""
    from transformers import AddedToken, AutoTokenizer

    if family == "pegasus":
        # The converter lays out mask_token then mask_token_sent: <mask_1> 2, <mask_2> 3.
        tokenizer = AutoTokenizer.from_pretrained(
            location, mask_token="<mask_1>", mask_token_sent="<mask_2>", **options
        )
        tokenizer.mask_token = "<mask_2>"  # the original's mask token; its id stays 3
        return tokenizer
    if family == "nllb":
        from transformers import NllbTokenizer

        # The folder's tokenizer_config.json re-adds <mask> before the codes whatever the
        # arguments, so the sentencepiece model is read alone; <mask> goes last, as originally.
        with tempfile.TemporaryDirectory() as tmp:
            name = "sentencepiece.bpe.model"
            os.symlink(Path(location, name).resolve(), Path(tmp, name))
            tokenizer = NllbTokenizer.from_pretrained(
                tmp,
                extra_special_tokens=language_codes("nllb"),
                mask_token=None,
                model_max_length=max_length,
                **options,
            )
        mask = AddedToken("<mask>", lstrip=True, special=True)
        tokenizer.add_special_tokens({"mask_token": mask})
        return tokenizer
    return None


def load_tokenizer(location: str | Path, name: str, **options: Any) -> Any:
    """``AutoTokenizer`` for the folder, checked (and if need be rebuilt) as the module says."""
    from transformers import AutoTokenizer

    family = config_family(location)
    tokenizer = AutoTokenizer.from_pretrained(location, **options)
    problem = layout_problem(tokenizer, location, family)
    if problem is not None:
        rebuilt = _rebuilt(location, family, options, tokenizer.model_max_length)
        if rebuilt is not None and layout_problem(rebuilt, location, family) is None:
            tokenizer, problem = rebuilt, None
    if problem is not None:
        raise TokenizerMismatchError(
            f"the tokenizer transformers builds for {name!r} ({location}) does not give the ids "
            f"its weights were trained with: {problem}. Refusing to generate from shifted ids; "
            f"put the repository's tokenizer.json beside it (python -m summarize.download "
            f"--model {name} fetches it)"
        )
    # Whole articles are tokenised to be counted before chunking; every chunk the model sees
    # fits, so transformers' "sequence length is longer than the specified maximum" is noise.
    warned = getattr(tokenizer, "deprecation_warnings", None)
    if isinstance(warned, dict):
        warned["sequence-length-is-longer-than-the-specified-maximum"] = True
    return tokenizer
