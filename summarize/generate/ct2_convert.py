"""Converting a Hugging Face checkpoint folder to CTranslate2, once, into a cache keyed by its hashes.

Conversion goes into a temporary folder renamed into place, so a crash or a concurrent run never
leaves a half-written model behind. See ``summarize.generate.ct2`` for how the backends agree.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import ctranslate2

from summarize.generate.models import LoadedModel
from summarize.generate.tokenization import load_tokenizer
from summarize.generate.weights import weights_sha256

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path("~/.cache/summarize/ct2")
_VOCAB_FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.json",
    "merges.txt",
    "added_tokens.json",
)
# model_type -> (normalize_before, normalize_embedding): keys the converter reads that configs
# written by transformers 5 lack (Hub configs from 4.x have them); each architecture's own values.
_NORM_DEFAULTS: dict[str, tuple[bool, bool]] = {
    "bart": (False, True),
    "mbart": (True, True),
    "pegasus": (True, False),
}


def _files_sha256(location: Path) -> str:
    digest = hashlib.sha256()
    for name in _VOCAB_FILES:
        path = location / name
        if path.is_file():
            digest.update(name.encode())
            with path.open("rb") as handle:
                hashlib.file_digest(handle, lambda: digest)
    for path in sorted([*location.glob("*.spm"), *location.glob("*.model")]):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            hashlib.file_digest(handle, lambda: digest)
    return digest.hexdigest()


def _converter(location: str) -> Any:
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        """Fills in what the converter reads but transformers 5 checkpoints may lack."""

        model: Any = None

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            defaults = _NORM_DEFAULTS.get(model.config.model_type)
            for key, value in zip(
                ("normalize_before", "normalize_embedding"), defaults or (), strict=False
            ):
                if not hasattr(model.config, key):
                    setattr(model.config, key, value)
            if model.config.model_type in ("t5", "mt5", "umt5"):
                # transformers 5 always sets tie_word_embeddings=True; whether logits are scaled
                # by d_model**-0.5 is now scale_decoder_outputs (T5, UMT5), never for mT5. The
                # converter reads tie_word_embeddings for that scaling.
                scale = getattr(model.config, "scale_decoder_outputs", False)
                model.config.tie_word_embeddings = bool(scale)
            self.model = model
            return model

        def load_tokenizer(
            self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any
        ) -> Any:
            # The tokenizer the job uses (checked against the checkpoint's sentencepiece model),
            # so the converted vocabulary has the same ids.
            tokenizer = load_tokenizer(model_name_or_path, model_name_or_path, **kwargs)
            config = self.model.config
            # The converter writes tokenizer.bos_token into the model config; null breaks loading.
            bos_id = getattr(config, "bos_token_id", None)
            if tokenizer.bos_token is None and bos_id is not None:
                tokenizer.bos_token = tokenizer.convert_ids_to_tokens(bos_id)
            # Without tokenizer_class the converter takes mBART-50 for mBART-25, which decodes
            # from the language token instead of </s> (Hub mBART-50 configs name their class).
            name = type(tokenizer).__name__
            mbart50 = config.model_type == "mbart" and name.startswith("MBart50")
            if mbart50 and not getattr(config, "tokenizer_class", None):
                config.tokenizer_class = name.removesuffix("Fast")
            return tokenizer

    return Converter(location)


def converted_dir(loaded: LoadedModel, quantization: str, cache_dir: str | Path | None) -> Path:
    """The CTranslate2 model of ``loaded`` for ``quantization``, converting it on first use."""
    location = Path(loaded.location)
    weights = loaded.weights_sha256 or weights_sha256(loaded.location)
    if weights is None:
        raise ValueError(f"no *.safetensors or *.bin weights in {location}: nothing to convert")
    # The converted model also embeds the vocabulary and special tokens, hence the second hash;
    # a newer CTranslate2 major version may write a format an older one cannot read.
    major = ctranslate2.__version__.split(".")[0]
    key = f"{weights[:16]}-{_files_sha256(location)[:8]}-{quantization}-ct2v{major}"
    root = Path(cache_dir or DEFAULT_CACHE_DIR).expanduser()
    target = root / key
    if (target / "model.bin").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
    try:
        log.info("converting %s to CTranslate2 (%s) in %s", location, quantization, target)
        _converter(str(location)).convert(str(tmp), quantization=quantization, force=True)
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished the same conversion first: use theirs
            if not (target / "model.bin").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
