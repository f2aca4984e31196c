"""Which device and dtype a job runs on, checked before anything is loaded or written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from summarize.generate.budget import Budget, ModelShape, choose_budget, shape_from_config


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


def free_bytes(device: torch.device) -> int | None:
    """The device's free memory now (CUDA); None elsewhere (a CPU budget does not depend on it)."""
    if device.type != "cuda":
        return None
    free, _total = torch.cuda.mem_get_info(device)
    return int(free)


def count_parameters(config: Any) -> int:
    """A model's parameters from its config alone (built on the meta device: no memory, no
    weights read); shared (tied) weights count once."""
    from transformers import AutoModelForSeq2SeqLM
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # its advice on generation settings is not for this copy
    try:
        with torch.device("meta"):
            model = AutoModelForSeq2SeqLM.from_config(config)
    finally:
        hf_logging.set_verbosity(level)
    return sum(p.numel() for p in model.parameters())


def shape_of(name: str, config: Any, settings: Any) -> ModelShape:
    """A model's memory shape from its config and effective generation settings."""
    beams = settings.values.get("num_beams") or 1
    parameters = count_parameters(config)
    return shape_from_config(name, config, parameters, beams, settings.max_new_tokens)


def device_budget(
    runtime: Any, device: torch.device, dtype: torch.dtype, generators: Sequence[Any]
) -> Budget:
    """``runtime.batch_tokens``/``window_articles`` resolved for this device and these models'
    generators (summarize/generate/budget.py says how)."""
    shapes = []
    if device.type == "cuda" and "auto" in (runtime.batch_tokens, runtime.window_articles):
        for generator in generators:
            loaded = generator.loaded
            shapes.append(shape_of(loaded.spec.name_or_path, loaded.config, generator.settings))
    return choose_budget(
        device.type,
        batch_tokens=runtime.batch_tokens,
        window_articles=runtime.window_articles,
        free_bytes=free_bytes(device),
        dtype_bytes=torch.empty((), dtype=dtype).element_size(),
        shapes=shapes,
    )
