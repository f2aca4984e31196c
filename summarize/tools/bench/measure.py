"""Measurement helpers of the benchmarks: inputs, peak RSS, the fp32 peak, the FLOPs of the work."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import torch

from summarize.tools.bench.models import DATA_DIR

# A system maps inputs to (outputs, generated tokens); the benchmarks time each over the same inputs.
System = Callable[[Sequence[str]], tuple[list[str], int]]
CHUNK = 16  # inputs per alternation round, = the naive batch size


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


def machine() -> dict[str, Any]:
    import transformers

    return {
        "cpu": _cpu_name(),
        "logical_cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "ctranslate2": _version("ctranslate2"),
    }


def system_results(
    stats: dict[str, Tally], inputs: int, floor_s: float, unit: str
) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    """Per system: seconds, ``<unit>_per_s``, tokens/s, peak RSS, share of the compute floor and
    outputs identical to the first system's; and the speed ratios the README quotes."""
    reference = next(iter(stats.values())).outputs
    results = {
        name: {
            "seconds": s.seconds,
            f"{unit}_per_s": inputs / s.seconds,
            "generated_tokens_per_s": s.tokens / s.seconds,
            "generated_tokens": s.tokens,
            "peak_rss_mib": s.peak_rss_mib,
            "floor_fraction": floor_s / s.seconds,  # 1.0 = running at the fp32 matmul peak
            "outputs_identical_to_reference": sum(
                a == b for a, b in zip(s.outputs, reference, strict=True)
            ),
        }
        for name, s in stats.items()
    }
    speed = {k: v[f"{unit}_per_s"] for k, v in results.items()}
    ratios = {
        f"{a}/{b}": speed[a] / speed[b]
        for a, b in (("torch", "naive"), ("torch", "batch16"), ("ct2", "naive"))
        if a in speed and b in speed
    }
    return results, ratios


def ct2_generator(
    loaded: Any, settings: Any, batch_tokens: int, compute_type: str, cache: Path
) -> Any:
    """summarize's CT2 backend as the benchmarks run it: CPU, as many threads as torch uses."""
    try:
        from summarize.generate.ct2 import CT2Generator
    except ImportError as exc:
        raise SystemExit(
            f"the ct2 system needs CTranslate2 ({exc}): pip install 'ctranslate2>=4.8.5,<5', "
            "or leave it out with --systems naive,batch16,torch"
        ) from exc
    return CT2Generator(
        loaded,
        settings,
        batch_tokens,
        device="cpu",
        compute_type=compute_type,
        cache_dir=cache / "ct2",
        threads=torch.get_num_threads(),
    )
