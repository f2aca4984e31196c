"""Decoding-speed benchmark: the loops users write vs summarize's torch and CTranslate2 backends.

    python -m summarize.bench [--smoke] [--articles N] [--out FILE.json] [--model NAME]

The model is a FULL-SIZE random-weight copy of a published checkpoint (``bench/configs/<NAME>.json``
is its config.json) with a tokenizer of the same vocabulary size trained on the shared data, built
once into a cache folder. Outputs are gibberish; the compute is the real model's. Every system
decodes exactly ``--new-tokens`` tokens with ``--beams`` beams (min_new_tokens = max_new_tokens), so
they all do identical work, on the same inputs truncated to the model limit. Systems, run in
alternation over chunks of 16 articles (order rotated per chunk) so that drift hits all alike:

1. naive   -- per article: tokenize (truncated, as pipeline("summarization") did), generate, decode
2. batch16 -- the same with fixed batches of 16 in input order, padded
3. torch   -- summarize.generate.Generator (token-budget batches, sorted by length)
4. ct2     -- summarize.backends.ct2.CT2Generator, int8 (``--ct2-compute-type``)

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
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import torch

REPO = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO / "bench" / "configs"
DATA_DIR = REPO.parent / "shared" / "data"
DEFAULT_CACHE = Path("~/.cache/summarize/bench")
SYSTEMS = ("naive", "batch16", "torch", "ct2")
CHUNK = 16  # articles per alternation round, = the naive batch size


# ---- full-size random models ---------------------------------------------------------------


def _lines(names: Sequence[str], fields: Sequence[str]) -> list[str]:
    """Sentence-sized lines of `fields` from the shared JSONL files (spm skips long lines)."""
    lines: list[str] = []
    for name in names:
        with (DATA_DIR / name).open(encoding="utf-8") as handle:
            for row in map(json.loads, handle):
                for field in fields:
                    text = row.get(field) or ""
                    lines += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]
    return lines


def _bart_tokenizer(directory: Path, vocab_size: int) -> Any:
    """Byte-level BPE of the model's vocabulary size, in BartTokenizer (as the Hub files)."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartTokenizer

    lines = _lines(["cnndm_frank_dev.jsonl"], ["text", "reference"])
    lines += _lines(["flores200_devtest_dev.jsonl", "tico19_test_enfa.jsonl"], ["source"])
    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    bpe.train_from_iterator(
        lines,
        vocab_size=vocab_size,
        show_progress=False,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
    )
    bpe.save_model(str(directory))
    vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
    # 3 MB of text supports fewer merges than BART's 50k: unused fillers make up the size, so
    # the embedding and LM head are full-size; <mask> comes last as in the real vocabulary.
    for i in range(vocab_size - len(vocab)):
        vocab[f"<unused{i}>"] = len(vocab)
    vocab["<mask>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return BartTokenizer.from_pretrained(directory)


def _marian_tokenizer(directory: Path, vocab_size: int) -> Any:
    """SentencePiece en+fr, laid out as OPUS-MT: </s>=0, <unk>=1, pieces, fillers, <pad> last."""
    import io

    import sentencepiece as spm
    from transformers import MarianTokenizer

    lines = _lines(
        ["flores200_devtest_dev.jsonl", "tatoeba_enfr_dev.jsonl"], ["source", "reference"]
    )
    lines += _lines(["cnndm_frank_dev.jsonl"], ["text"])
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=min(vocab_size, 32000),
        hard_vocab_limit=False,  # the corpus supports fewer pieces; fillers make up the size
        character_coverage=1.0,
        num_threads=os.cpu_count() or 1,
        minloglevel=2,
    )
    (directory / "source.spm").write_bytes(buffer.getvalue())
    shutil.copyfile(directory / "source.spm", directory / "target.spm")
    processor = spm.SentencePieceProcessor(model_file=str(directory / "source.spm"))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(3, processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    for i in range(vocab_size - 1 - len(vocab)):
        vocab[f"<unused{i}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return MarianTokenizer(
        str(directory / "source.spm"), str(directory / "target.spm"), str(directory / "vocab.json")
    )


def generation_config_from(values: dict[str, Any]) -> Any:
    """What the checkpoint's generation_config.json holds (transformers 5 no longer derives it)."""
    from transformers import GenerationConfig

    keys = (
        "num_beams",
        "max_length",
        "min_length",
        "length_penalty",
        "no_repeat_ngram_size",
        "early_stopping",
        "bad_words_ids",
        "forced_eos_token_id",
    )
    task = values.get("task_specific_params", {}).get("summarization", {})
    picked = {k: task.get(k, values.get(k)) for k in keys if task.get(k, values.get(k)) is not None}
    if values.get("force_bos_token_to_be_generated"):
        picked["forced_bos_token_id"] = values["bos_token_id"]
    if values.get("model_type") == "bart":
        picked.setdefault("forced_eos_token_id", values["eos_token_id"])  # BartConfig's default
    ids = ("pad_token_id", "bos_token_id", "eos_token_id", "decoder_start_token_id")
    return GenerationConfig(**picked, **{k: values[k] for k in ids if k in values})


def build_bench_model(name: str, cache: Path, *, seed: int = 0) -> Path:
    """Random-weight model with bench/configs/<name>.json, built once into `cache`."""
    from transformers import AutoConfig, AutoModelForSeq2SeqLM

    values = json.loads((CONFIG_DIR / f"{name}.json").read_text(encoding="utf-8"))
    target = cache / name
    if (target / "model.safetensors").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=cache))
    try:
        builder = _marian_tokenizer if values["model_type"] == "marian" else _bart_tokenizer
        tokenizer = builder(work, values["vocab_size"])
        # The Hub tokenizers carry the model limit; pipeline("summarization") truncates to it.
        tokenizer.model_max_length = values["max_position_embeddings"]
        tokenizer.save_pretrained(work)
        config = AutoConfig.for_model(**values)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = AutoModelForSeq2SeqLM.from_config(config)
        model.generation_config = generation_config_from(values)
        model.save_pretrained(work)
        os.replace(work, target)  # complete or absent: a crash leaves no half-built model
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


