"""Backend-independent rules of generation, written once for the torch and CTranslate2 backends.

Token-budget batches (sorted by length), the input-limit check that refuses to truncate, halving a
batch that runs out of memory, and the one place where a stop asked for by a signal takes effect
inside a window: between two batches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)
Output = TypeVar("Output")


class BatchesStopped(BaseException):
    """A stop was asked for: no further batch starts. A BaseException, as KeyboardInterrupt is, so
    that no per-record ``except Exception`` retries the window or turns it into failed records."""


# Called before each batch with its number in this process (1, 2, ...); a hook raises
# BatchesStopped to stop. run.signals sets it while a run handles SIGINT/SIGTERM.
_before_batch: list[Callable[[int], None]] = []
_batches_run = [0]


@contextmanager
def before_each_batch(hook: Callable[[int], None]) -> Iterator[None]:
    _before_batch.append(hook)
    try:
        yield
    finally:
        _before_batch.remove(hook)


@dataclass
class GenerationCounts:
    """What one model's generation did, the same for both backends (metrics.json, benchmarks).

    On an accelerator a call's time is about its sequential decoder steps times the latency of one
    step, so ``decoder_steps`` per article says how well a job batches on any machine."""

    calls: int = 0  # generate() / translate_batch() calls, one per batch
    inputs: int = 0  # texts generated for
    decoder_steps: int = 0  # the sum over calls of the sequential decoder steps each ran
    input_tokens: int = 0  # real input tokens
    padded_input_tokens: int = 0  # batch size x longest input, summed over calls
    output_tokens: int = 0  # new tokens kept, summed over inputs

    def add_batch(self, input_lengths: Sequence[int], steps: int, output_tokens: int) -> None:
        self.calls += 1
        self.inputs += len(input_lengths)
        self.decoder_steps += steps
        self.input_tokens += sum(input_lengths)
        self.padded_input_tokens += len(input_lengths) * max(input_lengths, default=0)
        self.output_tokens += output_tokens

    def add(self, other: GenerationCounts) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def report(self) -> dict[str, Any]:
        padded = self.padded_input_tokens
        return {
            **asdict(self),
            "padded_token_share": (padded - self.input_tokens) / padded if padded else None,
        }


def token_budget_batches(
    lengths: Sequence[int], batch_tokens: int, batch_inputs: int | None = None
) -> list[list[int]]:
    """Indices grouped longest first so that (longest in batch) x (batch size) <= batch_tokens,
    and (with ``batch_inputs``) batch size <= batch_inputs."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[current[0]] if current else lengths[index]
        full = batch_inputs is not None and len(current) >= batch_inputs
        if current and (full or longest * (len(current) + 1) > batch_tokens):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def check_input_limit(encoded: Sequence[Sequence[int]], limit: int) -> None:
    """Chunking guarantees inputs fit; should one not, fail loudly rather than truncate."""
    over = [i for i, ids in enumerate(encoded) if len(ids) > limit]
    if over:
        raise ValueError(f"{len(over)} inputs exceed the model limit of {limit} tokens")


def run_batches(
    lengths: Sequence[int],
    batch_tokens: int,
    run: Callable[[list[int]], Sequence[Output]],
    is_out_of_memory: Callable[[BaseException], bool],
    after_out_of_memory: Callable[[], None] = lambda: None,
    batch_inputs: int | None = None,
) -> list[Output]:
    """``run(batch indices)`` over token-budget batches; results in input order.

    A batch that runs out of memory is halved and retried: it is never lost, only split. A single
    input that still does not fit raises.
    """
    results: list[Output | None] = [None] * len(lengths)
    pending = token_budget_batches(lengths, batch_tokens, batch_inputs)
    while pending:
        for hook in _before_batch:
            hook(_batches_run[0] + 1)
        batch = pending.pop(0)
        _batches_run[0] += 1
        try:
            outputs = run(batch)
        except Exception as exc:
            if not is_out_of_memory(exc) or len(batch) == 1:
                raise
            log.warning("out of memory on a batch of %d; retrying as two halves", len(batch))
            after_out_of_memory()
            half = len(batch) // 2
            pending[:0] = [batch[:half], batch[half:]]
            continue
        for index, output in zip(batch, outputs, strict=True):
            results[index] = output
    return [r for r in results if r is not None]
