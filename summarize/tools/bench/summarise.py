"""Decoding-speed benchmark: the loops users write vs summarize's torch and CTranslate2 backends.

    python -m summarize.tools.bench.summarise [--smoke] [--articles N] [--out FILE.json] [--model NAME]

The model is a FULL-SIZE random-weight copy of a published checkpoint (``bench/configs/<NAME>.json``
is its config.json) with a tokenizer of the same vocabulary size trained on the shared data, built
once into a cache folder. Outputs are gibberish; the compute is the real model's. Every system
decodes exactly ``--new-tokens`` tokens with ``--beams`` beams (min_new_tokens = max_new_tokens), so
they all do identical work, on the same inputs truncated to the model limit. Systems, run in
alternation over chunks of 16 articles (order rotated per chunk) so that drift hits all alike:

1. naive   -- per article: tokenize (truncated, as pipeline("summarization") did), generate, decode
2. batch16 -- the same with fixed batches of 16 in input order, padded
3. torch   -- summarize.generate.hf.Generator (token-budget batches, sorted by length)
4. ct2     -- summarize.generate.ct2.CT2Generator, int8 (``--ct2-compute-type``)

Compute floor: FLOPs of the work / fp32 matmul peak measured in this run (best of a few
4096x4096 ``torch.matmul``). Per article, with L input tokens, T new tokens, B beams, width d,
vocabulary V, and per-layer weight counts P (4d^2 per attention block, 2·d·ffn per FFN):
    encoder  2·P_enc·L + n_enc·4·L²·d                                   (projections + QK^T, AV)
    decoder  B·T·2·(P_dec_self+ffn + 2d² cross q,o + d·V lm head)
             + B·n_dec·(2·2d²·L  cross K,V once  +  Σ_t 4·t·d self-attn  +  T·4·L·d cross-attn)
It ignores layer norms, softmax, activations, biases, embeddings lookups, beam bookkeeping
(top-k, cache reordering), logits processors (no_repeat_ngram), tokenisation and padding waste.
The floor is for fp32; int8 kernels can go below it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from summarize.tools.bench.measure import (
    System,
    ct2_generator,
    fp32_peak_gflops,
    machine,
    measure,
    pick_articles,
    system_results,
    truncate,
    work_flops,
)
from summarize.tools.bench.models import DATA_DIR, build_bench_model
from summarize.tools.bench.pipeline import print_pipeline, profile_pipeline

DEFAULT_CACHE = Path("~/.cache/summarize/bench")
SYSTEMS = ("naive", "batch16", "torch", "ct2")


# ---- the systems ------------------------------------------------------------------------------


def _hf_count(output: torch.Tensor, pad_id: int) -> int:
    return int((output[:, 1:] != pad_id).sum())  # new tokens: no decoder start, no padding


def build_systems(loaded: Any, settings: Any, args: argparse.Namespace) -> dict[str, System]:
    from summarize.generate.hf import Generator

    tokenizer, model, limit = loaded.tokenizer, loaded.model, loaded.max_input_tokens
    forced = {"num_beams": settings.num_beams, "min_new_tokens": settings.min_new_tokens}
    forced["max_new_tokens"] = settings.max_new_tokens
    pad = tokenizer.pad_token_id

    def naive(texts: Sequence[str]) -> tuple[list[str], int]:
        outputs, count = [], 0
        for text in texts:  # what users write
            inputs = tokenizer(text, truncation=True, max_length=limit, return_tensors="pt")
            output = model.generate(**inputs, **forced)
            outputs.append(tokenizer.decode(output[0], skip_special_tokens=True).strip())
            count += _hf_count(output, pad)
        return outputs, count

    def batch16(texts: Sequence[str]) -> tuple[list[str], int]:
        outputs, count = [], 0
        for start in range(0, len(texts), 16):
            inputs = tokenizer(
                list(texts[start : start + 16]),
                truncation=True,
                max_length=limit,
                padding=True,
                return_tensors="pt",
            )
            output = model.generate(**inputs, **forced)
            outputs += [t.strip() for t in tokenizer.batch_decode(output, skip_special_tokens=True)]
            count += _hf_count(output, pad)
        return outputs, count

    def wrap(generator: Any) -> System:
        def system(texts: Sequence[str]) -> tuple[list[str], int]:
            generated = generator.generate(texts)
            return [g.text for g in generated], sum(g.n_output_tokens for g in generated)

        return system

    systems: dict[str, System] = {"naive": naive, "batch16": batch16}
    names = args.systems.split(",")
    if "torch" in names:
        systems["torch"] = wrap(Generator(loaded, settings, args.batch_tokens))
    if "ct2" in names:
        systems["ct2"] = wrap(
            ct2_generator(loaded, settings, args.batch_tokens, args.ct2_compute_type, args.cache)
        )
    unknown = set(names) - set(SYSTEMS)
    if unknown:
        raise SystemExit(f"--systems: unknown {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    return {name: systems[name] for name in names}


# ---- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m summarize.tools.bench.summarise", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny model, 4 articles, 4 tokens (CI)"
    )
    parser.add_argument(
        "--articles", type=int, default=16, help="CNN/DM dev articles, mixed lengths"
    )
    parser.add_argument(
        "--model", default="distilbart-cnn-12-6", help="a bench/configs/*.json name"
    )
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--new-tokens", type=int, default=60, help="forced: min = max new tokens")
    parser.add_argument("--batch-tokens", type=int, default=8192, help="runtime.batch_tokens")
    parser.add_argument("--ct2-compute-type", default="int8")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the alternation this often")
    parser.add_argument("--profile-articles", type=int, default=4, help="0: skip the pipeline run")
    parser.add_argument(
        "--model-dir", type=Path, help="benchmark this checkpoint folder instead of building one"
    )
    parser.add_argument("--profile-backend", default="torch", choices=("torch", "ct2"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="built models live here")
    parser.add_argument("--out", type=Path, help="write the report here (JSON)")
    args = parser.parse_args(argv)
    args.cache = args.cache.expanduser()
    if args.smoke:
        args.articles, args.new_tokens, args.beams, args.profile_articles = 4, 4, 2, 2
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    import transformers

    from summarize.config import GenerationSettings
    from summarize.generate.models import ModelSpec, load_seq2seq

    args = parse_args(argv)
    transformers.logging.set_verbosity_error()  # generate() warns per call about max_length
    if args.model_dir:
        model_dir = args.model_dir
    elif args.smoke:
        from summarize.tools.tiny_corpus import default_corpus_lines
        from summarize.tools.tiny_models import build_tiny_model

        model_dir = args.cache / "tiny" / "bart"
        if not (model_dir / "model.safetensors").is_file():
            build_tiny_model("bart", args.cache / "tiny", default_corpus_lines(DATA_DIR))
    else:
        model_dir = build_bench_model(args.model, args.cache)
    loaded = load_seq2seq(
        ModelSpec(str(model_dir)), model_root=None, device=torch.device("cpu"), dtype=torch.float32
    )
    tokenizer, limit = loaded.tokenizer, loaded.max_input_tokens
    settings = GenerationSettings(
        num_beams=args.beams, min_new_tokens=args.new_tokens, max_new_tokens=args.new_tokens
    )

    texts = pick_articles(args.articles)
    truncated = [truncate(tokenizer, t, limit) for t in texts]
    lengths = [len(tokenizer(t)["input_ids"]) for t in truncated]
    raw_ids = [tokenizer(t, truncation=True, max_length=limit)["input_ids"] for t in texts]
    same_inputs = sum(
        tokenizer(t)["input_ids"] == ids for t, ids in zip(truncated, raw_ids, strict=True)
    )
    systems = build_systems(loaded, settings, args)  # converts to CTranslate2 here, untimed
    # The user loops get the raw articles and truncate; summarize gets what they would see.
    inputs = {name: texts if name in ("naive", "batch16") else truncated for name in systems}
    for system in systems.values():  # warm-up: thread pools, kernel choice, allocator
        system([truncated[0][:200]])
    load_before = os.getloadavg()
    peak = fp32_peak_gflops(1024 if args.smoke else 4096)
    stats = measure(systems, inputs, args.rounds)

    flops = work_flops(loaded.model.config, lengths, args.new_tokens, args.beams) * args.rounds
    floor_s = flops / (peak * 1e9)
    reference_name = next(iter(stats))  # naive, unless --systems says otherwise
    report_systems, ratios = system_results(stats, len(texts) * args.rounds, floor_s, "articles")
    report: dict[str, Any] = {
        "machine": machine(),
        "settings": {
            "model": str(args.model_dir or ("tiny-bart" if args.smoke else args.model)),
            "articles": len(texts),
            "rounds": args.rounds,
            "beams": args.beams,
            "new_tokens": args.new_tokens,
            "batch_tokens": args.batch_tokens,
            "ct2_compute_type": args.ct2_compute_type,
            "max_input_tokens": limit,
        },
        "inputs": {
            "tokens": lengths,
            "truncated": sum(len(ids) >= limit for ids in raw_ids),
            "identical_after_truncation": same_inputs,
        },
        "fp32_peak_gflops": peak,
        "work_gflop": flops / 1e9,
        "floor_seconds": floor_s,
        "reference_system": reference_name,  # outputs_identical_to_reference compares with it
        "systems": report_systems,
        "ratios": ratios,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # Other processes on the machine slow every system; alternation spreads it, not removes it.
        "loadavg_before_after": [load_before, os.getloadavg()],
    }
    print_table(report)
    _write(report, args.out)  # before the pipeline run: its failure must not lose the numbers
    if args.profile_articles:
        with tempfile.TemporaryDirectory() as work:
            try:
                report["pipeline"] = profile_pipeline(
                    model_dir, texts[: args.profile_articles], settings, Path(work), args
                )
            except Exception as exc:  # the pipeline's own bug or config: report it, keep the rest
                report["pipeline"] = {"error": f"{type(exc).__name__}: {exc}"}
        print_pipeline(report["pipeline"])
        _write(report, args.out)
    return report


def _write(report: dict[str, Any], path: Path | None) -> None:
    if path is not None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)


def print_table(report: dict[str, Any]) -> None:
    s = report["settings"]
    print(
        f"{s['model']}: {s['articles']} articles x {s['rounds']} round(s), {s['beams']} beams, "
        f"{s['new_tokens']} forced new tokens; fp32 peak {report['fp32_peak_gflops']:.0f} GFLOP/s; "
        f"work {report['work_gflop']:.0f} GFLOP = floor {report['floor_seconds']:.1f} s"
    )
    print(
        f"{'system':<9} {'seconds':>8} {'art/s':>7} {'tok/s':>7} {'peak MiB':>9} {'floor':>6} {'=ref':>6}"
    )
    for name, r in report["systems"].items():
        print(
            f"{name:<9} {r['seconds']:8.1f} {r['articles_per_s']:7.3f} {r['generated_tokens_per_s']:7.1f} "
            f"{r['peak_rss_mib']:9.0f} {r['floor_fraction']:6.1%} {r['outputs_identical_to_reference']:>6}"
        )
    print("  ".join(f"{k} {v:.2f}x" for k, v in report["ratios"].items()))


if __name__ == "__main__":
    main()