# ---- inputs, measurement helpers ------------------------------------------------------------


def pick_articles(n: int) -> list[str]:
    """`n` CNN/DM dev articles spread evenly over the length range, in file order."""
    with (DATA_DIR / "cnndm_frank_dev.jsonl").open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    step = len(texts) / max(n, 1)
    return [texts[i] for i in sorted(by_length[int(k * step)] for k in range(min(n, len(texts))))]


def truncate(tokenizer: Any, text: str, limit: int) -> str:
    """The text the model sees after truncation to `limit` tokens, re-encodable within it."""
    ids = tokenizer(text, truncation=True, max_length=limit)["input_ids"]
    cut = len(ids)
    while True:  # decode -> encode can merge differently at the cut: back off a token if needed
        kept = tokenizer.decode(ids[:cut], skip_special_tokens=True)
        if len(tokenizer(kept)["input_ids"]) <= limit:
            return kept
        cut -= 1


@contextlib.contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """Samples this process's RSS every 20 ms; yields a dict filled with the peak (MiB)."""
    process, result, stop = psutil.Process(), {"peak_mib": 0.0}, threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            result["peak_mib"] = max(result["peak_mib"], process.memory_info().rss / 2**20)

    thread = threading.Thread(target=sample, daemon=True)
    result["peak_mib"] = process.memory_info().rss / 2**20
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()


