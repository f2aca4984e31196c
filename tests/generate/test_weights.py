"""pytorch_model.bin is read with weights_only semantics: tensors load, code never runs."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest
import torch

from summarize.generate import weights
from summarize.generate.models import ModelSpec, ModelUnavailableError, load_seq2seq
from summarize.generate.weights import weight_files

CPU = torch.device("cpu")
HUB_ID = "sshleifer/distilbart-cnn-12-6"  # ships only pytorch_model.bin


def _copy(replicas: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(replicas / HUB_ID, folder)
    return folder


def _load(folder: Path, **options: object):
    return load_seq2seq(
        ModelSpec(str(folder)), model_root=None, device=CPU, dtype=torch.float32, **options
    )


class CodeRunningPickle:
    """Unpickling this runs a shell command (creates ``marker``)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_a_bin_checkpoint_loads_by_default(checkpoint_replicas: Path, tmp_path: Path) -> None:
    loaded = _load(_copy(checkpoint_replicas, tmp_path))
    assert loaded.weights_format == "pytorch_model.bin"
    assert loaded.details()["weights_format"] == "pytorch_model.bin"


@pytest.mark.parametrize("zipped", [True, False], ids=["zip", "legacy"])
def test_a_code_running_pickle_is_refused_and_never_runs(
    checkpoint_replicas: Path, tmp_path: Path, zipped: bool
) -> None:
    folder = _copy(checkpoint_replicas, tmp_path)
    marker = tmp_path / "payload-ran"
    weights = torch.load(folder / "pytorch_model.bin", weights_only=True)
    weights["payload"] = CodeRunningPickle(marker)
    torch.save(weights, folder / "pytorch_model.bin", _use_new_zipfile_serialization=zipped)
    with pytest.raises(ModelUnavailableError) as info:
        _load(folder)
    message = str(info.value)
    assert "\n" not in message
    assert str(folder / "pytorch_model.bin") in message
    assert "model.allow_pickle=true" in message
    assert "model.safetensors" in message
    assert not marker.exists()


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # torch's note on protocols 4, 5
@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_the_refusal_names_the_file_and_the_opt_in_whatever_the_pickle_protocol(
    checkpoint_replicas: Path, tmp_path: Path, protocol: int
) -> None:
    """Protocol 2 is refused at the global it imports; 4 and 5 at their first instruction
    (FRAME), which torch's tensors-only reader does not run. Either way: one line naming the
    file and model.allow_pickle, never torch's advice to turn weights_only off."""
    folder = _copy(checkpoint_replicas, tmp_path)
    marker = tmp_path / "payload-ran"
    weights = torch.load(folder / "pytorch_model.bin", weights_only=True)
    weights["payload"] = CodeRunningPickle(marker)
    torch.save(weights, folder / "pytorch_model.bin", pickle_protocol=protocol)
    with pytest.raises(ModelUnavailableError) as info:
        _load(folder)
    message = str(info.value)
    assert "\n" not in message
    assert f"refused to unpickle {folder / 'pytorch_model.bin'}: it " in message
    expected = "import posix.system" if protocol == 2 else "pickle instruction FRAME"
    assert expected in message
    assert "only if you trust the file, model.allow_pickle=true" in message
    assert "weights_only" not in message
    assert not marker.exists()


def test_allow_pickle_is_the_opt_in_to_full_unpickling(
    checkpoint_replicas: Path, tmp_path: Path
) -> None:
    """A harmless object that is not a tensor: refused by default, read when allowed."""
    folder = _copy(checkpoint_replicas, tmp_path)
    weights = torch.load(folder / "pytorch_model.bin", weights_only=True)
    torch.save({**weights, "args": argparse.Namespace(lr=1)}, folder / "pytorch_model.bin")
    with pytest.raises(ModelUnavailableError, match="Namespace"):
        _load(folder)
    assert _load(folder, allow_pickle=True).weights_format == "pytorch_model.bin"


def test_a_corrupt_bin_is_not_reported_as_unsafe(checkpoint_replicas: Path, tmp_path: Path) -> None:
    folder = _copy(checkpoint_replicas, tmp_path)
    (folder / "pytorch_model.bin").write_bytes(b"not a pickle")
    with pytest.raises(ModelUnavailableError, match="could not be loaded") as info:
        _load(folder)
    assert "allow_pickle" not in str(info.value)


def test_convert_to_safetensors_writes_once_and_loads_the_same_weights(
    checkpoint_replicas: Path, tmp_path: Path
) -> None:
    folder = _copy(checkpoint_replicas, tmp_path)
    before = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    from_bin = _load(folder)
    converted = _load(folder, convert_to_safetensors=True)
    assert converted.weights_format == "safetensors"
    assert [p.name for p in weight_files(folder)[1]] == ["model.safetensors"]
    assert {p.name: p.read_bytes() for p in folder.glob("*.json")} == before  # JSON untouched
    expected, got = from_bin.model.state_dict(), converted.model.state_dict()
    assert expected.keys() == got.keys()
    assert all(torch.equal(expected[k], got[k]) for k in expected)
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    _load(folder, convert_to_safetensors=True)
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp  # not converted again


def _weights_folder(tmp_path: Path, payload: bytes) -> Path:
    folder = tmp_path / "model"
    folder.mkdir(exist_ok=True)
    (folder / "model.safetensors").write_bytes(payload)
    return folder


def _direct_sha256(folder: Path) -> str:
    digest = hashlib.sha256(b"model.safetensors")
    digest.update((folder / "model.safetensors").read_bytes())
    return digest.hexdigest()


def test_the_weights_hash_is_remembered_until_a_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZE_HASH_CACHE", str(tmp_path / "hashes"))
    folder = _weights_folder(tmp_path, b"weights-one")
    first = weights.weights_sha256(folder)
    assert first == _direct_sha256(folder)

    def no_reading(files: list[Path]) -> str:
        raise AssertionError("the remembered hash should have been used")

    with monkeypatch.context() as patched:
        patched.setattr(weights, "_hash_files", no_reading)
        assert weights.weights_sha256(folder) == first  # the second start reads no weights

    time.sleep(0.01)  # a new mtime/ctime even on coarse clocks
    (folder / "model.safetensors").write_bytes(b"weights-two")  # same size, new bytes
    second = weights.weights_sha256(folder)
    assert second == _direct_sha256(folder) != first


def test_the_weights_hash_cache_can_be_off_or_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _weights_folder(tmp_path, b"weights")
    monkeypatch.setenv("SUMMARIZE_HASH_CACHE", "off")
    assert weights.hash_cache_dir() is None
    assert weights.weights_sha256(folder) == _direct_sha256(folder)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SUMMARIZE_HASH_CACHE", str(blocker / "hashes"))
    assert weights.weights_sha256(folder) == _direct_sha256(folder)
