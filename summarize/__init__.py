"""summarize: multilingual summarisation and translation batch tool.

The public names are imported lazily so that light entry points (``python -m summarize.tools.score``)
do not pay for importing torch and transformers.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "summarize.records",
    "Chunk": "summarize.records",
    "Generated": "summarize.records",
    "RecordError": "summarize.records",
    "Config": "summarize.config",
    "RunResult": "summarize.run.local",
    "run": "summarize.run.local",
    "export_run": "summarize.publish.export",
    "write_report": "summarize.publish.report",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'summarize' has no attribute {name!r}")
