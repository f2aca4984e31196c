"""A checkpoint's weight files: which format, how big, their hash, and a safetensors copy.

Several real repositories (distilbart-cnn-12-6, mBART-50, NLLB, OPUS-MT, PEGASUS, mT5-XLSum) ship
only ``pytorch_model.bin``, a pickle. It is read with ``torch.load(weights_only=True)`` semantics
(what transformers 5 does by default, requested explicitly here): only tensors and plain
containers are rebuilt, and a pickle that asks for anything else (``os.system``, any class) is
refused before it runs. ``model.allow_pickle=true`` is the explicit opt-in to full unpickling.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import pickletools
import re
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SAFETENSORS = "safetensors"
PICKLE = "pytorch_model.bin"
DEFAULT_HASH_CACHE = Path("~/.cache/summarize/sha256")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_GLOBAL = re.compile(r"GLOBAL ([\w.]+)")
_OPERAND = re.compile(r"Unsupported operand (\d+)")
_OPCODES = {ord(op.code): op for op in pickletools.opcodes}


class UnsafePickleError(RuntimeError):
    """A .bin file needs more than tensors to be unpickled."""


def weight_files(location: str | Path) -> tuple[str | None, list[Path]]:
    """(format, files) transformers would read: safetensors when present, else the .bin files."""
    folder = Path(location)
    safetensors = sorted(folder.glob("*.safetensors"))
    if safetensors:
        return SAFETENSORS, safetensors
    pickles = sorted(folder.glob("pytorch_model*.bin"))
    return (PICKLE, pickles) if pickles else (None, [])


def weights_size(location: str | Path) -> int:
    return sum(f.stat().st_size for f in weight_files(location)[1])


def hash_cache_dir() -> Path | None:
    """Where weight hashes are remembered: ``SUMMARIZE_HASH_CACHE`` (``off`` disables it)."""
    value = os.environ.get("SUMMARIZE_HASH_CACHE", str(DEFAULT_HASH_CACHE))
    if value.strip().lower() in ("", "0", "off", "false", "no"):
        return None
    return Path(value).expanduser()


def _file_signature(files: list[Path]) -> str:
    """What identifies the files' bytes without reading them, as make, rsync and git judge it:
    real path, size, modification and change times (ns), inode and device. A rewrite changes the
    times; ``touch`` can restore the mtime but never the ctime."""
    parts = []
    for file in files:
        stat = file.stat()  # follows the Hub cache's snapshot -> blob links
        parts.append(
            f"{file.resolve()}|{file.name}|{stat.st_size}|{stat.st_mtime_ns}|{stat.st_ctime_ns}|"
            f"{stat.st_ino}|{stat.st_dev}"
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _hash_files(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode())
        with file.open("rb") as handle:
            hashlib.file_digest(handle, lambda: digest)  # streams the file into the one digest
    return digest.hexdigest()


def weights_sha256(location: str | Path) -> str | None:
    """One hash over all weight files, so a record names exactly the weights that produced it.

    Reading 1-3 GB of weights costs seconds at every start, so the hash is remembered under the
    files' signature (``_file_signature``) in ``hash_cache_dir()``, one small file per signature,
    written atomically; any change to a file gives a new signature and a fresh hash.
    """
    files = weight_files(location)[1]
    if not files:
        return None
    cache = hash_cache_dir()
    entry = cache / _file_signature(files) if cache is not None else None
    if entry is not None and entry.is_file():
        remembered = entry.read_text("ascii", errors="replace").strip()
        if _HEX64.fullmatch(remembered):
            return remembered
    value = _hash_files(files)
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=entry.parent, prefix=".tmp-", delete=False, encoding="ascii"
            ) as handle:
                handle.write(value + "\n")
            os.replace(handle.name, entry)
        except OSError as exc:  # a read-only home only costs the next run the same seconds
            log.debug("could not remember the weights hash in %s: %s", entry.parent, exc)
    return value


def _refused_instruction(message: str) -> str | None:
    """What torch's tensors-only unpickler refused, in our words, from its message (a page that
    also advises disabling ``weights_only``, which must never reach a user as the fix): a global
    it was asked to import (``GLOBAL posix.system``: protocol 2), or a pickle instruction it does
    not run (``Unsupported operand 149``: FRAME, which every protocol 4 and 5 pickle starts with).
    None when the message is not a refusal: an operand that is no pickle instruction at all
    means a corrupt or truncated file, not an unsafe one."""
    if found := _GLOBAL.search(message):
        return f"it asks to import {found.group(1).rstrip('.')}, which is not a tensor"
    if found := _OPERAND.search(message):
        opcode = _OPCODES.get(int(found.group(1)))
        if opcode is None:
            return None
        return (
            f"it uses the pickle instruction {opcode.name} (pickle protocol {opcode.proto} or "
            "newer), which the tensors-only reader does not run"
        )
    return None


def refusal(exc: BaseException, files: list[Path], name: str) -> UnsafePickleError | None:
    """The one-line error for a weights_only refusal, or None if ``exc`` is not one."""
    if not isinstance(exc, pickle.UnpicklingError):
        return None
    reason = _refused_instruction(str(exc))
    if reason is None:
        return None
    where = ", ".join(str(f) for f in files) or name
    return UnsafePickleError(
        f"refused to unpickle {where}: {reason} -- a weights file should hold only tensors, and "
        f"unpickling this one could run code. Fix: use the model's model.safetensors ("
        f"python -m summarize.download --model {name} fetches it where the Hub has one), or, only "
        f"if you trust the file, model.allow_pickle=true"
    )


def convert_to_safetensors(location: str | Path, name: str) -> Path:
    """Write model.safetensors beside the .bin files of ``location`` (read with weights_only).

    The weights are loaded once as transformers loads them and saved with its own
    ``save_pretrained`` (which knows the tied tensors of each architecture); only the weight
    files are kept, so the checkpoint's JSON files stay exactly as the repository has them.
    """
    from transformers import AutoModelForSeq2SeqLM

    folder = Path(location)
    fmt, files = weight_files(folder)
    if fmt != PICKLE:
        raise ValueError(f"{folder} has no pytorch_model.bin to convert")
    log.info("converting %s to model.safetensors (once)", files[0])
    model = AutoModelForSeq2SeqLM.from_pretrained(folder, dtype="auto", weights_only=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".convert-") as tmp:
        model.save_pretrained(tmp)
        written = sorted(Path(tmp).glob("model*.safetensors*"))
        if not written:
            raise RuntimeError(f"converting {folder}: transformers wrote no safetensors file")
        for file in written:  # the index (if sharded) last, so readers never see it early
            os.replace(file, folder / file.name)
    return folder / "model.safetensors"


def describe_format(location: str | Path) -> dict[str, Any]:
    fmt, files = weight_files(location)
    return {"weights_format": fmt, "weights_files": [f.name for f in files]}


def load_unpickled(location: str | Path, files: list[Path], dtype: Any) -> Any:
    """The model with its .bin files fully unpickled (``model.allow_pickle=true`` only).

    transformers 5.24 reads every .bin with weights_only=True whatever ``weights_only=False``
    says (its non-DeepSpeed path drops the argument), so the opt-in unpickles here and hands
    transformers the tensors.
    """
    import torch
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, GenerationConfig

    state: dict[str, Any] = {}
    for file in files:
        data = torch.load(file, map_location="cpu", weights_only=False)
        state.update({k: v for k, v in data.items() if isinstance(v, torch.Tensor)})
    config = AutoConfig.from_pretrained(location)
    model_class = AutoModelForSeq2SeqLM._model_mapping[type(config)]
    model = model_class.from_pretrained(  # type: ignore[attr-defined]
        None, config=config, state_dict=state, dtype=dtype
    )
    try:
        model.generation_config = GenerationConfig.from_pretrained(location)
    except OSError:  # no generation_config.json: what from_pretrained derives from config.json
        model.generation_config = GenerationConfig.from_pretrained(
            location, config_file_name="config.json", _from_model_config=True
        )
    return model
