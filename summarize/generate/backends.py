"""Generation backends: ``torch`` (transformers ``generate``) or ``ct2`` (CTranslate2).

Both take the same inputs and return the same ``Generated`` records, so the stages that use
them (summarise, translate) do not know which one runs. ``ctranslate2`` is imported only when
``runtime.backend=ct2``, so the torch path does not need it installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from summarize.config import GenerationSettings
from summarize.generate.batching import GenerationCounts
from summarize.generate.budget import CPU_BATCH_TOKENS
from summarize.generate.hf import Generator
from summarize.generate.models import LoadedModel
from summarize.generate.settings import EffectiveGeneration
from summarize.records import Generated

if TYPE_CHECKING:
    from summarize.generate.ct2 import CT2Generator

__all__ = ["TextGenerator", "make_generator"]


class TextGenerator(Protocol):
    """What the stages use of a generator; ``hf.Generator`` and ``ct2.CT2Generator`` both fit."""

    loaded: LoadedModel
    counts: GenerationCounts  # calls (batches run), inputs, sequential decoder steps, tokens
    settings: EffectiveGeneration  # what generate() uses unless a call passes its own
    batch_tokens: int  # padded input tokens per batch
    batch_inputs: int | None  # inputs per batch at most (None: only tokens count)

    @property
    def calls(self) -> int: ...

    @property
    def inputs(self) -> int: ...

    @property
    def max_new_tokens(self) -> int: ...

    def warm(self) -> None: ...

    def generate(
        self,
        texts: Sequence[str],
        *,
        prefix: str = "",
        src_lang: str | None = None,
        forced_bos_token_id: int | None = None,
        settings: EffectiveGeneration | None = None,
    ) -> list[Generated]: ...


def make_generator(
    loaded: LoadedModel, settings: GenerationSettings | EffectiveGeneration, runtime: Any
) -> Generator | CT2Generator:
    """The generator ``runtime.backend`` names (``runtime``: the ``RuntimeConfig`` node)."""
    backend = runtime.backend
    # auto: CPU's budget until the job sizes it for the device (summarize/generate/budget.py)
    batch_tokens = CPU_BATCH_TOKENS if runtime.batch_tokens == "auto" else runtime.batch_tokens
    if backend == "torch":
        return Generator(loaded, settings, batch_tokens)
    if backend != "ct2":
        raise ValueError(f"runtime.backend={backend!r}: use torch or ct2")
    try:
        from summarize.generate.ct2 import CT2Generator
    except ImportError as exc:  # raised by ctranslate2 itself, imported inside the module
        raise ImportError(
            "runtime.backend=ct2 needs CTranslate2: pip install 'ctranslate2>=4.8.5,<5'"
        ) from exc
    return CT2Generator(
        loaded,
        settings,
        batch_tokens,
        device=runtime.device,
        compute_type=runtime.ct2_compute_type,
        cache_dir=runtime.ct2_cache_dir,
        threads=runtime.threads,
    )
