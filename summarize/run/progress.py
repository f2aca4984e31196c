"""Progress: a bar on a terminal, a log line every N seconds otherwise (cron, CI, SLURM logs)."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger("summarize")


class Progress:
    def __init__(self, every_s: float, total: int | None = None) -> None:
        self.every_s = every_s
        self.started = time.monotonic()
        self.last_line = self.started
        self.done = 0
        self.failed = 0
        self.total = total
        self._bar: Any = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="article", dynamic_ncols=True)

    def update(self, done: int, failed: int) -> None:
        self.done += done
        self.failed += failed
        if self._bar is not None:
            self._bar.update(done)
            self._bar.set_postfix(failed=self.failed)
            return
        now = time.monotonic()
        if now - self.last_line >= self.every_s:
            self.last_line = now
            rate = self.done / (now - self.started)
            eta = f", ETA {(self.total - self.done) / rate:.0f} s" if self.total and rate else ""
            of = f"/{self.total}" if self.total else ""
            log.info(
                "progress: %d%s articles (%d failed), %.2f articles/s%s",
                self.done,
                of,
                self.failed,
                rate,
                eta,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
