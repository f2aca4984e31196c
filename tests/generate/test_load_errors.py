"""dtype and weights problems are one-line errors (exit 2), never tracebacks; model names stay
under model_root. (runtime.device: tests/test_mistakes.py.)"""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from omegaconf import DictConfig

from summarize.generate.models import (
    ModelSpec,
    ModelUnavailableError,
    load_seq2seq,
    pick_dtype,
    resolve_location,
)
from summarize.run.local import run


def test_a_dtype_that_does_not_exist_is_a_config_error(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="runtime.dtype=nonsense: use auto, float32"):
        run(make_config("summarizer=extractive", "runtime.dtype=nonsense"))
    with pytest.raises(ValueError, match="runtime.dtype=nonsense"):
        pick_dtype("nonsense", torch.device("cpu"))
    assert not list((tmp_path / "outputs").glob("**/v0001"))


def test_truncated_weights_are_a_model_error(
    tiny_models: dict[str, Path], tmp_path: Path, make_config: Callable[..., DictConfig]
) -> None:
    broken = tmp_path / "bart"
    shutil.copytree(tiny_models["bart"], broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(ModelUnavailableError, match="could not be loaded as a seq2seq model"):
        load_seq2seq(
            ModelSpec(str(broken)), model_root=None, device=torch.device("cpu"), dtype=torch.float32
        )
    with pytest.raises(RuntimeError, match="incomplete metadata"):  # exit 2 in __main__
        run(make_config("summarizer=custom", f"summarizer.name_or_path={broken}"))


def test_a_model_name_cannot_leave_the_model_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "secret" / "model").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "models")  # "../secret/model" is no folder from here
    spec = ModelSpec("../../secret/model")
    with pytest.raises(ModelUnavailableError, match="leads out of model_root"):
        resolve_location(spec, str(tmp_path / "models"))
