"""Which files of a Hub repository loading needs, and the download script's offline behaviour."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.generate.hub import files_to_fetch
from summarize.tools.download import models_named

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "download_models.py"
# bart-large-cnn's main branch: five weight formats, of which one is read.
BART_LARGE_CNN = [
    ".gitattributes",
    "README.md",
    "config.json",
    "flax_model.msgpack",
    "generation_config.json",
    "generation_config_for_summarization.json",
    "merges.txt",
    "model.safetensors",
    "pytorch_model.bin",
    "rust_model.ot",
    "tf_model.h5",
    "tokenizer.json",
    "vocab.json",
    "onnx/decoder_model.onnx",
    "onnx/config.json",
]


def test_safetensors_when_the_repository_has_them_and_never_other_frameworks() -> None:
    assert files_to_fetch(BART_LARGE_CNN) == [
        "config.json",
        "generation_config.json",
        "merges.txt",
        "model.safetensors",
        "tokenizer.json",
        "vocab.json",
    ]


def test_the_bin_when_that_is_all_there_is() -> None:
    distilbart = ["config.json", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack"]
    distilbart += ["rust_model.ot", "vocab.json", "merges.txt", "tokenizer_config.json"]
    assert files_to_fetch(distilbart) == [
        "config.json",
        "merges.txt",
        "pytorch_model.bin",
        "tokenizer_config.json",
        "vocab.json",
    ]
    marian = ["config.json", "generation_config.json", "pytorch_model.bin", "source.spm"]
    marian += ["target.spm", "vocab.json", "tokenizer_config.json", "tf_model.h5"]
    assert "source.spm" in files_to_fetch(marian)
    assert "tf_model.h5" not in files_to_fetch(marian)


def test_sharded_weights_come_with_their_index() -> None:
    files = ["config.json", "spiece.model", "pytorch_model.bin"]
    files += ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    files += ["model.safetensors.index.json"]
    assert files_to_fetch(files) == [
        "config.json",
        "model-00001-of-00002.safetensors",
        "model-00002-of-00002.safetensors",
        "model.safetensors.index.json",
        "spiece.model",
    ]


def test_the_download_names_the_summariser_and_each_translator() -> None:
    from hydra import compose, initialize_config_dir

    from summarize.config import CONF_DIR

    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=["+lang=[fa,fr]"])
    assert [name for name, _ in models_named(cfg)] == [
        "sshleifer/distilbart-cnn-12-6",
        "facebook/mbart-large-50-many-to-many-mmt",
        "Helsinki-NLP/opus-mt-en-fr",
    ]


@pytest.mark.parametrize(
    "command",
    [["-m", "summarize.download"], [str(SCRIPT)]],
    ids=["python -m summarize.download", "scripts/download_models.py"],
)
def test_offline_the_download_fails_in_one_line(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *command, "--model", "sshleifer/distilbart-cnn-12-6"],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot be reached" in result.stderr


ONLINE_PROBE = """
import socket
from summarize.generate.hub import hub_reachable
dialled = []
def refuse(*args, **kwargs):
    dialled.append(args)
    raise OSError("no network in this test")
socket.create_connection = refuse
print(hub_reachable(), len(dialled))
"""


@pytest.mark.parametrize(
    ("env", "dials"),
    [
        ({}, 1),
        ({"HF_HUB_OFFLINE": "1"}, 0),
        ({"HF_HUB_OFFLINE": "true"}, 0),
        ({"TRANSFORMERS_OFFLINE": "ON"}, 0),
    ],
)
def test_offline_mode_as_huggingface_hub_reads_it_never_dials_the_hub(
    env: dict[str, str], dials: int
) -> None:
    offline = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    clean = {k: v for k, v in os.environ.items() if k not in offline}
    result = subprocess.run(
        [sys.executable, "-c", ONLINE_PROBE],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
    )
    assert result.stdout.split() == ["False", str(dials)], result.stderr
