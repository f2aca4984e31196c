"""SIGTERM and SIGINT stop a run after the generation batch in flight, not after the whole window.

The first signal is noted; no further batch starts (generate.batching), the records of the windows
already processed stay written and fsync'd, the window in flight is dropped (its records are
generated on resume), the lock is released and one line says what was written and the exact
command that resumes (exit 143 for SIGTERM, 130 for SIGINT). A model's batch is the unit: with
real models on CPU one takes seconds, a window minutes. A second signal stops the process at once
(records on disk are whole lines; resume drops a cut one) and still prints the resume command.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from summarize.generate.batching import BatchesStopped, before_each_batch
from summarize.store.faults import fault_point

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
    version_dir: Path | None = None  # set once a version is claimed: what a resume continues

    def before_batch(self, number: int) -> None:
        if self.signum is not None:
            raise BatchesStopped(signal.Signals(self.signum).name)
        fault_point("batch", number)  # tests deliver a signal as a batch starts

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
        if stop.signum is not None:  # asked twice: say how to resume, then stop now
            _write_stderr(_stopped_now_line(signum, stop.version_dir, sys.argv[1:]))
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        stop.signum = signum
        log.warning(
            "%s: stopping after the batch in flight (send it again to stop now)",
            signal.Signals(signum).name,
        )

    previous = {s: signal.signal(s, handle) for s in _HANDLED}
    try:
        with before_each_batch(stop.before_batch):
            yield stop
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _write_stderr(line: str) -> None:
    """One write(2): a signal handler must not wait on the logging lock the main thread holds."""
    with suppress(OSError):
        os.write(2, (line + "\n").encode("utf-8", "replace"))


def _stopped_now_line(signum: int, version_dir: Path | None, argv: list[str]) -> str:
    name = signal.Signals(signum).name
    if version_dir is None:
        return f"summarize: stopped by a second {name} before any record was written; nothing to resume"
    return (
        f"summarize: stopped at once by a second {name}: {version_dir} keeps the records written "
        f"so far; resume with: {resume_command(argv, version_dir.name)}"
    )


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
