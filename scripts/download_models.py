"""Pre-fetch every model a config names into a model root, for offline clusters.

    python scripts/download_models.py --root /models +lang=[fa,fr] summarizer=distilbart-cnn
    python scripts/download_models.py --root /models --all-presets
    export SUMMARIZE_MODEL_ROOT=/models   # then run offline

Models land in <root>/<hub id>/ (the layout `model_root` expects). Needs network; not run in tests.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf

from summarize.config import CONF_DIR, load_lang_config, register_configs

PATTERNS = ["*.json", "*.safetensors", "*.model", "*.spm", "*.txt", "sentencepiece*"]


def models_named(cfg: DictConfig) -> list[tuple[str, str | None]]:
    """(hub id, revision) of the summariser and of each target language's translator."""
    named: list[tuple[str, str | None]] = []
    if cfg.task == "summarize" and cfg.summarizer.kind == "seq2seq":
        named.append((cfg.summarizer.name_or_path, cfg.summarizer.revision))
    source = load_lang_config(cfg.source.lang)
    for code, lang in cfg.langs.items():
        translator = cfg.translator if cfg.translator is not None else lang.translator
        name = translator.name_or_path.format(
            src=source.codes.opus_mt, tgt=lang.codes.opus_mt or code
        )
        named.append((name, translator.revision))
    return list(dict.fromkeys(named))


def all_presets() -> list[tuple[str, str | None]]:
    named: list[tuple[str, str | None]] = []
    for path in sorted((CONF_DIR / "summarizer").glob("*.yaml")):
        preset = OmegaConf.load(path)
        if preset.get("kind") == "seq2seq" and preset.get("name_or_path") not in (None, "???"):
            named.append((preset.name_or_path, preset.get("revision")))
    langs = [p.stem for p in (CONF_DIR / "lang").glob("*.yaml")]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        for translator in sorted(
            p.stem for p in (CONF_DIR / "translator").glob("*.yaml") if p.stem != "custom"
        ):
            cfg = compose(
                "config",
                overrides=[
                    f"+lang=[{','.join(langs)}]",
                    f"translator={translator}",
                    "output.root=/unused",
                ],
            )
            named.extend(n for n in models_named(cfg) if not n[0].endswith("-en-en"))
    return list(dict.fromkeys(named))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--root", required=True, type=Path, help="model root (SUMMARIZE_MODEL_ROOT)"
    )
    parser.add_argument(
        "--all-presets", action="store_true", help="every summarizer and translator preset"
    )
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, as for python -m summarize")
    args = parser.parse_args()
    register_configs()
    if args.all_presets:
        named = all_presets()
    else:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            named = models_named(
                compose("config", overrides=[*args.overrides, "output.root=/unused"])
            )
    from huggingface_hub import snapshot_download

    for hub_id, revision in named:
        target = args.root / hub_id
        print(f"{hub_id}@{revision or 'main'} -> {target}", flush=True)
        snapshot_download(hub_id, revision=revision, local_dir=target, allow_patterns=PATTERNS)


if __name__ == "__main__":
    main()