def fp32_peak_gflops(size: int = 4096, repeats: int = 5) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up: thread pool, kernel selection
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def work_flops(config: Any, input_lengths: Sequence[int], new_tokens: int, beams: int) -> float:
    """The formula of the module docstring, summed over articles."""
    d, vocab = config.d_model, config.vocab_size
    n_enc, n_dec = config.encoder_layers, config.decoder_layers
    p_enc = n_enc * (4 * d * d + 2 * d * config.encoder_ffn_dim)
    p_dec_step = n_dec * (4 * d * d + 2 * d * d + 2 * d * config.decoder_ffn_dim) + d * vocab
    total = 0.0
    for length in input_lengths:
        encoder = 2 * p_enc * length + n_enc * 4 * length * length * d
        self_attn = sum(4 * t * d for t in range(1, new_tokens + 1))
        per_beam = new_tokens * 2 * p_dec_step + n_dec * (
            2 * 2 * d * d * length + self_attn + new_tokens * 4 * length * d
        )
        total += encoder + beams * per_beam
    return total


# ---- the systems ------------------------------------------------------------------------------

System = Callable[[Sequence[str]], tuple[list[str], int]]


def _hf_count(output: torch.Tensor, pad_id: int) -> int:
    return int((output[:, 1:] != pad_id).sum())  # new tokens: no decoder start, no padding


