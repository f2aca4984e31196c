"""Each real architecture loads from a local folder, generates, and gets its language quirks right."""

import logging
import time
from pathlib import Path

import huggingface_hub.constants
import pytest
import torch

from summarize.config import GenerationSettings
from summarize.generate.hf import Generator
from summarize.generate.models import ModelCache, ModelSpec, ModelUnavailableError, load_seq2seq

CPU = torch.device("cpu")


def load(path: Path):
    return load_seq2seq(ModelSpec(str(path)), model_root=None, device=CPU, dtype=torch.float32)


@pytest.mark.parametrize(
    "family", ["bart", "pegasus", "t5", "mt5", "marian", "mbart50", "m2m100", "nllb"]
)
def test_family_loads_from_a_local_folder_and_generates(
    tiny_models: dict[str, Path], family: str
) -> None:
    loaded = load(tiny_models[family])
    assert loaded.family == ("t5" if family == "mt5" else family)
    assert loaded.weights_sha256
    assert len(loaded.weights_sha256) == 64
    generator = Generator(
        loaded, GenerationSettings(max_new_tokens=6, num_beams=2), batch_tokens=256
    )
    outputs = generator.generate(["The cat sat on the mat.", "Second, longer input sentence here."])
    assert len(outputs) == 2
    assert all(0 < o.n_output_tokens <= 6 for o in outputs)
    assert all(o.n_input_tokens > 0 for o in outputs)


def test_missing_model_offline_fails_fast_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # huggingface_hub reads the variable once, when imported: its own switch, flipped here too.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as info:
        load_seq2seq(
            ModelSpec("sshleifer/distilbart-cnn-12-6", None, "summarizer.name_or_path"),
            model_root=str(tmp_path),
            device=CPU,
            dtype=torch.float32,
        )
    assert (
        time.monotonic() - started < 30
    )  # not transformers' retry loop; generous bound, not a benchmark
    message = str(info.value)
    assert "sshleifer/distilbart-cnn-12-6" in message
    assert "SUMMARIZE_MODEL_ROOT" in message
    assert "summarizer.name_or_path=" in message
    command = (
        f"python -m summarize.download --model sshleifer/distilbart-cnn-12-6 --root {tmp_path}"
    )
    assert f"`{command}`" in message  # pasteable as is


def test_model_root_maps_hub_ids_to_folders(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    root = tmp_path / "models"
    (root / "facebook").mkdir(parents=True)
    (root / "facebook" / "m2m100_418M").symlink_to(tiny_models["m2m100"], target_is_directory=True)
    loaded = load_seq2seq(
        ModelSpec("facebook/m2m100_418M"), model_root=str(root), device=CPU, dtype=torch.float32
    )
    assert loaded.family == "m2m100"


def test_loading_is_one_info_line_and_no_progress_bar(
    checkpoint_replicas: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture
) -> None:
    """Off a terminal (pytest captures stderr) no bar is drawn; our log says one line."""
    caplog.set_level(logging.INFO)
    cache = ModelCache(model_root=str(checkpoint_replicas), device=CPU, dtype=torch.float32)
    cache.get(ModelSpec("sshleifer/distilbart-cnn-12-6"))
    ours = [
        r for r in caplog.records if r.name.startswith("summarize") and r.levelno >= logging.INFO
    ]
    assert len(ours) == 1
    assert "pytorch_model.bin" in ours[0].getMessage()
    assert "model_root" in ours[0].getMessage()
    others = [r for r in caplog.records if not r.name.startswith("summarize")]
    assert not [r for r in others if r.levelno >= logging.WARNING]
    err = capfd.readouterr().err
    assert "Loading weights" not in err
    assert "it/s" not in err


def test_counting_a_long_article_does_not_warn_about_indexing_errors(
    checkpoint_replicas: Path, capfd: pytest.CaptureFixture
) -> None:
    """The chunker counts whole articles; the model only ever sees chunks that fit."""
    loaded = load_seq2seq(
        ModelSpec("sshleifer/distilbart-cnn-12-6"),
        model_root=str(checkpoint_replicas),
        device=CPU,
        dtype=torch.float32,
    )
    capfd.readouterr()
    ids = loaded.tokenizer("The council met again. " * 400)["input_ids"]
    assert len(ids) > loaded.max_input_tokens
    assert "indexing errors" not in capfd.readouterr().err
