"""Translation speed: the per-sentence loop users write vs summarize's torch and CTranslate2 backends.

    python -m summarize.bench --task translate [--model opus-mt-en-fr|mbart-large-50] [--smoke]

The model is a FULL-SIZE replica of the default translator (``summarize.tools.replicas``: the real
config and generation files, a tokenizer of the family's real type and size, random weights).
Sentences are FLORES-200 and TICO-19 English sources (``--data``). Random weights never choose to
stop, so every system decodes exactly N new tokens (min = max), with N = the mean source length in
tokens times the target/source length ratio measured on the human references of the same sentences
with the same tokenizer (``--new-tokens N`` forces another length, to see how the backends
compare as outputs grow); beams are the checkpoint's own. Systems alternate over chunks of 16
sentences (order rotated per chunk), as in the summarisation benchmark:

1. naive   -- per sentence: tokenize, generate, decode (what users write without pipelines)
2. batch16 -- fixed batches of 16 in input order, padded
3. torch   -- summarize.generate.hf.Generator with the direction's language tokens
4. ct2     -- summarize.generate.ct2.CT2Generator, int8 (``--ct2-compute-type``)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from summarize.tools.bench.measure import (
    CHUNK,
    System,
    ct2_generator,
    fp32_peak_gflops,
    machine,
    measure,
    system_results,
    work_flops,
)
from summarize.tools.bench.models import DATA_DIR

MODELS = {
    "opus-mt-en-fr": ("Helsinki-NLP/opus-mt-en-fr", "fr"),
    "mbart-large-50": ("facebook/mbart-large-50-many-to-many-mmt", "fa"),
}
SYSTEMS = ("naive", "batch16", "torch", "ct2")
DEFAULT_CACHE = Path("~/.cache/summarize/bench")
CHECKPOINTS = Path("tests") / "fixtures" / "checkpoints"  # from the repository root


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m summarize.bench --task translate")
    parser.add_argument("--model", default="opus-mt-en-fr", choices=sorted(MODELS))
    parser.add_argument("--smoke", action="store_true", help="a small replica, 8 sentences (CI)")
    parser.add_argument("--sentences", type=int, default=64)
    parser.add_argument(
        "--new-tokens", type=int, help="force this many new tokens instead of the measured length"
    )
    parser.add_argument("--batch-tokens", type=int, default=8192, help="runtime.batch_tokens")
    parser.add_argument("--ct2-compute-type", default="int8")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset")
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="replicas live here")
    parser.add_argument("--out", type=Path, help="write the report here (JSON)")
    args = parser.parse_args(argv)
    args.cache = args.cache.expanduser()
    if args.smoke:
        args.sentences = 8
    return args


def sentence_pairs(data: Path, target: str, n: int) -> list[tuple[str, str]]:
    """(English source, human reference) for `target`, FLORES first, then TICO-19 (fa)."""
    pairs: list[tuple[str, str]] = []
    for name in ("flores200_devtest_dev.jsonl", "tico19_test_enfa.jsonl"):
        path = data / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            for row in map(json.loads, handle):
                if row.get("tgt_lang") == target and row.get("src_lang") == "en":
                    pairs.append((row["source"], row["reference"]))
    if not pairs:
        raise SystemExit(f"no en->{target} pairs in {data}: pass --data ../shared/data")
    return pairs[:n]


def replica(args: argparse.Namespace, hub_id: str) -> Path:
    from summarize.tools.replicas import build_replica

    root = args.cache / ("replicas-small" if args.smoke else "replicas")
    target = root / hub_id
    if not any(target.glob("*.bin")) and not any(target.glob("*.safetensors")):
        build_replica(args.checkpoints / hub_id, root, hub_id, full_size=not args.smoke)
    return target


def build_systems(
    loaded: Any, effective: Any, direction: Any, args: argparse.Namespace
) -> dict[str, System]:
    from summarize.generate.hf import Generator

    tokenizer, model = loaded.tokenizer, loaded.model
    kwargs = effective.hf_kwargs()
    if direction.forced_bos_token_id is not None:
        kwargs["forced_bos_token_id"] = direction.forced_bos_token_id
    if direction.src_lang is not None:
        tokenizer.src_lang = direction.src_lang
    pad = tokenizer.pad_token_id

    def hf_count(output: torch.Tensor) -> int:
        return int((output[:, 1:] != pad).sum())

    def naive(texts: Sequence[str]) -> tuple[list[str], int]:
        outputs, count = [], 0
        for text in texts:  # what users write
            inputs = tokenizer(direction.prefix + text, return_tensors="pt")
            with torch.inference_mode():
                output = model.generate(**inputs, **kwargs)
            outputs.append(tokenizer.decode(output[0], skip_special_tokens=True).strip())
            count += hf_count(output)
        return outputs, count

    def batch16(texts: Sequence[str]) -> tuple[list[str], int]:
        outputs, count = [], 0
        for start in range(0, len(texts), 16):
            chunk = [direction.prefix + t for t in texts[start : start + 16]]
            inputs = tokenizer(chunk, padding=True, return_tensors="pt")
            with torch.inference_mode():
                output = model.generate(**inputs, **kwargs)
            outputs += [t.strip() for t in tokenizer.batch_decode(output, skip_special_tokens=True)]
            count += hf_count(output)
        return outputs, count

    def wrap(generator: Any) -> System:
        def system(texts: Sequence[str]) -> tuple[list[str], int]:
            generated = generator.generate(
                texts,
                prefix=direction.prefix,
                src_lang=direction.src_lang,
                forced_bos_token_id=direction.forced_bos_token_id,
            )
            return [g.text for g in generated], sum(g.n_output_tokens for g in generated)

        return system

    systems: dict[str, System] = {"naive": naive, "batch16": batch16}
    names = args.systems.split(",")
    unknown = set(names) - set(SYSTEMS)
    if unknown:
        raise SystemExit(f"--systems: unknown {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    if "torch" in names:
        systems["torch"] = wrap(Generator(loaded, effective, args.batch_tokens))
    if "ct2" in names:
        systems["ct2"] = wrap(
            ct2_generator(loaded, effective, args.batch_tokens, args.ct2_compute_type, args.cache)
        )
    return {name: systems[name] for name in names}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    import transformers

    from summarize.config import load_lang_config
    from summarize.generate.models import ModelSpec, load_seq2seq
    from summarize.generate.settings import GenerationSettings, resolve_generation
    from summarize.translate.directions import direction_for

    args = parse_args(argv)
    transformers.logging.set_verbosity_error()
    hub_id, target = MODELS[args.model]
    folder = replica(args, hub_id)
    loaded = load_seq2seq(
        ModelSpec(str(folder)), model_root=None, device=torch.device("cpu"), dtype=torch.float32
    )
    direction = direction_for(
        loaded, load_lang_config("en").codes, "English", load_lang_config(target)
    )
    pairs = sentence_pairs(args.data, target, args.sentences)
    sources = [s for s, _ in pairs]
    tokenizer = loaded.tokenizer
    if direction.src_lang is not None:
        tokenizer.src_lang = direction.src_lang
    source_tokens = [len(tokenizer(direction.prefix + s)["input_ids"]) for s in sources]
    reference_tokens = [len(tokenizer(text_target=r)["input_ids"]) for _, r in pairs]
    ratio = sum(reference_tokens) / sum(source_tokens)
    new_tokens = args.new_tokens or max(2, round(ratio * sum(source_tokens) / len(sources)))
    checkpoint = resolve_generation(loaded, task=f"translation_en_to_{target}")
    beams = int(checkpoint.values.get("num_beams") or 1)
    effective = resolve_generation(
        loaded,
        overrides=GenerationSettings(
            num_beams=beams, min_new_tokens=new_tokens, max_new_tokens=new_tokens
        ),
        task=f"translation_en_to_{target}",
    )
    systems = build_systems(loaded, effective, direction, args)  # converts for CT2, untimed
    for system in systems.values():  # warm-up: thread pools, kernel choice, allocator
        system(sources[:2])
    load_before = os.getloadavg()
    peak = fp32_peak_gflops(1024 if args.smoke else 4096)
    stats = measure(systems, dict.fromkeys(systems, sources), rounds=1)
    flops = work_flops(loaded.model.config, source_tokens, new_tokens, beams)
    floor_s = flops / (peak * 1e9)
    reference_name = next(iter(stats))  # naive, unless --systems says otherwise
    report_systems, ratios = system_results(stats, len(sources), floor_s, "sentences")
    report: dict[str, Any] = {
        "machine": machine(),
        "settings": {
            "model": hub_id + (" (small replica)" if args.smoke else " (full-size replica)"),
            "direction": f"en->{target}",
            "sentences": len(sources),
            "beams": beams,
            "new_tokens": new_tokens,
            "reference_over_source_tokens": ratio,
            "batch_tokens": args.batch_tokens,
            "ct2_compute_type": args.ct2_compute_type,
            "chunk": CHUNK,
        },
        "inputs": {"tokens": source_tokens},
        "fp32_peak_gflops": peak,
        "work_gflop": flops / 1e9,
        "floor_seconds": floor_s,
        "reference_system": reference_name,
        "systems": report_systems,
        "ratios": ratios,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "loadavg_before_after": [load_before, os.getloadavg()],
    }
    print_table(report)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def print_table(report: dict[str, Any]) -> None:
    s = report["settings"]
    print(
        f"{s['model']} {s['direction']}: {s['sentences']} sentences, {s['beams']} beams, "
        f"{s['new_tokens']} forced new tokens (reference/source tokens "
        f"{s['reference_over_source_tokens']:.2f}); fp32 peak {report['fp32_peak_gflops']:.0f} "
        f"GFLOP/s; floor {report['floor_seconds']:.1f} s"
    )
    print(
        f"{'system':<9} {'seconds':>8} {'sent/s':>7} {'tok/s':>7} {'peak MiB':>9} {'floor':>6} {'=ref':>6}"
    )
    for name, r in report["systems"].items():
        print(
            f"{name:<9} {r['seconds']:8.1f} {r['sentences_per_s']:7.2f} "
            f"{r['generated_tokens_per_s']:7.1f} {r['peak_rss_mib']:9.0f} "
            f"{r['floor_fraction']:6.1%} {r['outputs_identical_to_reference']:>6}"
        )
    print("  ".join(f"{k} {v:.2f}x" for k, v in report["ratios"].items()))
