"""The Hugging Face Hub side of models: is it reachable, which files of a repository to fetch.

Shared by the job (a model missing locally while the Hub answers) and
``python -m summarize.download``, so both fetch exactly what ``from_pretrained`` reads for the
families here: configs, every tokenizer file, and one weight format (safetensors when the
repository has it, else ``pytorch_model.bin``); never TensorFlow, Flax, Rust, ONNX or
CTranslate2 copies, which several repositories also carry (bart-large-cnn: 5 formats, ~2.8 GB).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Files from_pretrained reads (config, generation config, tokenizers of every family here).
_SMALL_FILES = frozenset(
    {
        "config.json",
        "generation_config.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "tokenizer.json",
        "added_tokens.json",
        "vocab.json",
        "merges.txt",
        "spiece.model",
        "sentencepiece.bpe.model",
        "source.spm",
        "target.spm",
    }
)
_SAFETENSORS = re.compile(r"^model(-\d{5}-of-\d{5})?\.safetensors(\.index\.json)?$")
_PICKLE = re.compile(r"^pytorch_model(-\d{5}-of-\d{5})?\.bin(\.index\.json)?$")


def files_to_fetch(repo_files: Iterable[str]) -> list[str]:
    """The files of a repository (top level only) that loading it needs, in one weight format."""
    top = [f for f in repo_files if "/" not in f]  # onnx/, openvino/, ... are never read
    small = [f for f in top if f in _SMALL_FILES]
    safetensors = [f for f in top if _SAFETENSORS.match(f)]
    pickles = [f for f in top if _PICKLE.match(f)]
    return sorted(small + (safetensors or pickles))


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co")


def hub_reachable(timeout_s: float = 3.0) -> bool:
    """A TCP connection to the Hub within ``timeout_s`` (transformers would retry for minutes).

    Never tried in huggingface_hub's offline mode: HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE set to
    1, ON, YES or TRUE when it was imported, read by huggingface_hub itself."""
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    host_port = hub_endpoint().split("//", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host, int(port or 443)), timeout=timeout_s):
            return True
    except OSError:
        return False


def cached_snapshot(hub_id: str, revision: str | None) -> str | None:
    """The Hugging Face cache folder of ``hub_id`` if it is there (no network)."""
    from huggingface_hub import snapshot_download

    try:
        return str(snapshot_download(hub_id, revision=revision, local_files_only=True))
    except Exception:  # huggingface_hub raises several types here; all mean "not cached"
        return None


@dataclass(frozen=True)
class RepoFiles:
    hub_id: str
    revision: str
    files: list[str]  # what will be fetched
    size: int  # bytes of those files
    license: str | None


def repo_files(hub_id: str, revision: str | None) -> RepoFiles:
    """What fetching ``hub_id`` would download, with sizes and licence (one Hub request)."""
    from huggingface_hub import HfApi

    info: Any = HfApi().model_info(hub_id, revision=revision, files_metadata=True)
    sizes = {s.rfilename: int(s.size or 0) for s in info.siblings or []}
    chosen = files_to_fetch(sizes)
    card = info.card_data.to_dict() if getattr(info, "card_data", None) else {}
    license_ = card.get("license") or next(
        (t.split(":", 1)[1] for t in info.tags or [] if t.startswith("license:")), None
    )
    return RepoFiles(hub_id, info.sha, chosen, sum(sizes[f] for f in chosen), license_)


def fetch(files: RepoFiles, root: str | Path | None) -> str:
    """Download ``files`` into ``<root>/<hub id>`` (root None: the Hugging Face cache)."""
    from huggingface_hub import snapshot_download

    return str(
        snapshot_download(
            files.hub_id,
            revision=files.revision,
            allow_patterns=files.files,
            local_dir=Path(root) / files.hub_id if root is not None else None,
        )
    )
