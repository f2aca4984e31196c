"""Where a model is: a local folder, ``<model_root>/<hub id>``, the Hugging Face cache, or the Hub.

Looked for without network first; the Hub is asked only when it answers, and offline a missing
model fails at once with one line and a command to paste.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from summarize.generate.hub import cached_snapshot, fetch, hub_reachable, repo_files

log = logging.getLogger(__name__)


class ModelUnavailableError(RuntimeError):
    """A model cannot be loaded; the message says which override fixes it."""


@dataclass(frozen=True)
class ModelSpec:
    name_or_path: str
    revision: str | None = None
    # The config key a user changes to point elsewhere, for error messages.
    override_key: str = "summarizer.name_or_path"


@dataclass(frozen=True)
class Located:
    location: str  # a local folder
    where: str  # folder | model_root | cache | hub (how it was found)


def looks_like_path(name: str) -> bool:
    return name.startswith(("/", "./", "../", "~")) or Path(name).expanduser().exists()


def locate(spec: ModelSpec, model_root: str | None) -> Located | None:
    """Where the model already is, without network: folder, model_root, or the Hub cache."""
    direct = Path(spec.name_or_path).expanduser()
    if direct.is_dir():
        return Located(str(direct.resolve()), "folder")
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
            return Located(str(mapped.resolve()), "model_root")
    if looks_like_path(spec.name_or_path):
        return None
    cached = cached_snapshot(spec.name_or_path, spec.revision)
    return Located(cached, "cache") if cached else None


def download_command(specs: ModelSpec | list[ModelSpec], model_root: str | None) -> str:
    """A command that fetches the models where there is network (pasteable as is)."""
    specs = specs if isinstance(specs, list) else [specs]
    models = " ".join(f"--model {s.name_or_path}" for s in specs)
    revisions = {s.revision for s in specs} - {None}
    revision = f" --revision {revisions.pop()}" if len(specs) == 1 and revisions else ""
    root = f" --root {model_root}" if model_root else ""
    return f"python -m summarize.download {models}{revision}{root}"


def missing_message(spec: ModelSpec, model_root: str | None) -> str:
    name = spec.name_or_path
    if looks_like_path(name):
        return f"model folder {name!r} does not exist: check {spec.override_key}"
    where = f", nor under model_root={model_root}" if model_root else ""
    then = (
        " (it lands in model_root, which SUMMARIZE_MODEL_ROOT sets)"
        if model_root
        else " (it lands in the Hugging Face cache, where this job looks; with --root DIR, set "
        "SUMMARIZE_MODEL_ROOT=DIR)"
    )
    return (
        f"model {name!r} is not a local folder{where}, not in the Hugging Face cache, and the Hub "
        f"cannot be reached (offline). Fix: where there is network, run "
        f"`{download_command(spec, model_root)}`{then}; or set {spec.override_key}=/path/to/model"
    )


def resolve_location(spec: ModelSpec, model_root: str | None) -> Located:
    """A local folder for the model, downloading what loading needs if the Hub answers."""
    found = locate(spec, model_root)
    if found is not None:
        return found
    if looks_like_path(spec.name_or_path) or not hub_reachable():
        raise ModelUnavailableError(missing_message(spec, model_root))
    try:
        files = repo_files(spec.name_or_path, spec.revision)
        log.info("downloading %s (%.1f GB)", spec.name_or_path, files.size / 1e9)
        return Located(fetch(files, None), "hub")
    except Exception as exc:  # network, auth, missing repo: one line, with the way out
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailableError(
            f"model {spec.name_or_path!r} could not be downloaded ({reason}); check the id or set "
            f"{spec.override_key}"
        ) from exc
