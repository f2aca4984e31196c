"""Loading seq2seq checkpoints from a Hub id or a local folder, and the quirks of each family.

Loading is the real ``from_pretrained`` path. Offline, a model that is neither a local folder, nor under
``model_root``, nor in the Hugging Face cache fails at once with one message that names the fix,
instead of transformers' retry loop (about 25 s per file here).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

log = logging.getLogger(__name__)


class ModelUnavailableError(RuntimeError):
    """A model cannot be loaded; the message says which override fixes it."""


@dataclass(frozen=True)
class ModelSpec:
    name_or_path: str
    revision: str | None = None
    # The config key a user changes to point elsewhere, for error messages.
    override_key: str = "summarizer.name_or_path"


@dataclass
class LoadedModel:
    spec: ModelSpec
    location: str  # local folder it was read from
    tokenizer: Any
    model: Any
    family: str  # bart | pegasus | t5 | marian | mbart50 | m2m100 | nllb | other
    max_input_tokens: int  # the model's own limit, special tokens included
    weights_sha256: str | None
    revision: str | None

    def describe(self) -> dict[str, Any]:
        return {
            "name_or_path": self.spec.name_or_path,
            "revision": self.revision,
            "weights_sha256": self.weights_sha256,
            "family": self.family,
        }


def _hub_reachable(timeout_s: float = 3.0) -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        return False
    endpoint = (
        os.environ.get("HF_ENDPOINT", "https://huggingface.co").split("//", 1)[-1].split("/", 1)[0]
    )
    host, _, port = endpoint.partition(":")
    try:
        with socket.create_connection((host, int(port or 443)), timeout=timeout_s):
            return True
    except OSError:
        return False


def resolve_location(spec: ModelSpec, model_root: str | None) -> str:
    """A local folder for the model: the path itself, <model_root>/<hub id>, or the Hub cache snapshot."""
    direct = Path(spec.name_or_path).expanduser()
    if direct.is_dir():
        return str(direct.resolve())
    if model_root and not direct.is_absolute():
        root = Path(os.path.normpath(Path(model_root).expanduser().absolute()))
        # Lexically: "../../x" must not leave the model root; links placed inside it may.
        mapped = Path(os.path.normpath(root / spec.name_or_path))
        if not mapped.is_relative_to(root):
            raise ModelUnavailableError(
                f"{spec.override_key}={spec.name_or_path!r} leads out of model_root={model_root}; "
                "give a Hub id under it, or an absolute path"
            )
        if mapped.is_dir():
            return str(mapped.resolve())
    from huggingface_hub import snapshot_download

    try:  # already in the local Hugging Face cache
        return snapshot_download(spec.name_or_path, revision=spec.revision, local_files_only=True)
    except Exception as exc:  # huggingface_hub raises several types here; all mean "not cached"
        cached_error = exc
    if not _hub_reachable():
        where = f" nor under model_root={model_root}" if model_root else ""
        raise ModelUnavailableError(
            f"model {spec.name_or_path!r} is not a local folder{where}, not in the Hugging Face cache, and "
            f"the Hub cannot be reached (offline). Fix: run `python scripts/download_models.py` where there "
            f"is network and set SUMMARIZE_MODEL_ROOT (or model_root=DIR), or set "
            f"{spec.override_key}=/path/to/model."
        ) from cached_error
    try:
        return snapshot_download(
            spec.name_or_path,
            revision=spec.revision,
            allow_patterns=["*.json", "*.safetensors", "*.model", "*.spm", "*.txt", "*.bin"],
        )
    except Exception as exc:
        raise ModelUnavailableError(
            f"model {spec.name_or_path!r} could not be downloaded ({exc}); check the id or set {spec.override_key}"
        ) from exc


def weights_sha256(location: str) -> str | None:
    """One hash over all weight files, so a record names exactly the weights that produced it."""
    files = sorted(Path(location).glob("*.safetensors")) or sorted(Path(location).glob("*.bin"))
    if not files:
        return None
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode())
        with file.open("rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


def model_family(model: Any, tokenizer: Any) -> str:
    """Family from the checkpoint's own config and tokenizer class, never from its Hub name."""
    model_type = model.config.model_type
    tokenizer_class = type(tokenizer).__name__
    if model_type == "m2m_100":
        return "nllb" if tokenizer_class.startswith("Nllb") else "m2m100"
    if model_type == "mbart":
        return "mbart50" if tokenizer_class.startswith("MBart50") else "mbart"
    if model_type in ("t5", "mt5", "umt5"):
        return "t5"
    if model_type in ("bart", "pegasus", "marian"):
        return str(model_type)
    return "other"


