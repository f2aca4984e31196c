"""The backend-independent rules of generation: batches, limits, halving on out-of-memory."""

import pytest

from summarize.generate.batching import (
    check_input_limit,
    run_batches,
    token_budget_batches,
)


def test_token_budget_batches_sort_by_length_and_respect_the_budget() -> None:
    lengths = [5, 50, 10, 40, 45, 1]
    batches = token_budget_batches(lengths, 100)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert all(max(lengths[i] for i in b) * len(b) <= 100 for b in batches)
    assert batches[0][0] == 1  # longest first


def test_inputs_over_the_limit_are_refused_not_truncated() -> None:
    check_input_limit([[1] * 10, [1] * 12], 12)
    with pytest.raises(ValueError, match="1 inputs exceed the model limit of 11 tokens"):
        check_input_limit([[1] * 10, [1] * 12], 11)


class FakeOutOfMemory(Exception):
    pass


def test_out_of_memory_halves_the_batch_until_it_fits_and_keeps_order() -> None:
    lengths = [10, 30, 20, 40, 5, 25, 15, 35]
    runs: list[list[int]] = []
    freed: list[int] = []

    def run(batch: list[int]) -> list[str]:
        runs.append(batch)
        if len(batch) > 2:
            raise FakeOutOfMemory
        return [f"out{i}" for i in batch]

    results = run_batches(
        lengths,
        10_000,
        run,
        lambda exc: isinstance(exc, FakeOutOfMemory),
        lambda: freed.append(1),
    )
    assert results == [f"out{i}" for i in range(8)]
    assert runs[0] == [3, 7, 1, 5, 2, 6, 0, 4]  # one budget batch, longest first
    assert max(len(b) for b in runs if len(b) <= 2) == 2
    assert len(freed) == 3  # 8 -> 4+4 -> 2+2+2+2


def test_a_single_input_that_runs_out_of_memory_raises() -> None:
    def run(batch: list[int]) -> list[str]:
        raise FakeOutOfMemory

    with pytest.raises(FakeOutOfMemory):
        run_batches([5], 100, run, lambda exc: isinstance(exc, FakeOutOfMemory))


def test_other_errors_are_not_retried() -> None:
    calls = []

    def run(batch: list[int]) -> list[str]:
        calls.append(batch)
        raise KeyError("boom")

    with pytest.raises(KeyError):
        run_batches([5, 6], 100, run, lambda exc: isinstance(exc, FakeOutOfMemory))
    assert len(calls) == 1
