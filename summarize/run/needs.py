"""The models a config needs (summariser, one translator per language pair), found before loading.

Shared by the job, its dry run and ``python -m summarize.download``, so all three name the same
models. Nothing here loads a model or imports torch: whether each model is present is a look at
the disk (folder, model_root, Hugging Face cache), and offline every missing one is named at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from omegaconf import DictConfig, OmegaConf

from summarize.config import load_lang_config, source_language
from summarize.generate.hub import hub_reachable
from summarize.generate.locate import (
    ModelSpec,
    ModelUnavailableError,
    download_command,
    locate,
    looks_like_path,
)


@dataclass
class Need:
    """One model the config needs, and what for."""

    spec: ModelSpec
    license: str | None
    preset: dict[str, Any]
    overrides: dict[str, Any]
    task: str
    roles: list[str] = field(default_factory=list)
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> its codes


def _container(node: Any) -> dict[str, Any]:
    return OmegaConf.to_container(node) if node is not None else {}  # type: ignore[return-value]


def needed_models(cfg: DictConfig, source_langs: Iterable[str] | None = None) -> list[Need]:
    """The summariser and the translator of each (source language, target language) pair, as the
    job would load them; ``source_langs`` defaults to the configured source language."""
    needs: dict[tuple[str, str | None], Need] = {}

    def add(need: Need, role: str) -> Need:
        kept = needs.setdefault((need.spec.name_or_path, need.spec.revision), need)
        if role not in kept.roles:
            kept.roles.append(role)
        return kept

    summarizer = cfg.summarizer
    if cfg.task == "summarize" and summarizer.kind == "seq2seq":
        spec = ModelSpec(summarizer.name_or_path, summarizer.revision, "summarizer.name_or_path")
        preset, overrides = _container(summarizer.generation), _container(cfg.generation.summary)
        add(Need(spec, summarizer.license, preset, overrides, "summarization"), "summarizer")
    for source_lang in dict.fromkeys(source_langs or [source_language(cfg.source)]):
        source = load_lang_config(source_lang)
        for code, lang in cfg.langs.items():
            if code == source_lang:
                continue  # no translation into the source language
            translator = cfg.translator if cfg.translator is not None else lang.translator
            override_key = (
                "translator.name_or_path"
                if cfg.translator is not None
                else f"langs.{code}.translator.name_or_path"
            )
            name = translator.name_or_path.format(
                src=source.codes.opus_mt or source_lang, tgt=lang.codes.opus_mt or code
            )
            need = Need(
                ModelSpec(name, translator.revision, override_key),
                translator.license,
                _container(translator.generation),
                _container(cfg.generation.translation),
                f"translation_{source_lang}_to_{code}",
            )
            add(need, f"translator.{code}").targets[code] = _container(lang.codes)
    return list(needs.values())


def missing_models(needs: list[Need], model_root: str | None) -> list[Need]:
    """The needs found neither as a folder, under model_root nor in the Hugging Face cache."""
    return [need for need in needs if locate(need.spec, model_root) is None]


def missing_line(missing: list[Need], model_root: str | None) -> str:
    named = ", ".join(f"{n.spec.name_or_path} [{', '.join(n.roles)}]" for n in missing)
    hub = [n.spec for n in missing if not looks_like_path(n.spec.name_or_path)]
    folders = [n for n in missing if looks_like_path(n.spec.name_or_path)]
    fixes = []
    if hub:
        where = (
            f"model_root={model_root}"
            if model_root
            else "the Hugging Face cache (with --root DIR, set SUMMARIZE_MODEL_ROOT=DIR)"
        )
        keys = list(dict.fromkeys(s.override_key for s in hub))
        local = (
            f"set {keys[0]}=/path/to/model"
            if len(keys) == 1
            else f"point {', '.join(keys)} at local folders"
        )
        fixes.append(
            f"where there is network, `{download_command(hub, model_root)}` fetches "
            f"{'it' if len(hub) == 1 else 'them'} into {where}; or {local}"
        )
    fixes.extend(f"check {n.spec.override_key} (no such folder)" for n in folders)
    return f"{len(missing)} model(s) missing: {named}. Fix: {'; '.join(fixes)}"


def check_models_present(needs: list[Need], model_root: str | None) -> None:
    """Offline (or for a folder that does not exist), name every missing model in one line,
    before anything loads; online, a missing Hub model is downloaded when it loads."""
    missing = missing_models(needs, model_root)
    if not missing:
        return
    folders_only = all(looks_like_path(n.spec.name_or_path) for n in missing)
    if not any(looks_like_path(n.spec.name_or_path) for n in missing) and hub_reachable():
        return
    offline = "" if folders_only else " (the Hub cannot be reached from here)"
    raise ModelUnavailableError(missing_line(missing, model_root) + offline)
