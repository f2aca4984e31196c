"""Seeded bootstrap resampling over per-record statistics (numpy only).

Every metric here is a function of the column sums of a per-record statistics matrix: ROUGE is the
mean of per-pair scores, BLEU and chrF are computed from summed n-gram counts. So one resampler that
returns resampled column sums serves all of them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# Cap on the (resamples x records) count matrix held at once, so memory stays ~16 MB per chunk.
_MAX_CELLS = 2_000_000


def resample_sums(stats: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Column sums of ``resamples`` bootstrap resamples (with replacement) of the rows of ``stats``.

    ``stats`` has shape (records, k); the result has shape (resamples, k).
    """
    stats = np.asarray(stats, dtype=np.float64)
    if stats.ndim == 1:
        stats = stats[:, None]
    n = stats.shape[0]
    if n == 0 or resamples <= 0:
        return np.zeros((0, stats.shape[1]))
    rng = np.random.default_rng(seed)
    chunk = max(1, _MAX_CELLS // n)
    out = []
    for start in range(0, resamples, chunk):
        rows = min(chunk, resamples - start)
        picks = rng.integers(0, n, size=(rows, n))
        # counts[r, i] = how often record i is drawn in resample r.
        offsets = (np.arange(rows) * n)[:, None]
        counts = np.bincount((picks + offsets).ravel(), minlength=rows * n).reshape(rows, n)
        out.append(counts @ stats)
    return np.vstack(out)


def percentile_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Two-sided percentile interval of bootstrap replicates."""
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(np.asarray(values, dtype=np.float64), [tail, 100 - tail])
    return float(low), float(high)


def mean_interval(values: np.ndarray, resamples: int, seed: int) -> tuple[float, float] | None:
    """95 % interval of the mean of ``values``; None without resamples or values."""
    values = np.asarray(values, dtype=np.float64)
    if resamples <= 0 or values.size == 0:
        return None
    return percentile_interval(resample_sums(values, resamples, seed)[:, 0] / values.size)


def statistic_interval(
    stats: np.ndarray, statistic: Callable[[np.ndarray], float], resamples: int, seed: int
) -> tuple[float, float] | None:
    """95 % interval of ``statistic(column sums)`` (corpus BLEU/chrF from summed counts)."""
    if resamples <= 0 or len(stats) == 0:
        return None
    sums = resample_sums(stats, resamples, seed)
    return percentile_interval(np.array([statistic(row) for row in sums]))
