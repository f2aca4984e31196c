"""The result every corpus-level metric returns: score, interval, and how it was computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MetricResult:
    name: str  # "rouge1", "bleu", "chrf++" ...
    score: float  # headline number on a 0-100 scale (ROUGE: mean per-pair F1 x 100)
    signature: str  # everything needed to reproduce the number, like sacrebleu's signature
    n: int  # scored pairs
    ci: tuple[float, float] | None = None  # 95 % percentile bootstrap interval of `score`
    bootstrap: int = 0  # resamples behind `ci` (0: none)
    seed: int | None = None
    details: dict[str, Any] = field(default_factory=dict)  # precision/recall, BLEU's BP ...

    def as_dict(self, digits: int = 4) -> dict[str, Any]:
        def r(x: float) -> float:
            return round(float(x), digits)

        return {
            "score": r(self.score),
            "ci95": [r(self.ci[0]), r(self.ci[1])] if self.ci else None,
            "n": self.n,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "signature": self.signature,
            **{k: _round_tree(v, digits) for k, v in self.details.items()},
        }


def _round_tree(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, list | tuple):
        return [_round_tree(v, digits) for v in value]
    if isinstance(value, dict):
        return {k: _round_tree(v, digits) for k, v in value.items()}
    return value
