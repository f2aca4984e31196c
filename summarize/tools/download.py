"""Fetch the models a config names, exactly the files loading them needs, for offline use.

    python -m summarize.download                          # the default summariser
    python -m summarize.download '+lang=[fa,fr]' summarizer=distilbart-cnn
    python -m summarize.download --model facebook/mbart-large-50-many-to-many-mmt
    python -m summarize.download --all-presets --root /models --convert
    export SUMMARIZE_MODEL_ROOT=/models   # only with --root; then run offline

Without --root, models go to the Hugging Face cache, where the job finds them by Hub id. With
--root DIR they land in DIR/<hub id>/ (the layout model_root expects). Per repository: configs,
every tokenizer file, and safetensors when the repository has them, else pytorch_model.bin; never
TensorFlow, Flax, Rust, ONNX or CTranslate2 copies. --convert writes model.safetensors beside a
pytorch_model.bin (read with weights_only) so loads are zero-copy. --list prints what would be
fetched (size, licence) without downloading. Needs network; offline it says so in one line.
The models of a config are the ones the job and its dry run name (summarize/run/needs.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf

from summarize.config import CONF_DIR, register_configs
from summarize.run.needs import needed_models


def models_named(cfg: DictConfig) -> list[tuple[str, str | None]]:
    """(hub id, revision) of the summariser and of each target language's translator."""
    return [(n.spec.name_or_path, n.spec.revision) for n in needed_models(cfg)]


def all_presets() -> list[tuple[str, str | None]]:
    named: list[tuple[str, str | None]] = []
    for path in sorted((CONF_DIR / "summarizer").glob("*.yaml")):
        preset = OmegaConf.load(path)
        assert isinstance(preset, DictConfig), f"{path} must be a mapping"
        if preset.get("kind") == "seq2seq" and preset.get("name_or_path") not in (None, "???"):
            named.append((preset.name_or_path, preset.get("revision")))
    langs = [p.stem for p in (CONF_DIR / "lang").glob("*.yaml")]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        for translator in sorted(
            p.stem for p in (CONF_DIR / "translator").glob("*.yaml") if p.stem != "custom"
        ):
            cfg = compose(
                "config",
                overrides=[f"+lang=[{','.join(langs)}]", f"translator={translator}"],
            )
            named.extend(models_named(cfg))
    return list(dict.fromkeys(named))


def fail(message: str) -> int:
    print(f"summarize.download: error: {message}", file=sys.stderr)
    return 2


def _convert(folder: str, hub_id: str) -> None:
    # torch is imported only here: listing and fetching need none of it.
    from summarize.generate.models import quiet_loading
    from summarize.generate.weights import PICKLE, convert_to_safetensors, weight_files

    if weight_files(folder)[0] == PICKLE:
        with quiet_loading():
            print(f"  -> {convert_to_safetensors(folder, hub_id)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m summarize.download",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--root", type=Path, default=None, help="model root (default: the Hugging Face cache)"
    )
    parser.add_argument("--model", action="append", default=[], help="a Hub id (repeatable)")
    parser.add_argument("--revision", default=None, help="with --model: a branch, tag or commit")
    parser.add_argument("--all-presets", action="store_true", help="every preset's model")
    parser.add_argument("--convert", action="store_true", help="safetensors beside every .bin")
    parser.add_argument("--list", action="store_true", help="print what would be fetched")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, as for python -m summarize")
    args = parser.parse_args(argv)
    register_configs()
    if args.model:
        named = [(m, args.revision) for m in args.model]
    elif args.all_presets:
        named = all_presets()
    else:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            named = models_named(compose("config", overrides=args.overrides))

    from summarize.generate.hub import fetch, hub_endpoint, hub_reachable, repo_files

    if not hub_reachable():
        return fail(
            f"the Hugging Face Hub ({hub_endpoint()}) cannot be reached from here (offline); run "
            f"this where there is network, then copy the folders (--root DIR, or the Hugging Face "
            f"cache) to this machine"
        )
    failed = []
    for hub_id, revision in named:
        try:
            files = repo_files(hub_id, revision)
        except Exception as exc:  # missing repo, gated, network: one line each
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            print(f"summarize.download: error: {hub_id}: {reason}", file=sys.stderr)
            failed.append(hub_id)
            continue
        print(
            f"{hub_id}@{files.revision[:10]}: {len(files.files)} files, "
            f"{files.size / 1e9:.2f} GB, licence {files.license or 'unknown'}",
            flush=True,
        )
        if args.list:
            continue
        folder = fetch(files, args.root)
        print(f"  -> {folder}", flush=True)
        if args.convert:
            _convert(folder, hub_id)
    if failed:
        return fail(f"{len(failed)} of {len(named)} models not fetched: {', '.join(failed)}")
    return 0
