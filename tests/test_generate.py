"""Batching under memory pressure: an out-of-memory batch is halved and retried, never lost."""

from pathlib import Path

import pytest
import torch

from summarize.config import GenerationSettings
from summarize.generate import Generator
from summarize.models import ModelSpec, load_seq2seq


def test_fake_oom_halves_the_batch_and_loses_nothing(
    tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_seq2seq(
        ModelSpec(str(tiny_models["bart"])),
        model_root=None,
        device=torch.device("cpu"),
        dtype=torch.float32,
    )
    generator = Generator(
        loaded, GenerationSettings(max_new_tokens=4, num_beams=1), batch_tokens=100_000
    )
    texts = [f"Sentence number {i} about the weather." for i in range(8)]
    expected = [g.text for g in generator.generate(texts)]
    real_generate = loaded.model.generate
    seen: list[int] = []

    def generate_with_small_memory(**kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs["input_ids"].shape[0])
        if kwargs["input_ids"].shape[0] > 2:
            raise torch.OutOfMemoryError("CUDA out of memory (fake)")
        return real_generate(**kwargs)

    monkeypatch.setattr(loaded.model, "generate", generate_with_small_memory)
    results = generator.generate(texts)
    assert [g.text for g in results] == expected
    assert seen[:3] == [8, 4, 2]
    assert max(seen) == 8
    assert sorted(set(seen)) == [2, 4, 8]


def test_a_single_input_that_does_not_fit_is_an_error(
    tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_seq2seq(
        ModelSpec(str(tiny_models["bart"])),
        model_root=None,
        device=torch.device("cpu"),
        dtype=torch.float32,
    )
    generator = Generator(loaded, GenerationSettings(max_new_tokens=4), batch_tokens=100_000)

    def always_oom(**kwargs):  # type: ignore[no-untyped-def]
        raise torch.OutOfMemoryError("fake")

    monkeypatch.setattr(loaded.model, "generate", always_oom)
    with pytest.raises(torch.OutOfMemoryError):
        generator.generate(["one"])
