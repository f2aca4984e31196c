"""Loading seq2seq checkpoints from a Hub id or a local folder, and the quirks of each family.

Loading is the real ``from_pretrained`` path. A model is looked for, without network, as a local
folder, under ``model_root`` (``<root>/<hub id>``) and in the Hugging Face cache; only then is the
Hub asked, and offline that fails at once with one message and a command to paste, instead of
transformers' retry loop (about 25 s per file here). Weights are read safely whatever their format
(``summarize/generate/weights.py``) and tokenizers are checked against the checkpoint's own
sentencepiece model (``summarize/generate/tokenization.py``).
"""

from __future__ import annotations

import logging
import pickle
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from summarize.generate.devices import pick_device, pick_dtype  # noqa: F401  (re-exported)
from summarize.generate.locate import (  # noqa: F401  (re-exported: the loading API)
    Located,
    ModelSpec,
    ModelUnavailableError,
    download_command,
    locate,
    missing_message,
    resolve_location,
)
from summarize.generate.tokenization import TokenizerMismatchError, load_tokenizer
from summarize.generate.weights import (
    PICKLE,
    SAFETENSORS,
    convert_to_safetensors,
    load_unpickled,
    refusal,
    weight_files,
    weights_sha256,
)

log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    spec: ModelSpec
    location: str  # local folder it was read from
    tokenizer: Any
    # The torch model; None when only the files were read (runtime.backend=ct2 decodes with the
    # converted model and never needs it).
    model: Any
    family: str  # bart | pegasus | t5 | marian | mbart50 | m2m100 | nllb | other
    max_input_tokens: int  # the model's own limit, special tokens included
    weights_sha256: str | None
    revision: str | None
    where: str = "folder"
    weights_format: str | None = None  # safetensors | pytorch_model.bin (what was read)
    weights_bytes: int = 0
    config: Any = None  # the checkpoint's PretrainedConfig (also without a torch model)
    # Builds the torch model on first use when loading was lazy (ModelCache in a job).
    builder: Callable[[], Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.config is None and self.model is not None:
            self.config = self.model.config

    def torch_model(self) -> Any:
        """The torch model, built now if loading was lazy (one log line when it is)."""
        if self.model is None and self.builder is not None:
            started = time.perf_counter()
            self.model, self.builder = self.builder(), None
            log_loaded(self, time.perf_counter() - started)
        return self.model

    def describe(self) -> dict[str, Any]:
        """What every record names (the export schema has exactly these keys)."""
        return {
            "name_or_path": self.spec.name_or_path,
            "revision": self.revision,
            "weights_sha256": self.weights_sha256,
            "family": self.family,
        }

    def details(self) -> dict[str, Any]:
        """describe() and where the weights came from, for manifest.json."""
        return {
            **self.describe(),
            "resolved_from": self.where,
            "weights_format": self.weights_format,
            "weights_bytes": self.weights_bytes,
        }


def log_loaded(loaded: LoadedModel, seconds: float) -> None:
    """The one line per model load."""
    size = loaded.weights_bytes
    log.info(
        "loaded %s from %s %s (%s, %s) in %.1f s",
        loaded.spec.name_or_path,
        loaded.where,
        loaded.location,
        loaded.weights_format,
        f"{size / 1e9:.2f} GB" if size >= 1e8 else f"{size / 1e6:.1f} MB",
        seconds,
    )


def progress_bars_only_on_a_terminal() -> None:
    """Load and save progress bars are noise in a batch job's log file."""
    if not sys.stderr.isatty():
        from huggingface_hub.utils import disable_progress_bars
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        disable_progress_bars()


@contextmanager
def quiet_loading() -> Iterator[None]:
    """transformers' load-time advice (legacy config keys, optional sacremoses) is not for our
    users; errors still raise. The one line per model is ModelCache's."""
    from transformers.utils import logging as hf_logging

    progress_bars_only_on_a_terminal()
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            yield
    finally:
        hf_logging.set_verbosity(level)


def model_family(config: Any, tokenizer: Any) -> str:
    """Family from the checkpoint's own config and tokenizer class, never from its Hub name."""
    model_type = config.model_type
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


def model_input_limit(config: Any, tokenizer: Any) -> int:
    """Tokens one input may have, special tokens included."""
    limits = [
        n
        for n in (getattr(config, "max_position_embeddings", None),)
        if isinstance(n, int) and n > 0
    ]
    tokenizer_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < 1_000_000:
        limits.append(tokenizer_limit)
    # T5 has relative positions and no max_position_embeddings; 512 is what it was trained on.
    return min(limits) if limits else 512


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
    convert_to_safetensors: bool = False,
    load_weights: bool = True,
    lazy: bool = False,
) -> LoadedModel:
    """``load_weights=False``: config, tokenizer and weight hash only, no torch model (CT2).
    ``lazy=True``: the same now, and the torch model is built on first use
    (``LoadedModel.torch_model()``): a rerun whose records are all reused never builds it."""
    from transformers import AutoConfig

    located = resolve_location(spec, model_root)
    location, name = located.location, spec.name_or_path
    fmt, files = weight_files(location)
    if fmt is None:
        raise ModelUnavailableError(
            f"model {name!r} at {location} has no weights (model.safetensors or "
            f"pytorch_model.bin). Fix: `{download_command(spec, model_root)}`"
        )
    if quantize == "dynamic_int8" and load_weights and device.type != "cpu":
        raise ValueError(
            "runtime.quantize=dynamic_int8 is for CPU; on GPU use runtime.dtype=bfloat16"
        )
    if fmt == PICKLE and convert_to_safetensors:
        try:
            with quiet_loading():
                _convert(location, name)
        except OSError as exc:
            raise ModelUnavailableError(
                f"cannot write model.safetensors beside {files[0]} ({exc}): convert where it is "
                f"writable (`python -m summarize.download --convert ...`) or set "
                f"model.convert_to_safetensors=false"
            ) from exc
        fmt, files = weight_files(location)

    def unavailable(exc: Exception) -> ModelUnavailableError:
        if isinstance(exc, TokenizerMismatchError):
            return ModelUnavailableError(str(exc))
        refused = refusal(exc, files, name)  # a truncated safetensors file, an unsafe pickle, ...
        if refused is not None:
            return ModelUnavailableError(str(refused))
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return ModelUnavailableError(
            f"model {name!r} at {location} could not be loaded as a seq2seq model: {reason}. "
            f"Check {spec.override_key}"
        )

    def build() -> Any:
        from transformers import AutoModelForSeq2SeqLM

        try:
            with quiet_loading():
                if fmt == PICKLE and allow_pickle:  # the explicit opt-in to full unpickling
                    model = load_unpickled(location, files, dtype)
                else:
                    model = AutoModelForSeq2SeqLM.from_pretrained(
                        location,
                        dtype=dtype,
                        use_safetensors=fmt == SAFETENSORS,
                        # Tensors only, no code run: explicit, whatever transformers' default is.
                        weights_only=True,
                        trust_remote_code=trust_remote_code,
                    )
        except Exception as exc:
            raise unavailable(exc) from exc
        model.to(device).eval()
        if quantize == "dynamic_int8":
            model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
        return model

    try:
        with quiet_loading():
            tokenizer = load_tokenizer(location, name, trust_remote_code=trust_remote_code)
            model = build() if load_weights and not lazy else None
            config = (
                model.config
                if model is not None
                else AutoConfig.from_pretrained(location, trust_remote_code=trust_remote_code)
            )
    except ModelUnavailableError:
        raise
    except Exception as exc:
        raise unavailable(exc) from exc
    revision = spec.revision
    if revision is None and "/snapshots/" in location:  # the Hub cache names the commit
        revision = Path(location).name
    return LoadedModel(
        spec=spec,
        location=location,
        tokenizer=tokenizer,
        model=model,
        family=model_family(config, tokenizer),
        max_input_tokens=model_input_limit(config, tokenizer),
        weights_sha256=weights_sha256(location) if hash_weights else None,
        revision=revision,
        where=located.where,
        weights_format=fmt,
        weights_bytes=sum(f.stat().st_size for f in files),
        config=config,
        builder=build if load_weights and lazy else None,
    )


def _convert(location: str, name: str) -> None:
    try:
        convert_to_safetensors(location, name)
    except pickle.UnpicklingError as exc:
        refused = refusal(exc, weight_files(location)[1], name)
        raise ModelUnavailableError(str(refused or exc)) from exc


class ModelCache:
    """Loads each (model, revision) once per process, however many languages use it."""

    def __init__(self, **load_options: Any) -> None:
        self._load_options = load_options
        self._models: dict[tuple[str, str | None], LoadedModel] = {}

    def get(self, spec: ModelSpec) -> LoadedModel:
        """Config, tokenizer and weights hash now (what record keys need); with ``lazy`` the
        weights load on first generation, with one log line then."""
        key = (spec.name_or_path, spec.revision)
        if key not in self._models:
            started = time.perf_counter()
            loaded = self._models[key] = load_seq2seq(spec, **self._load_options)
            if loaded.model is not None:  # loaded eagerly (lazy=False)
                log_loaded(loaded, time.perf_counter() - started)
        return self._models[key]

    def loaded(self) -> list[LoadedModel]:
        return list(self._models.values())