def build_systems(loaded: Any, settings: Any, args: argparse.Namespace) -> dict[str, System]:
    from summarize.generate import Generator

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
        try:
            from summarize.backends.ct2 import CT2Generator
        except ImportError as exc:
            raise SystemExit(
                f"the ct2 system needs CTranslate2 ({exc}): pip install 'ctranslate2>=4.8,<5', "
                "or leave it out with --systems naive,batch16,torch"
            ) from exc
        generator = CT2Generator(
            loaded,
            settings,
            args.batch_tokens,
            device="cpu",
            compute_type=args.ct2_compute_type,
            cache_dir=args.cache / "ct2",
            threads=torch.get_num_threads(),  # as many as torch uses
        )
        systems["ct2"] = wrap(generator)
    unknown = set(names) - set(SYSTEMS)
    if unknown:
        raise SystemExit(f"--systems: unknown {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    return {name: systems[name] for name in names}


# ---- one real run of the pipeline --------------------------------------------------------------


def profile_pipeline(
    model_dir: Path, texts: Sequence[str], settings: Any, work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Runs summarize.pipeline.run on `texts`; wall time split into generate and the rest."""
    from hydra import compose, initialize_config_dir

    from summarize.config import CONF_DIR, register_configs
    from summarize.generate import Generator
    from summarize.pipeline import run

    register_configs()
    source = work / "articles.jsonl"
    rows = [{"id": f"a{i}", "text": t, "lang": "en"} for i, t in enumerate(texts)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    overrides = [
        f"output.root={work / 'runs'}",
        "summarizer=custom",
        f"summarizer.name_or_path={model_dir}",
        "source=jsonl",
        f"source.path={source}",
        "runtime.device=cpu",
        f"runtime.backend={args.profile_backend}",
        f"runtime.batch_tokens={args.batch_tokens}",
        f"runtime.ct2_compute_type={args.ct2_compute_type}",
        f"runtime.ct2_cache_dir={args.cache / 'ct2'}",  # reuses the conversion made above
        *(
            f"generation.summary.{k}={getattr(settings, k)}"
            for k in ("num_beams", "min_new_tokens", "max_new_tokens")
        ),
    ]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=overrides)
    spent = {"seconds": 0.0, "calls": 0}
    results: list[Any] = []
    classes: tuple[type[Any], ...] = (Generator,)
    with contextlib.suppress(ImportError):  # without CTranslate2 only the torch backend runs
        from summarize.backends.ct2 import CT2Generator

        classes += (CT2Generator,)
    originals = [cls.generate for cls in classes]

    def timer(original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - started
                spent["calls"] += 1

        return timed

    # Instrumentation for this call only: two clock reads per generate() call.
    for cls, original in zip(classes, originals, strict=True):
        cls.generate = timer(original)
    try:
        total = _timed(lambda: results.append(run(cfg)))
    finally:
        for cls, original in zip(classes, originals, strict=True):
            cls.generate = original
    metrics = json.loads((results[0].path / "metrics.json").read_text(encoding="utf-8"))
    wall = metrics["throughput"]["wall_seconds"]
    return {
        "articles": len(texts),
        "backend": args.profile_backend,
        "total_seconds": total,  # run() including loading the model and hashing its weights
        "load_and_setup_seconds": total - wall,
        "wall_seconds": wall,  # from the first record read to the last one written
        "generate_seconds": spent["seconds"],
        "generate_calls": spent["calls"],
        "generate_share_of_wall": spent["seconds"] / wall if wall else None,
        "stage_seconds": metrics["stage_seconds"],
    }


# ---- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m summarize.bench", description=__doc__.split("\n")[0]
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


@dataclass
class Tally:
    seconds: float = 0.0
    tokens: int = 0
    peak_rss_mib: float = 0.0
    outputs: list[str] = field(default_factory=list)


def measure(
    systems: dict[str, System], inputs: dict[str, list[str]], rounds: int
) -> dict[str, Tally]:
    """Every system over the same articles, chunk by chunk, the order rotated each chunk."""
    tallies = {name: Tally() for name in systems}
    names, n = list(systems), len(next(iter(inputs.values())))
    turn = 0
    for _ in range(rounds):
        for start in range(0, n, CHUNK):
            for name in names[turn % len(names) :] + names[: turn % len(names)]:
                tally = tallies[name]
                with peak_rss() as rss:
                    started = time.perf_counter()
                    outputs, tokens = systems[name](inputs[name][start : start + CHUNK])
                    tally.seconds += time.perf_counter() - started
                tally.tokens += tokens
                tally.peak_rss_mib = max(tally.peak_rss_mib, rss["peak_mib"])
                if len(tally.outputs) < n:  # the first round's outputs are the ones compared
                    tally.outputs += outputs
            turn += 1
    return tallies


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    import transformers

    from summarize.config import GenerationSettings
    from summarize.models import ModelSpec, load_seq2seq

    args = parse_args(argv)
    transformers.logging.set_verbosity_error()  # generate() warns per call about max_length
    if args.model_dir:
        model_dir = args.model_dir
    elif args.smoke:
        from summarize.tiny_models import build_tiny_model, default_corpus_lines

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
    reference = stats[reference_name].outputs
    report_systems = {}
    for name, s in stats.items():
        report_systems[name] = {
            "seconds": s.seconds,
            "articles_per_s": len(texts) * args.rounds / s.seconds,
            "generated_tokens_per_s": s.tokens / s.seconds,
            "generated_tokens": s.tokens,
            "peak_rss_mib": s.peak_rss_mib,
            "floor_fraction": floor_s / s.seconds,  # 1.0 = running at the fp32 matmul peak
            "outputs_identical_to_reference": sum(
                a == b for a, b in zip(s.outputs, reference, strict=True)
            ),
        }
    speed = {k: v["articles_per_s"] for k, v in report_systems.items()}
    report: dict[str, Any] = {
        "machine": {
            "cpu": _cpu_name(),
            "logical_cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "ctranslate2": _version("ctranslate2"),
        },
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
        "ratios": {
            f"{a}/{b}": speed[a] / speed[b]
            for a, b in (("torch", "naive"), ("torch", "batch16"), ("ct2", "naive"))
            if a in speed and b in speed
        },
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


def print_pipeline(p: dict[str, Any]) -> None:
    if "error" in p:
        print(f"pipeline run failed: {p['error']}")
        return
    stages = {k: round(v, 2) for k, v in p["stage_seconds"].items()}
    print(
        f"pipeline run ({p['backend']}), {p['articles']} articles: wall {p['wall_seconds']:.1f} s, generate "
        f"{p['generate_seconds']:.1f} s ({p['generate_share_of_wall']:.0%}) in "
        f"{p['generate_calls']} calls, load+setup {p['load_and_setup_seconds']:.1f} s; "
        f"stage seconds {stages}"
    )


if __name__ == "__main__":
    main()
