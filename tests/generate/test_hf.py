"""Batching under memory pressure: an out-of-memory batch is halved and retried, never lost."""

from pathlib import Path

import pytest
import torch

from summarize.config import GenerationSettings
from summarize.generate.hf import Generator
from summarize.generate.models import ModelSpec, load_seq2seq


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


@pytest.mark.parametrize("family", ["bart", "marian", "t5", "nllb"])
def test_shared_cross_attention_cache_gives_the_same_beams(
    tiny_models: dict[str, Path], family: str
) -> None:
    """The fast path (cross-attention cache not reordered) must decode exactly like transformers."""
    loaded = load_seq2seq(
        ModelSpec(str(tiny_models[family])),
        model_root=None,
        device=torch.device("cpu"),
        dtype=torch.float32,
    )
    tokenizer, model = loaded.tokenizer, loaded.model
    texts = ["The council met on Tuesday to discuss the new budget.", "Short one.", "L'été est là."]
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    settings = dict(
        max_new_tokens=12, min_new_tokens=12, num_beams=4, no_repeat_ngram_size=2, max_length=None
    )
    with torch.inference_mode():
        plain = model.generate(**batch, **settings)
    ours = Generator(
        loaded,
        GenerationSettings(
            max_new_tokens=12, min_new_tokens=12, num_beams=4, no_repeat_ngram_size=2
        ),
        batch_tokens=100_000,
    )
    fast = ours._generate_batch(
        tokenizer,
        model,
        [tokenizer(t)["input_ids"] for t in texts],
        ours.settings.hf_kwargs(),
    )
    assert torch.equal(plain, fast)


def test_counts_report_calls_inputs_decoder_steps_and_padding(tiny_models: dict[str, Path]) -> None:
    loaded = load_seq2seq(
        ModelSpec(str(tiny_models["bart"])),
        model_root=None,
        device=torch.device("cpu"),
        dtype=torch.float32,
    )
    texts = ["Short.", "A much longer sentence about the weather in the north of the country."]
    lengths = [len(ids) for ids in loaded.tokenizer(texts)["input_ids"]]
    # A budget that fits both inputs in one batch, then one that splits them.
    for budget, calls in ((2 * max(lengths), 1), (max(lengths), 2)):
        generator = Generator(
            loaded, GenerationSettings(max_new_tokens=6, num_beams=2), batch_tokens=budget
        )
        outputs = generator.generate(texts)
        counts = generator.counts.report()
        assert counts["calls"] == calls
        assert counts["inputs"] == 2
        assert counts["input_tokens"] == sum(lengths)
        padded = (2 if calls == 1 else 1) * max(lengths) + (0 if calls == 1 else min(lengths))
        assert counts["padded_input_tokens"] == padded
        assert counts["padded_token_share"] == (padded - sum(lengths)) / padded
        # Random weights never stop early: every call runs to the limit, one step per new token.
        assert counts["decoder_steps"] == 6 * calls
        assert counts["output_tokens"] == sum(g.n_output_tokens for g in outputs)
