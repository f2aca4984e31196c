"""One writer per job: a lock file with pid, host and a heartbeat, so scheduled runs never collide.

A lock is stale when its host is this machine and its process is gone, or when its heartbeat (the
file's mtime, touched after every window) is older than ``stale_after_s``: then it is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

LOCK_NAME = ".lock"


class JobLockedError(RuntimeError):
    pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobLock:
    def __init__(self, job_dir: Path, stale_after_s: float) -> None:
        self.path = job_dir / LOCK_NAME
        self.stale_after_s = stale_after_s
        self.held = False

    def _stale_reason(self) -> str | None:
        try:
            owner = json.loads(self.path.read_text("utf-8"))
            age = time.time() - self.path.stat().st_mtime
        except (OSError, ValueError):
            return "unreadable lock"
        if owner.get("host") == socket.gethostname() and not _pid_alive(int(owner.get("pid", -1))):
            return f"process {owner.get('pid')} is gone"
        if age > self.stale_after_s:
            return f"no heartbeat for {age:.0f} s"
        return None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        )
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                reason = self._stale_reason()
                if reason is None:
                    owner = self.path.read_text("utf-8", errors="replace")
                    raise JobLockedError(
                        f"another run holds {self.path} ({owner}); wait for it, or remove the file if "
                        f"you are sure it is dead"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: take it over
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(payload)
            self.held = True
            return
        raise JobLockedError(f"could not take {self.path}")

    def heartbeat(self) -> None:
        if self.held:
            os.utime(self.path)

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False

    def __enter__(self) -> JobLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
