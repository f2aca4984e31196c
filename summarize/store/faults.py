"""Test hooks: ``SUMMARIZE_FAULTS="point=action,..."`` makes a run die or fail at a named point.

Crash tests need kills at exact places, not at a random moment. Points: ``window`` (after a
window's records are flushed and fsync'd; ``window@3``: after the third of this session),
``batch`` (as a generate batch starts; ``batch@3``: the third of this process),
``errors`` (errors.jsonl half written), ``metrics``, ``export`` (inside the HF export, its temp
folder full), ``manifest`` (just before it), ``latest`` (after the manifest, before ``latest``).
Actions: ``kill`` (SIGKILL), ``term`` (SIGTERM), ``int`` (SIGINT), ``enospc`` (the write
fails with "No space left on device") and ``crash`` (raises ``FaultInjected``, which no
``except Exception`` catches: a kill for tests that run the job in their own process). Unset, a
point costs one environment lookup.
"""

from __future__ import annotations

import errno
import os
import signal

ENV = "SUMMARIZE_FAULTS"


class FaultInjected(BaseException):
    """A crash stand-in: like a kill, it is not handled by the job (only ``finally`` runs)."""


_SIGNALS = {"kill": signal.SIGKILL, "term": signal.SIGTERM, "int": signal.SIGINT}


def fault_point(name: str, count: int | None = None) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    for entry in spec.split(","):
        point, _, action = entry.strip().partition("=")
        where, _, nth = point.partition("@")
        if where != name or (nth and count is not None and int(nth) != count):
            continue
        if action == "crash":
            raise FaultInjected(name)
        if action == "enospc":
            raise OSError(errno.ENOSPC, f"No space left on device (injected at {name})")
        os.kill(os.getpid(), _SIGNALS[action])
