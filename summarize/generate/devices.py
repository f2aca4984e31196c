"""Which device and dtype a job runs on, checked before anything is loaded or written."""

from __future__ import annotations

import torch


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
