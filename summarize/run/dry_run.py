"""``run.dry_run=true``: resolve the input and every model the config needs, generate nothing.

One line per model: its id, where it resolves (folder, model_root, cache; the Hub is never
asked), weight format, size, licence and the effective generation settings. Exit 0 when every
model is present, 2 naming every missing one (with one command that fetches them all). No output
folder, lock or version is touched, so nightly jobs and SLURM scripts can run it first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace
from typing import Any

from omegaconf import DictConfig

from summarize.config import (
    LangConfig,
    SummarizerConfig,
    TranslatorConfig,
    load_lang_config,
    validate,
)
from summarize.generate.locate import ModelSpec, download_command, locate, looks_like_path
from summarize.generate.settings import resolve_generation
from summarize.generate.tokenization import config_family
from summarize.generate.weights import weight_files
from summarize.run.build import (
    generation_overrides,
    summarizer_config,
    target_languages,
    translator_override,
)
from summarize.source.files import check_source, input_path
from summarize.source.readers import count_inputs

log = logging.getLogger("summarize")
# The generation settings a line shows (all of them go into manifest.json after a run).
_SHOWN = (
    "num_beams",
    "min_length",
    "min_new_tokens",
    "max_length",
    "max_new_tokens",
    "no_repeat_ngram_size",
    "length_penalty",
    "early_stopping",
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


def needed_models(
    summarizer: SummarizerConfig | None,
    targets: Mapping[str, LangConfig],
    source_lang: str,
    *,
    translator: TranslatorConfig | None = None,
    summary_overrides: dict[str, Any] | None = None,
    translation_overrides: dict[str, Any] | None = None,
) -> list[Need]:
    """The summariser (None: task=translate) and each target language's translator
    (``translator``: one for all targets), as the job would load them."""
    needs: dict[tuple[str, str | None], Need] = {}

    def add(need: Need, role: str) -> Need:
        kept = needs.setdefault((need.spec.name_or_path, need.spec.revision), need)
        kept.roles.append(role)
        return kept

    if summarizer is not None and summarizer.kind == "seq2seq":
        assert summarizer.name_or_path, "config.validate refuses an empty summarizer.name_or_path"
        spec = ModelSpec(summarizer.name_or_path, summarizer.revision, "summarizer.name_or_path")
        preset, overrides = dict(summarizer.generation), dict(summary_overrides or {})
        add(Need(spec, summarizer.license, preset, overrides, "summarization"), "summarizer")
    source = load_lang_config(source_lang)
    for code, lang in targets.items():
        if code == source_lang:
            continue
        chosen = translator if translator is not None else lang.translator
        override_key = (
            "translator.name_or_path"
            if translator is not None
            else f"langs.{code}.translator.name_or_path"
        )
        name = chosen.name_or_path.format(
            src=source.codes.opus_mt or source_lang, tgt=lang.codes.opus_mt or code
        )
        need = Need(
            ModelSpec(name, chosen.revision, override_key),
            chosen.license,
            dict(chosen.generation),
            dict(translation_overrides or {}),
            f"translation_{source_lang}_to_{code}",
        )
        add(need, f"translator.{code}").targets[code] = asdict(lang.codes)
    return list(needs.values())


def _forced(family: str, targets: dict[str, dict[str, Any]]) -> list[str]:
    """Target tokens a family forces first, from each language's codes (no tokenizer load)."""
    tokens = []
    for codes in targets.values():
        if family in ("mbart50", "nllb") and codes.get(family):
            tokens.append(str(codes[family]))
        elif family == "m2m100" and codes.get("m2m100"):
            tokens.append(f"__{codes['m2m100']}__")
    return tokens


def describe_need(need: Need, model_root: str | None) -> tuple[str, bool]:
    """The line for one model and whether it is present."""
    roles = ", ".join(need.roles)
    name = need.spec.name_or_path
    found = locate(need.spec, model_root)
    if found is None:
        if looks_like_path(name):
            return f"MISSING {name} [{roles}]: no such folder", False
        under = f"not under model_root={model_root}, " if model_root else ""
        return f"MISSING {name} [{roles}]: {under}not in the Hugging Face cache", False
    fmt, files = weight_files(found.location)
    if fmt is None:
        return f"MISSING {name} [{roles}]: {found.location} has no weights", False
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(found.location)
    checkpoint = SimpleNamespace(location=found.location, config=config)
    settings = resolve_generation(
        checkpoint, overrides=need.overrides, preset=need.preset, task=need.task
    )
    described = settings.describe()
    shown = " ".join(f"{k}={described[k]}" for k in _SHOWN if k in described)
    if settings.prefix:
        shown += f" prefix={settings.prefix!r}"
    forced = _forced(config_family(found.location), need.targets)
    if forced:
        shown += f" forced_bos_token={','.join(forced)}"
    size = sum(f.stat().st_size for f in files)
    shown_size = f"{size / 1e9:.2f} GB" if size >= 1e8 else f"{size / 1e6:.1f} MB"
    return (
        f"{name} [{roles}]: {found.where} {found.location}, {fmt}, {shown_size}, "
        f"licence {need.license or 'unknown'}; {shown}",
        True,
    )


def dry_run(cfg: DictConfig) -> int:
    """Print the lines; 0 when every model is present, 2 otherwise (all missing ones named)."""
    validate(cfg)
    check_source(cfg.source)
    count = count_inputs(cfg.source)
    records = f" ({count} records)" if count is not None else ""
    print(f"input: {cfg.source.kind} {input_path(cfg.source)}{records}", flush=True)
    missing = []
    needs = needed_models(
        summarizer_config(cfg),
        target_languages(cfg),
        cfg.source.lang,
        translator=translator_override(cfg),
        summary_overrides=generation_overrides(cfg, "summary"),
        translation_overrides=generation_overrides(cfg, "translation"),
    )
    for need in needs:
        line, present = describe_need(need, cfg.model_root)
        print(line, flush=True)
        if not present:
            missing.append(need)
    if missing:
        log.error(
            "%d model(s) missing: %s. Where there is network: `%s`",
            len(missing),
            ", ".join(n.spec.name_or_path for n in missing),
            download_command([n.spec for n in missing], cfg.model_root),
        )
        return 2
    return 0
