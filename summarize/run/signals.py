"""SIGTERM and SIGINT stop a run between windows, never in the middle of one.

The first signal is noted; the run stops after the records in flight are written and fsync'd,
releases its lock and says what was written and the exact command that resumes it (exit 143 for
SIGTERM, 130 for SIGINT). A second signal stops the process at once (records on disk are whole
lines; resume drops a cut one).
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

log = logging.getLogger("summarize")
_HANDLED = (signal.SIGINT, signal.SIGTERM)


class Interrupted(Exception):  # noqa: N818 - not an error: the run was asked to stop
    """A run stopped by a signal; ``version_dir`` is None when nothing was claimed yet."""

    def __init__(self, signum: int, version_dir: Path | None, records: int, written: int) -> None:
        self.signum, self.version_dir, self.records, self.written = (
            signum,
            version_dir,
            records,
            written,
        )
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@dataclass
class Stop:
    signum: int | None = None

    def check(self, version_dir: Path | None, records: int = 0, written: int = 0) -> None:
        if self.signum is not None:
            raise Interrupted(self.signum, version_dir, records, written)


@contextmanager
def stop_on_signals() -> Iterator[Stop]:
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.signum is not None:  # asked twice: stop now
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        stop.signum = signum
        log.warning(
            "%s: stopping after the records in flight are written (send it again to stop now)",
            signal.Signals(signum).name,
        )

    previous = {s: signal.signal(s, handle) for s in _HANDLED}
    try:
        yield stop
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def resume_command(argv: list[str], version: str) -> str:
    """The command line ``argv`` with run.resume=<version> instead of any resume or finish."""
    kept = [a for a in argv if not a.lstrip("+~").startswith(("run.resume", "run.finish"))]
    return shlex.join(["python", "-m", "summarize", *kept, f"run.resume={version}"])


def report_interruption(stop: Interrupted, argv: list[str]) -> int:
    """One line: what was written and the exact command that resumes; returns the exit code."""
    if stop.version_dir is None:
        log.error("stopped by %s before any record was written; nothing to resume", stop)
    else:
        log.error(
            "stopped by %s: %s holds %d records (%d written now); resume with: %s",
            stop,
            stop.version_dir,
            stop.records,
            stop.written,
            resume_command(argv, stop.version_dir.name),
        )
    return stop.exit_code
