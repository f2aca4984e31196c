"""runtime.batch_tokens/window_articles=auto: CPU keeps its defaults; CUDA is sized from memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from summarize.generate.batching import token_budget_batches
from summarize.generate.budget import (
    CPU_BATCH_TOKENS,
    CPU_WINDOW_ARTICLES,
    MAX_WINDOW_ARTICLES,
    USABLE_SHARE,
    choose_budget,
)
from summarize.run.dry_run import planned_budget

CHECKPOINTS = Path(__file__).resolve().parents[1] / "fixtures" / "checkpoints"
H200_FREE = 139 * 2**30


def test_cpu_keeps_todays_defaults_and_a_given_number_is_kept() -> None:
    budget = choose_budget("cpu")
    assert (budget.batch_tokens, budget.batch_inputs, budget.window_articles) == (
        CPU_BATCH_TOKENS,
        None,
        CPU_WINDOW_ARTICLES,
    )
    given = choose_budget("cuda", batch_tokens=4096, window_articles=7, free_bytes=H200_FREE)
    assert (given.batch_tokens, given.batch_inputs, given.window_articles) == (4096, None, 7)


def test_the_default_presets_on_a_139_gib_device_fill_it_and_fit_in_it(
    make_config: Callable[..., DictConfig],
) -> None:
    """The real checkpoints' config.json files (distilbart-cnn-12-6, mBART-50, OPUS-MT en-fr)."""
    cfg = make_config("+lang=[fa,fr]", f"model_root={CHECKPOINTS}")
    budget = planned_budget(cfg, ["en"], "cuda", H200_FREE, dtype_bytes=2)
    assert budget.batch_inputs is not None
    assert budget.batch_tokens >= 16 * CPU_BATCH_TOKENS
    assert 8 * CPU_WINDOW_ARTICLES <= budget.window_articles <= MAX_WINDOW_ARTICLES
    # The window is what one batch of summaries to translate takes (one input per article).
    assert budget.window_articles <= budget.batch_inputs
    assert "139.0 GiB free" in budget.why
    on_cpu = planned_budget(cfg, ["en"], "cpu", None, dtype_bytes=4)
    assert on_cpu.batch_tokens == CPU_BATCH_TOKENS


def test_a_budget_that_cannot_hold_the_weights_says_so() -> None:
    from summarize.generate.budget import ModelShape

    huge = ModelShape("big", 10**11, 4096, 24, 4096, 250_000, 4, 200)
    with pytest.raises(ValueError, match="do not fit in the device's free memory"):
        choose_budget("cuda", free_bytes=H200_FREE, dtype_bytes=2, shapes=[huge])
    fits = ModelShape("base", 10**8, 1024, 12, 1024, 50_000, 4, 142)
    budget = choose_budget("cuda", free_bytes=H200_FREE, dtype_bytes=2, shapes=[fits])
    usable = H200_FREE * USABLE_SHARE - 10**8 * 2
    worst = budget.batch_tokens * fits.bytes_per_input_token(2) + (
        budget.batch_inputs or 0
    ) * fits.bytes_per_input(2)
    assert worst <= usable


def test_batches_respect_the_inputs_limit_as_well_as_the_tokens() -> None:
    lengths = [10] * 25
    assert [len(b) for b in token_budget_batches(lengths, 1000)] == [25]
    assert [len(b) for b in token_budget_batches(lengths, 1000, batch_inputs=8)] == [8, 8, 8, 1]
    assert [len(b) for b in token_budget_batches(lengths, 50, batch_inputs=8)] == [5] * 5
