"""Record keys: what a record's output depends on, hashed, so reruns reuse exactly what still holds.

A summary depends on the normalised article and on everything that changes the summary (model
weights and generation config, generation and chunking settings, backend, dtype, the pipeline
code). A translation depends on its summary's key and on the translator's own settings. Keys are
per part, so adding a language or changing a translation setting regenerates only translations.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

# Bump when a stage's code changes what it writes for the same input and settings.
PIPELINE_VERSION = "2"  # 2: sentences split inside quotes (summaries, chunks, translations)


def digest(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def model_fingerprint(loaded: Any, settings: Any) -> dict[str, Any]:
    """The model and the effective generation settings it decodes with (values and prefix, not
    where they came from: a value moving between a checkpoint's files changes no output)."""
    generation = settings.describe()
    for key in ("sources", "prefix_source"):
        generation.pop(key, None)
    return {
        **loaded.describe(),
        "generation": generation,
        "max_input_tokens": loaded.max_input_tokens,
    }


def input_key(article_id: str | None, origin: str) -> str:
    """Identity of an input record within one input (resume skips what was written)."""
    return digest("input", article_id, origin)


def shard_of(article_id: str | None, origin: str, count: int) -> int:
    """Deterministic shard by id (by origin for records without one); stable across runs."""
    key = article_id if article_id is not None else f"origin:{origin}"
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16) % count
