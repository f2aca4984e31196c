"""CTranslate2 backend: the same ``generate`` contract as ``summarize.generate.hf.Generator``.

The Hugging Face checkpoint folder is converted once (``TransformersConverter``) into
``<cache>/<weights sha256[:16]>-<tokenizer/config sha[:8]>-<quantization>-ct2v<major>/`` and
reused; conversion goes into a temporary folder renamed into place, so a crash or a concurrent run
never leaves a half-written model behind. The quantization is the compute type (``auto``: int8 on
CPU, int8_float16 on CUDA). Tokenisation and decoding stay with the HF tokenizer, so inputs,
language tokens and output text are those of the torch path.

How the two backends are made to agree. With ``compute_type=float32`` and greedy search the token
ids are identical on the tiny models of all eight families (``tests/backends/test_ct2.py``):

* Ids <-> tokens go through the converted vocabulary (position i = embedding row i), not the
  tokenizer: M2M100's made-up words and Marian's dropped ``<pad>`` make the two differ. Inputs are
  the ids the HF model sees, special tokens included (``</s>``, BART's ``<s>``, the source language
  token of mBART-50/M2M100/NLLB once ``tokenizer.src_lang`` is set). CTranslate2's default
  ``max_input_length=1024`` would silently truncate; it is disabled (chunking respects the limit).
* A forced first token (``forced_bos_token_id``: the target language, or ``<s>`` from BART's
  generation_config) becomes ``target_prefix=[[token]]``. Both return it and count it as an
  output token and towards the length limits; neither adds its log-probability to beam scores.
* ``forced_eos_token_id`` (BART, Pegasus, Marian, mBART-50) has no CTranslate2 equivalent: HF
  replaces the last allowed token by EOS. Emulated by decoding one token fewer and appending EOS to
  hypotheses that hit the limit; in beam search every hypothesis is returned and those rescored as
  HF scores them (the EOS adds log-probability 0 and one to the normalising length).
* Lengths are new tokens, EOS included: a generation_config ``max_length``/``min_length`` counts
  the decoder start token too, so it becomes N - 1; ``min_new_tokens`` = M lets EOS come as token
  M + 1. CTranslate2's ``max_decoding_length`` counts the EOS, ``min_decoding_length`` does not
  (tokens before EOS); both count the prefix.
* transformers 5 dropped config keys the converter reads: ``normalize_before`` and
  ``normalize_embedding`` (BART/mBART/Pegasus) are filled with each architecture's values;
  ``tie_word_embeddings`` is now always True, so T5 output scaling is taken from
  ``scale_decoder_outputs`` (never for mT5) instead -- else mT5 logits are scaled by d_model^-0.5
  (same argmax, different beam scores). A tokenizer without ``bos_token`` and an mBART-50 config
  without ``tokenizer_class`` (both true of summarize.tools.tiny_models) would break the conversion.
* Counting as Generator does: ``n_output_tokens`` leaves out generated ``<pad>`` tokens (T5's tiny
  models emit them; Generator cannot tell them from padding) and ``hit_max_new_tokens`` compares
  with ``max_new_tokens`` (a generation_config ``max_length`` minus the decoder start token).

Known differences, beam search only (HF with float32 otherwise matches, scores included):
* CTranslate2 stops once ``beam_size`` hypotheses are finished, which is HF's
  ``early_stopping=True`` (distilbart's setting). With HF's default ``early_stopping=False`` and a
  length penalty > 0, HF may keep searching and return a longer output.
* After a target prefix, CTranslate2's beam search never ends at once (an empty output), while HF
  may choose ``[<s>, </s>]``; with an EOS-eager model this changes which beams finish first.
* int8 (the CPU default) changes the arithmetic: outputs are close to, not equal to, float32 ones.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import ctranslate2

from summarize.config import GenerationSettings
from summarize.generate.allocator import keep_freed_memory
from summarize.generate.batching import GenerationCounts, check_input_limit, run_batches
from summarize.generate.ct2_convert import converted_dir
from summarize.generate.models import LoadedModel
from summarize.generate.settings import EffectiveGeneration, as_effective
from summarize.records import Generated

log = logging.getLogger(__name__)

# Files besides the weights that end up inside a converted model (vocabulary, special tokens).
COMPUTE_TYPES = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)


def resolve_device(requested: str) -> str:
    if requested == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if requested not in ("cpu", "cuda"):
        raise ValueError(
            f"runtime.device={requested!r} is not supported by CTranslate2: use runtime.device=cpu "
            f"or cuda, or runtime.backend=torch"
        )
    return requested


def resolve_compute_type(requested: str, device: str) -> str:
    """The compute type, which is also the quantization the model is converted to."""
    if requested == "auto":
        # int8 weights cut the memory traffic that bounds decoding speed by 4x (vs float32).
        return "int8_float16" if device == "cuda" else "int8"
    if requested not in COMPUTE_TYPES:
        raise ValueError(
            f"runtime.ct2_compute_type={requested!r}: use auto or one of {', '.join(COMPUTE_TYPES)}"
        )
    return requested


def _eos_id(loaded: LoadedModel) -> int:
    """The end token generate() stops at: generation_config.json's, else config.json's. Read from
    the files: the CT2 backend never builds the torch model."""
    path = Path(loaded.location) / "generation_config.json"
    eos = json.loads(path.read_text("utf-8")).get("eos_token_id") if path.is_file() else None
    if eos is None:
        eos = loaded.config.eos_token_id
    return int(eos[0] if isinstance(eos, list) else eos)


def _vocabulary(model_dir: Path) -> list[str]:
    for name in ("shared_vocabulary", "target_vocabulary"):
        if (model_dir / f"{name}.json").is_file():
            return list(json.loads((model_dir / f"{name}.json").read_text(encoding="utf-8")))
        if (model_dir / f"{name}.txt").is_file():  # the format of older CTranslate2 versions
            return (model_dir / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:-1]
    raise FileNotFoundError(f"no vocabulary in {model_dir}: delete the folder to convert again")


class CT2Generator:
    """Runs CTranslate2 ``translate_batch`` for one model, batched like ``Generator``."""

    def __init__(
        self,
        loaded: LoadedModel,
        settings: GenerationSettings | EffectiveGeneration,
        batch_tokens: int,
        *,
        device: str = "auto",
        compute_type: str = "auto",
        cache_dir: str | Path | None = None,
        threads: int | None = None,
    ) -> None:
        self.loaded = loaded
        # The same resolved settings the torch generator would use (summarize/generate/settings.py).
        self.settings = as_effective(loaded, settings)
        self.batch_tokens = batch_tokens
        self.batch_inputs: int | None = None  # set with runtime.batch_tokens=auto on CUDA
        self.counts = GenerationCounts()  # as Generator counts them
        self.device = resolve_device(device)
        self.compute_type = resolve_compute_type(compute_type, self.device)
        self._cache_dir = cache_dir
        self._threads = threads
        # The conversion and the CTranslate2 model come on first use (model_dir, translator): a
        # rerun whose records are all reused converts and loads nothing.

    @cached_property
    def model_dir(self) -> Path:
        return converted_dir(self.loaded, self.compute_type, self._cache_dir)

    @cached_property
    def translator(self) -> Any:
        keep_freed_memory()  # before CTranslate2's threads allocate (summarize/generate/allocator.py)
        started = time.perf_counter()
        translator = ctranslate2.Translator(
            str(self.model_dir),
            device=self.device,
            compute_type=self.compute_type,
            intra_threads=self._threads or 0,  # 0: CTranslate2's default
        )
        log.info(
            "loaded %s (CTranslate2 %s) in %.1f s",
            self.loaded.spec.name_or_path,
            self.compute_type,
            time.perf_counter() - started,
        )
        return translator

    @cached_property
    def vocabulary(self) -> list[str]:
        # Position i of the converted vocabulary is row i of the HF embedding, so ids map to
        # token strings through it both ways. The tokenizer's own id<->token maps can disagree
        # (M2M100's made-up words, a missing <pad>), and CTranslate2 looks tokens up by string.
        return _vocabulary(self.model_dir)

    @cached_property
    def eos_id(self) -> int:
        return _eos_id(self.loaded)

    @cached_property
    def _ids(self) -> dict[str, int]:
        return {token: i for i, token in reversed(list(enumerate(self.vocabulary)))}

    @property
    def calls(self) -> int:
        return self.counts.calls

    @property
    def inputs(self) -> int:
        return self.counts.inputs

    def warm(self) -> None:
        """Convert (once per cache) and load the CTranslate2 model now."""
        _ = self.translator

    @property
    def max_new_tokens(self) -> int:
        return self.settings.max_new_tokens

    @staticmethod
    def _limits(effective: EffectiveGeneration) -> tuple[int, int]:
        """(min, max) new tokens, EOS included, as HF enforces them."""
        # EOS may come once min_new_tokens tokens are out: it is one more.
        return effective.min_new_tokens + 1, effective.max_new_tokens

    def options(self, settings: EffectiveGeneration | None = None) -> dict[str, Any]:
        """translate_batch keyword arguments for these settings (without the target prefix)."""
        effective = settings or self.settings
        values = effective.values
        minimum, maximum = self._limits(effective)
        forced_eos = values.get("forced_eos_token_id") is not None
        # One step is kept for the forced EOS, appended afterwards (module docstring).
        decode_max = maximum - 1 if forced_eos else maximum
        options: dict[str, Any] = {
            "beam_size": int(values.get("num_beams") or 1),
            "max_decoding_length": decode_max,
            # CTranslate2's minimum counts tokens before the EOS; with min = max, HF's forced EOS
            # overrides the minimum at the last step, so the minimum is capped as well.
            "min_decoding_length": min(max(minimum - 1, 0), decode_max),
            "length_penalty": float(values.get("length_penalty") or 1.0),
            "no_repeat_ngram_size": int(values.get("no_repeat_ngram_size") or 0),
            "repetition_penalty": float(values.get("repetition_penalty") or 1.0),
            "max_input_length": 0,  # never truncate: chunking already respects the model limit
            "return_end_token": True,
        }
        if forced_eos and options["beam_size"] > 1:
            # All beams come back with scores so that the forced EOS can be scored as HF does.
            options["num_hypotheses"] = options["beam_size"]
            options["return_scores"] = True
        if values.get("do_sample"):  # transformers' defaults where nothing is set
            options["sampling_topk"] = int(values.get("top_k", 50))
            options["sampling_topp"] = float(values.get("top_p", 1.0))
            options["sampling_temperature"] = float(values.get("temperature", 1.0))
        return options

    def encode(
        self, texts: Sequence[str], *, prefix: str = "", src_lang: str | None = None
    ) -> list[list[int]]:
        """Input ids exactly as Generator feeds them to the HF model."""
        tokenizer = self.loaded.tokenizer
        if src_lang is not None:
            tokenizer.src_lang = src_lang  # sets the source language token of mBART-50/M2M100/NLLB
        encoded: list[list[int]] = tokenizer([prefix + t for t in texts], add_special_tokens=True)[
            "input_ids"
        ]
        check_input_limit(encoded, self.loaded.max_input_tokens)
        return encoded

    def generate_ids(
        self,
        encoded: Sequence[list[int]],
        *,
        forced_bos_token_id: int | None = None,
        settings: EffectiveGeneration | None = None,
    ) -> list[list[int]]:
        """New token ids per input (forced BOS and EOS included, no decoder start), as HF."""
        effective = settings or self.settings
        options = self.options(effective)
        forced_bos = forced_bos_token_id
        if forced_bos is None:
            forced_bos = effective.values.get("forced_bos_token_id")
        prefix = [self.vocabulary[int(forced_bos)]] if forced_bos is not None else None
        eos_id = self.eos_id
        forced_eos = effective.values.get("forced_eos_token_id") is not None
        limit = effective.max_new_tokens

        def run(batch: list[int]) -> list[list[int]]:
            results = self.translator.translate_batch(
                [[self.vocabulary[t] for t in encoded[i]] for i in batch],
                target_prefix=[prefix] * len(batch) if prefix else None,
                batch_type="tokens",
                max_batch_size=self.batch_tokens,
                **options,
            )
            outputs = []
            for result in results:
                best: tuple[float, list[int]] | None = None
                scores = result.scores or [0.0] * len(result.hypotheses)
                for tokens, score in zip(result.hypotheses, scores, strict=True):
                    ids = [self._ids[t] for t in tokens]
                    if forced_eos and len(ids) == limit - 1 and (not ids or ids[-1] != eos_id):
                        # HF forces EOS at the last step: log-probability 0, one more token in
                        # the length that normalises the beam score.
                        score *= (len(ids) / (len(ids) + 1)) ** options["length_penalty"]
                        ids.append(eos_id)
                    if best is None or score > best[0]:
                        best = (score, ids)
                outputs.append(best[1] if best else [])
            # Decoding runs until the batch's longest output ends (plus the forced BOS step).
            self.counts.add_batch(
                [len(encoded[i]) for i in batch],
                max((len(ids) for ids in outputs), default=0),
                sum(len(ids) for ids in outputs),
            )
            return outputs

        return run_batches(
            [len(ids) for ids in encoded],
            self.batch_tokens,
            run,
            # CTranslate2 reports CUDA out-of-memory as a RuntimeError.
            lambda exc: isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower(),
            batch_inputs=self.batch_inputs,
        )

    def generate(
        self,
        texts: Sequence[str],
        *,
        prefix: str = "",
        src_lang: str | None = None,
        forced_bos_token_id: int | None = None,
        settings: EffectiveGeneration | None = None,
    ) -> list[Generated]:
        if not texts:
            return []
        tokenizer = self.loaded.tokenizer
        effective = settings or self.settings
        encoded = self.encode(texts, prefix=prefix, src_lang=src_lang)
        outputs = self.generate_ids(
            encoded, forced_bos_token_id=forced_bos_token_id, settings=effective
        )
        pad_id = tokenizer.pad_token_id
        limit = effective.max_new_tokens
        records = []
        for ids, output in zip(encoded, outputs, strict=True):
            records.append(
                Generated(
                    text=tokenizer.decode(output, skip_special_tokens=True).strip(),
                    n_input_tokens=len(ids),
                    # Counted as Generator counts them: it cannot tell a generated <pad> (T5's
                    # tiny models emit it) from padding, so neither is counted.
                    n_output_tokens=sum(t != pad_id for t in output),
                    hit_max_new_tokens=len(output) >= limit and output[-1] != pad_id,
                )
            )
        return records
