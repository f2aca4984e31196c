"""``run.dry_run=true``: resolve the input and every model the config needs, generate nothing.

One line per model: its id, where it resolves (folder, model_root, cache; the Hub is never
asked), weight format, size, licence and the effective generation settings. Exit 0 when every
model is present, 2 naming every missing one (with one command that fetches them all). No output
folder, lock or version is touched, so nightly jobs and SLURM scripts can run it first.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

from omegaconf import DictConfig

from summarize.config import validate
from summarize.generate.budget import Budget, choose_budget
from summarize.generate.locate import download_command, locate, looks_like_path
from summarize.generate.settings import resolve_generation
from summarize.generate.tokenization import config_family
from summarize.generate.weights import weight_files
from summarize.run.needs import Need, needed_models
from summarize.run.preflight import input_languages
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
    languages = input_languages(cfg)
    for need in needed_models(cfg, languages):
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
    print(budget_line(cfg, languages), flush=True)
    return 0


def planned_budget(
    cfg: DictConfig,
    languages: list[str],
    device_type: str,
    free_bytes: int | None,
    dtype_bytes: int,
) -> Budget:
    """What ``runtime.batch_tokens``/``window_articles`` resolve to for the models ``cfg`` needs
    on a device with ``free_bytes`` free (read from the models' config files; no weights load)."""
    from transformers import AutoConfig

    from summarize.generate.devices import shape_of

    runtime = cfg.runtime
    shapes = []
    if device_type == "cuda" and "auto" in (runtime.batch_tokens, runtime.window_articles):
        for need in needed_models(cfg, languages):
            found = locate(need.spec, cfg.model_root)
            if found is None:
                continue
            config = AutoConfig.from_pretrained(found.location)
            checkpoint = SimpleNamespace(location=found.location, config=config)
            settings = resolve_generation(
                checkpoint, overrides=need.overrides, preset=need.preset, task=need.task
            )
            shapes.append(shape_of(need.spec.name_or_path, config, settings))
    return choose_budget(
        device_type,
        batch_tokens=runtime.batch_tokens,
        window_articles=runtime.window_articles,
        free_bytes=free_bytes,
        dtype_bytes=dtype_bytes,
        shapes=shapes,
    )


def describe_budget(budget: Budget, device: str) -> str:
    inputs = f", {budget.batch_inputs} inputs at most" if budget.batch_inputs else ""
    return (
        f"device {device}: batches of {budget.batch_tokens} padded input tokens{inputs}, "
        f"windows of {budget.window_articles} articles ({budget.why})"
    )


def budget_line(cfg: DictConfig, languages: list[str]) -> str:
    """The budget on this machine's device (a device it lacks is refused here, as the run
    would). Loads torch, not the models."""
    import torch

    from summarize.generate.devices import free_bytes, pick_device, pick_dtype

    device = pick_device(cfg.runtime.device)
    dtype_bytes = torch.empty((), dtype=pick_dtype(cfg.runtime.dtype, device)).element_size()
    budget = planned_budget(cfg, languages, device.type, free_bytes(device), dtype_bytes)
    return describe_budget(budget, str(device))
