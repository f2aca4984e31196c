"""``runtime.batch_tokens=auto`` and ``runtime.window_articles=auto``: budgets sized from the device.

On a CPU the budget that is right is small (8,192 padded input tokens, 32 articles a window): a
bigger batch costs as much per token and a step's host work grows with it. On an accelerator a
job's time is about its sequential decoder steps times the latency of one step, which barely grows
with the batch, so the batch should be as large as memory allows, and the window large enough to
fill it. What a batch holds in memory, per model (``dtype_bytes`` a value, ``k`` beams, ``L``
decoder layers, ``w`` key/value width, ``T`` new tokens at most, ``V`` vocabulary):

- per padded input token: ``k x L x 2 x w`` cross-attention keys and values (generate expands the
  encoder's output to every beam) and the encoder's own activations (~``8 x d_model``), in dtype;
- per input: ``k x T x L x 2 x w`` self-attention keys and values, twice (a beam reorder copies
  them), in dtype, and ``k x V`` logits in float32, three times (scores, log-softmax, top-k).

Half of the free memory (after the weights) goes to each, so ``batch_tokens`` and ``batch_inputs``
are set by the model that needs most; the window is the number of inputs one batch takes, so that
every stage of a window (one summary per article to translate) fills a batch. What is chosen is
printed by the dry run and logged at the start; halving a batch that runs out of memory stays the
safety net. Nothing here imports torch: shapes are read from a model's config.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CPU_BATCH_TOKENS = 8192
CPU_WINDOW_ARTICLES = 32
MAX_WINDOW_ARTICLES = 1024  # a crash loses at most one window's generation
MAX_BATCH_TOKENS = 1 << 21
USABLE_SHARE = 0.85  # of the free memory: the allocator's fragmentation and the CUDA context


@dataclass(frozen=True)
class ModelShape:
    """What a model's batch costs in memory, read from its config and generation settings."""

    name: str
    parameters: int
    d_model: int
    decoder_layers: int
    kv_width: int  # keys (or values) per token per layer: d_model, or T5's heads x d_kv
    vocab_size: int
    beams: int
    max_new_tokens: int

    def bytes_per_input_token(self, dtype_bytes: int) -> int:
        cross = self.beams * self.decoder_layers * 2 * self.kv_width
        return (cross + 8 * self.d_model) * dtype_bytes

    def bytes_per_input(self, dtype_bytes: int) -> int:
        self_attention = self.beams * self.max_new_tokens * self.decoder_layers * 2 * self.kv_width
        return 2 * self_attention * dtype_bytes + 3 * self.beams * self.vocab_size * 4


def shape_from_config(
    name: str, config: Any, parameters: int, beams: int, max_new_tokens: int
) -> ModelShape:
    """The shape of a transformers encoder-decoder config (BART, mBART, Marian, M2M100/NLLB,
    Pegasus, T5/mT5)."""
    d_model = int(getattr(config, "d_model", None) or config.hidden_size)
    layers = (
        getattr(config, "decoder_layers", None)
        or getattr(config, "num_decoder_layers", None)
        or config.num_layers
    )
    d_kv, heads = getattr(config, "d_kv", None), getattr(config, "num_heads", None)
    return ModelShape(
        name=name,
        parameters=parameters,
        d_model=d_model,
        decoder_layers=int(layers),
        kv_width=int(d_kv * heads) if d_kv and heads else d_model,
        vocab_size=int(config.vocab_size),
        beams=max(int(beams or 1), 1),
        max_new_tokens=max(int(max_new_tokens or 1), 1),
    )


@dataclass(frozen=True)
class Budget:
    batch_tokens: int  # padded input tokens per generate() batch
    batch_inputs: int | None  # inputs per batch at most (None: only tokens count)
    window_articles: int
    why: str

    def describe(self) -> dict[str, Any]:
        return {
            "batch_tokens": self.batch_tokens,
            "batch_inputs": self.batch_inputs,
            "window_articles": self.window_articles,
            "why": self.why,
        }


def apply_budget(generator: Any, budget: Budget | None) -> None:
    """Give a generator (torch or CT2) the budget's batch limits."""
    if budget is not None:
        generator.batch_tokens, generator.batch_inputs = budget.batch_tokens, budget.batch_inputs


def _given(value: Any) -> int | None:
    return None if value == "auto" else int(value)


def choose_budget(
    device_type: str,
    *,
    batch_tokens: Any = "auto",
    window_articles: Any = "auto",
    free_bytes: int | None = None,
    dtype_bytes: int = 4,
    shapes: list[ModelShape] | None = None,
) -> Budget:
    """The budget for ``runtime.batch_tokens``/``window_articles`` (each ``auto`` or a number):
    a number given is kept; ``auto`` is today's CPU default off an accelerator, and sized from
    ``free_bytes`` and the models' ``shapes`` on one (CUDA)."""
    tokens, window = _given(batch_tokens), _given(window_articles)
    if device_type != "cuda" or not shapes or not free_bytes:
        why = "given" if tokens and window else f"{device_type} defaults"
        return Budget(tokens or CPU_BATCH_TOKENS, None, window or CPU_WINDOW_ARTICLES, why)
    weights = sum(s.parameters for s in shapes) * dtype_bytes
    usable = int(free_bytes * USABLE_SHARE) - weights
    if usable <= 0:
        raise ValueError(
            f"the models' weights ({weights / 2**30:.1f} GiB) do not fit in the device's free "
            f"memory ({free_bytes / 2**30:.1f} GiB): use a smaller model, runtime.dtype=bfloat16, "
            "or another device"
        )
    per_token = max(s.bytes_per_input_token(dtype_bytes) for s in shapes)
    per_input = max(s.bytes_per_input(dtype_bytes) for s in shapes)
    auto_tokens = min(max(usable // 2 // per_token, 64), MAX_BATCH_TOKENS)
    inputs = max(usable // 2 // per_input, 1)
    auto_window = min(max(inputs // 32 * 32, CPU_WINDOW_ARTICLES), MAX_WINDOW_ARTICLES)
    why = (
        f"{free_bytes / 2**30:.1f} GiB free, {weights / 2**30:.1f} GiB of weights; per padded "
        f"input token {per_token / 2**10:.0f} KiB, per input {per_input / 2**20:.1f} MiB"
    )
    return Budget(
        tokens or int(auto_tokens),
        None if tokens else int(inputs),
        window or int(auto_window),
        why,
    )


__all__ = ["Budget", "ModelShape", "apply_budget", "choose_budget", "shape_from_config"]
