"""Generation with transformers ``generate`` (torch): batched by padded tokens, sorted by length."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import torch
from transformers.cache_utils import DynamicCache, EncoderDecoderCache

from summarize.config import GenerationSettings
from summarize.generate.batching import GenerationCounts, check_input_limit, run_batches
from summarize.generate.models import LoadedModel
from summarize.generate.settings import EffectiveGeneration, as_effective
from summarize.records import Generated

log = logging.getLogger(__name__)


class BeamSharedCrossAttentionCache(EncoderDecoderCache):
    """An encoder-decoder cache whose cross-attention part is not reordered between beam steps.

    Every beam of one input attends to the same encoder output, so the cross-attention keys and
    values of its beams are identical copies and reordering them (which transformers does at every
    step, for every layer: ~1.5 GB of copies per step for 8 articles x 4 beams x 800 tokens on a
    distilbart-sized model) changes nothing. Beam search only ever moves beams within one input,
    so skipping it gives the same tokens; it made beam-4 decoding ~2x faster on CPU here.
    """

    def reorder_cache(self, beam_idx: torch.LongTensor) -> None:
        self.self_attention_cache.reorder_cache(beam_idx)


class Generator:
    """Runs ``generate`` for one model; family quirks arrive as arguments, not subclasses."""

    def __init__(
        self,
        loaded: LoadedModel,
        settings: GenerationSettings | EffectiveGeneration,
        batch_tokens: int,
    ) -> None:
        self.loaded = loaded
        # Resolved once (summarize/generate/settings.py); a call may pass its own (a translation
        # direction's), else these apply.
        self.settings = as_effective(loaded, settings)
        self.batch_tokens = batch_tokens
        self.batch_inputs: int | None = None  # set with runtime.batch_tokens=auto on CUDA
        self.counts = GenerationCounts()  # calls, inputs (tests count these to prove reuse), steps

    @property
    def calls(self) -> int:
        return self.counts.calls

    @property
    def inputs(self) -> int:
        return self.counts.inputs

    @property
    def max_new_tokens(self) -> int:
        return self.settings.max_new_tokens

    def warm(self) -> None:
        """Load the weights now (a lazily loaded model builds them on first generate)."""
        self.loaded.torch_model()

    @staticmethod
    def _generate_batch(
        tokenizer: Any, model: Any, ids: list[list[int]], extra: dict[str, Any]
    ) -> torch.Tensor:
        padded = tokenizer.pad({"input_ids": ids}, return_tensors="pt")
        beams = extra.get("num_beams") or 1
        if model.config.is_encoder_decoder and beams > 1:
            extra = {
                **extra,
                "cache": BeamSharedCrossAttentionCache(
                    DynamicCache(config=model.config), DynamicCache(config=model.config)
                ),
            }
        with torch.inference_mode():
            return model.generate(
                input_ids=padded["input_ids"].to(model.device),
                attention_mask=padded["attention_mask"].to(model.device),
                **extra,
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
        tokenizer, model = self.loaded.tokenizer, self.loaded.torch_model()
        if src_lang is not None:
            tokenizer.src_lang = src_lang  # sets the source language token of mBART-50/M2M100/NLLB
        inputs = [prefix + t for t in texts]
        encoded = tokenizer(inputs, add_special_tokens=True)["input_ids"]
        check_input_limit(encoded, self.loaded.max_input_tokens)
        effective = settings or self.settings
        extra = effective.hf_kwargs()  # complete: no default of transformers' own applies
        if forced_bos_token_id is not None:
            extra["forced_bos_token_id"] = forced_bos_token_id
        limit = effective.max_new_tokens
        pad_id = tokenizer.pad_token_id

        def run(batch: list[int]) -> list[Generated]:
            output = self._generate_batch(tokenizer, model, [encoded[i] for i in batch], extra)
            decoded = tokenizer.batch_decode(output, skip_special_tokens=True)
            n_new = output.shape[1] - 1  # the decoder steps this call ran (after the start token)
            generated = []
            for row, index in enumerate(batch):
                # Output tokens exclude the decoder start and padding after EOS.
                n_out = int((output[row] != pad_id).sum()) - (1 if output[row][0] != pad_id else 0)
                generated.append(
                    Generated(
                        text=decoded[row].strip(),
                        n_input_tokens=len(encoded[index]),
                        n_output_tokens=max(n_out, 0),
                        # Stopped at the limit, whatever set it (a forced EOS is still a cut).
                        hit_max_new_tokens=n_new >= limit and bool(output[row][-1] != pad_id),
                    )
                )
            self.counts.add_batch(
                [len(encoded[i]) for i in batch], n_new, sum(g.n_output_tokens for g in generated)
            )
            return generated

        def free_cache() -> None:
            if model.device.type == "cuda":
                torch.cuda.empty_cache()

        return run_batches(
            [len(ids) for ids in encoded],
            self.batch_tokens,
            run,
            lambda exc: isinstance(exc, torch.OutOfMemoryError),
            free_cache,
            self.batch_inputs,
        )
