"""One writer per job: ``<job>/.lock``, held with flock(2) by the running process for its whole life.

The kernel releases an flock when its process dies, however it dies, so on one host there is no
guessing: a lock that can be taken is free. Its content (pid, host, start) is information for
people and for one check: on a filesystem whose flock does not reach other hosts, a lock file
written by another host whose heartbeat (the file's mtime, touched by a background thread) is
fresher than ``stale_after_s`` is respected. Shared output folders need flock-capable NFS (v4).

The content is published atomically without ever leaving the lock unheld: it is written to a temp
file that is flock'ed first and then renamed over ``.lock``. A process that locked the old file
sees that the path now names another file and tries again; releasing unlinks the file while still
holding it, for the same reason.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

LOCK_NAME = ".lock"


class JobLockedError(RuntimeError):
    pass


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _owner(fd: int) -> dict[str, Any]:
    """What the lock file says about its holder ({} when empty or unreadable)."""
    try:
        owner = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _describe(owner: dict[str, Any]) -> str:
    if not owner:
        return "a run that is starting"
    started = owner.get("started")
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)) if started else "?"
    return f"pid {owner.get('pid')} on {owner.get('host')}, since {since}"


class JobLock:
    def __init__(self, job_dir: Path, stale_after_s: float) -> None:
        self.path = job_dir / LOCK_NAME
        self.stale_after_s = stale_after_s
        self._fd: int | None = None
        self._stop = threading.Event()
        self._heart: threading.Thread | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _lock_current_file(self) -> int:
        """An fd of the file now at ``self.path``, flock'ed (JobLockedError when another holds it)."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = _owner(fd)
                os.close(fd)
                raise JobLockedError(
                    f"another run holds {self.path} ({_describe(owner)}); wait for it to finish"
                ) from None
            if _same_file(fd, self.path):
                return fd
            os.close(fd)  # released and removed, or republished, meanwhile: lock the new file

    def _refuse_other_host(self, fd: int) -> None:
        owner = _owner(fd)
        host = owner.get("host")
        if not host or host == socket.gethostname():
            return  # on this host the kernel is authoritative: its holder is gone
        age = time.time() - os.fstat(fd).st_mtime
        if age < self.stale_after_s:
            raise JobLockedError(
                f"{self.path} was taken by {_describe(owner)}, heartbeat {age:.0f} s ago; "
                f"this filesystem's flock may not reach that host. If that run is dead, remove "
                f"the file or wait run.lock_stale_after_s={self.stale_after_s:g} s"
            )

    def _publish(self, old_fd: int) -> int:
        payload = json.dumps(
            {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        )
        temp = self.path.with_name(f"{LOCK_NAME}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, payload.encode("utf-8"))
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else has it
            os.replace(temp, self.path)
        except BaseException:
            os.close(fd)
            temp.unlink(missing_ok=True)
            raise
        os.close(old_fd)
        return fd

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = self._lock_current_file()
        try:
            self._refuse_other_host(fd)
            self._fd = self._publish(fd)
        except BaseException:
            os.close(fd)
            raise
        self._stop.clear()
        interval = max(1.0, min(60.0, self.stale_after_s / 4))
        self._heart = threading.Thread(
            target=self._beat, args=(self._fd, interval), name="lock-heartbeat", daemon=True
        )
        self._heart.start()

    def _beat(self, fd: int, interval: float) -> None:
        while not self._stop.wait(interval):
            with contextlib.suppress(OSError):
                os.utime(fd)

    def heartbeat(self) -> None:
        if self._fd is not None:
            os.utime(self._fd)

    def release(self) -> None:
        if self._fd is None:
            return
        self._stop.set()
        if self._heart is not None:  # before close: the fd number must not touch a reused file
            self._heart.join(timeout=5)
        if _same_file(self._fd, self.path):
            self.path.unlink(missing_ok=True)  # while still held: waiters see it gone and retry
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> JobLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
