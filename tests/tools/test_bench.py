"""The benchmark harness runs end to end and reports every system (no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2", reason="ctranslate2 is not installed (the ct2 system needs it)")
pytest.importorskip("psutil", reason="psutil is not installed (peak RSS sampling)")

from summarize.tools.bench.summarise import SYSTEMS, build_bench_model, main, work_flops  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "summarize" / "tools" / "bench" / "configs"


def _check(report: dict, articles: int) -> None:
    assert set(report["systems"]) == set(SYSTEMS)
    for name, figures in report["systems"].items():
        for key in ("seconds", "articles_per_s", "generated_tokens_per_s", "peak_rss_mib"):
            assert figures[key] > 0, (name, key)
        assert figures["generated_tokens"] > 0
        assert figures["floor_fraction"] > 0
    assert set(report["ratios"]) == {"torch/naive", "torch/batch16", "ct2/naive"}
    assert all(v > 0 for v in report["ratios"].values())
    assert report["fp32_peak_gflops"] > 0
    assert report["work_gflop"] > 0
    assert len(report["inputs"]["tokens"]) == report["settings"]["articles"] == articles
    # Same model, same float32 arithmetic, same inputs: the same outputs as the per-article loop.
    assert report["systems"]["torch"]["outputs_identical_to_reference"] == articles


def test_smoke_run_reports_every_system(
    tiny_models: dict[str, Path], tmp_path: Path, shared_data: Path
) -> None:
    out = tmp_path / "bench.json"
    report = main(
        [
            "--smoke",
            "--model-dir",
            str(tiny_models["bart"]),
            "--cache",
            str(tmp_path),
            "--out",
            str(out),
        ]
    )
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(report))
    _check(report, 4)
    pipeline = report["pipeline"]
    assert "error" not in pipeline, pipeline
    assert pipeline["generate_calls"] > 0
    assert 0 < pipeline["generate_seconds"] <= pipeline["wall_seconds"]


def test_configs_are_the_published_shapes() -> None:
    bart = json.loads((CONFIGS / "distilbart-cnn-12-6.json").read_text(encoding="utf-8"))
    assert (bart["encoder_layers"], bart["decoder_layers"], bart["d_model"]) == (12, 6, 1024)
    assert (bart["vocab_size"], bart["max_position_embeddings"]) == (50264, 1024)
    marian = json.loads((CONFIGS / "opus-mt-en-fr.json").read_text(encoding="utf-8"))
    assert (marian["encoder_layers"], marian["decoder_layers"], marian["d_model"]) == (6, 6, 512)
    assert (marian["vocab_size"], marian["pad_token_id"], marian["static_position_embeddings"]) == (
        59514,
        59513,
        True,
    )


def test_flop_formula_grows_with_input_beams_and_tokens() -> None:
    from transformers import AutoConfig

    values = json.loads((CONFIGS / "distilbart-cnn-12-6.json").read_text(encoding="utf-8"))
    config = AutoConfig.for_model(**values)
    base = work_flops(config, [500], 60, 4)
    # ~2 x 151M encoder weights x 500 tokens alone is 151 GFLOP.
    assert 1.5e11 < base < 1e12
    assert work_flops(config, [1000], 60, 4) > base
    assert work_flops(config, [500], 60, 1) < base < work_flops(config, [500], 120, 4)


@pytest.mark.slow
def test_full_size_distilbart_for_a_few_tokens(tmp_path: Path, shared_data: Path) -> None:
    model_dir = build_bench_model("distilbart-cnn-12-6", tmp_path)
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir)
    assert model.config.vocab_size == 50264
    assert model.get_input_embeddings().weight.shape == (50264, 1024)
    del model
    report = main(
        [
            "--articles",
            "2",
            "--new-tokens",
            "4",
            "--profile-articles",
            "0",
            "--cache",
            str(tmp_path),
        ]
    )
    _check(report, 2)