def model_input_limit(model: Any, tokenizer: Any) -> int:
    """Tokens one input may have, special tokens included."""
    limits = [
        n
        for n in (getattr(model.config, "max_position_embeddings", None),)
        if isinstance(n, int) and n > 0
    ]
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < 1_000_000:
        limits.append(tokenizer_limit)
    # T5 has relative positions and no max_position_embeddings; 512 is what it was trained on.
    return min(limits) if limits else 512


def _mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def pick_device(requested: str) -> torch.device:
    """The device for `runtime.device`; one this machine lacks is a configuration error.

    Checked before anything is loaded or written: torch would otherwise fail deep inside model
    loading with "Torch not compiled with CUDA enabled", or (with no model) not fail at all.
    """
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    try:
        device = torch.device(requested)
    except RuntimeError as exc:
        raise ValueError(
            f"runtime.device={requested}: not a device; use auto, cpu, cuda, cuda:N or mps"
        ) from exc
    fix = "use runtime.device=cpu (or auto)"
    if device.type == "cuda":
        if torch.version.cuda is None and getattr(torch.version, "hip", None) is None:
            raise ValueError(
                f"runtime.device={requested}: this torch ({torch.__version__}) is a CPU-only "
                f"build; {fix}, or install torch's CUDA build"
            )
        visible = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if visible <= (device.index or 0):
            raise ValueError(
                f"runtime.device={requested}: {visible} CUDA device(s) visible "
                f"(check nvidia-smi and CUDA_VISIBLE_DEVICES); {fix}"
            )
    if device.type == "mps" and not _mps_available():
        raise ValueError(f"runtime.device={requested}: MPS (Apple GPU) is not available; {fix}")
    return device


def pick_dtype(requested: str, device: torch.device) -> torch.dtype:
    if requested != "auto":
        dtype = getattr(torch, requested, None)
        if not isinstance(dtype, torch.dtype):
            raise ValueError(f"runtime.dtype={requested}: use auto, float32, bfloat16 or float16")
        return dtype
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def load_seq2seq(
    spec: ModelSpec,
    *,
    model_root: str | None,
    device: torch.device,
    dtype: torch.dtype,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
    hash_weights: bool = True,
    quantize: str = "none",
) -> LoadedModel:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    location = resolve_location(spec, model_root)
    has_safetensors = any(Path(location).glob("*.safetensors"))
    if not has_safetensors and any(Path(location).glob("*.bin")) and not allow_pickle:
        raise ModelUnavailableError(
            f"model {spec.name_or_path!r} ships only pickle weights (*.bin), which can run code when loaded. "
            f"Convert it to safetensors, or accept the risk with model.allow_pickle=true"
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(location, trust_remote_code=trust_remote_code)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            location,
            dtype=dtype,
            use_safetensors=has_safetensors,
            trust_remote_code=trust_remote_code,
        )
    except Exception as exc:  # a truncated safetensors file raises SafetensorError, among others
        raise ModelUnavailableError(
            f"model {spec.name_or_path!r} at {location} could not be loaded as a seq2seq model: {exc}. "
            f"Check {spec.override_key}"
        ) from exc
    model.to(device).eval()
    if quantize == "dynamic_int8":
        if device.type != "cpu":
            raise ValueError(
                "runtime.quantize=dynamic_int8 is for CPU; on GPU use runtime.dtype=bfloat16"
            )
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    revision = spec.revision
    if revision is None and "/snapshots/" in location:  # the Hub cache names the commit
        revision = Path(location).name
    return LoadedModel(
        spec=spec,
        location=location,
        tokenizer=tokenizer,
        model=model,
        family=model_family(model, tokenizer),
        max_input_tokens=model_input_limit(model, tokenizer),
        weights_sha256=weights_sha256(location) if hash_weights else None,
        revision=revision,
    )


class ModelCache:
    """Loads each (model, revision) once per process, however many languages use it."""

    def __init__(self, **load_options: Any) -> None:
        self._load_options = load_options
        self._models: dict[tuple[str, str | None], LoadedModel] = {}

    def get(self, spec: ModelSpec) -> LoadedModel:
        key = (spec.name_or_path, spec.revision)
        if key not in self._models:
            log.info("loading %s", spec.name_or_path)
            self._models[key] = load_seq2seq(spec, **self._load_options)
        return self._models[key]

    def loaded(self) -> list[LoadedModel]:
        return list(self._models.values())
