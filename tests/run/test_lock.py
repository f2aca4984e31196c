import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarize.run.lock import JobLock, JobLockedError


def test_second_writer_is_refused_while_the_first_is_alive(tmp_path: Path) -> None:
    with (
        JobLock(tmp_path, stale_after_s=3600),
        pytest.raises(JobLockedError, match="another run holds"),
    ):
        JobLock(tmp_path, stale_after_s=3600).acquire()
    assert not (tmp_path / ".lock").exists()  # released


def test_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / ".lock").write_text(
        json.dumps({"pid": 2**22 + 12345, "host": socket.gethostname()})
    )
    with JobLock(tmp_path, stale_after_s=3600) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()


def test_lock_of_another_host_is_kept_until_its_heartbeat_is_stale(tmp_path: Path) -> None:
    (tmp_path / ".lock").write_text(json.dumps({"pid": 1, "host": "another-host"}))
    old = time.time() - 7200
    os.utime(tmp_path / ".lock", (old, old))
    with JobLock(tmp_path, stale_after_s=3600):
        pass
    (tmp_path / ".lock").write_text(json.dumps({"pid": 1, "host": "another-host"}))
    with pytest.raises(JobLockedError, match="another-host"):
        JobLock(tmp_path, stale_after_s=3600).acquire()


def test_a_live_holder_on_this_host_is_never_stale(tmp_path: Path) -> None:
    """A slow window (no heartbeat for longer than lock_stale_after_s) must not let a second run in."""
    with JobLock(tmp_path, stale_after_s=1) as first:
        old = time.time() - 7200
        os.utime(first.path, (old, old))
        with pytest.raises(JobLockedError):
            JobLock(tmp_path, stale_after_s=1).acquire()


def test_a_killed_holder_releases_the_lock_at_once(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from summarize.run.lock import JobLock;"
        f"JobLock(Path({str(tmp_path)!r}), 3600).acquire(); print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(JobLockedError):
        JobLock(tmp_path, stale_after_s=3600).acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert (tmp_path / ".lock").exists()  # left behind by the kill, but no longer held
    with JobLock(tmp_path, stale_after_s=3600) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()


def _contend(job_dir: str, start_at: float, log: str) -> None:
    while time.time() < start_at:
        pass
    for _ in range(ROUNDS):
        while True:
            try:
                lock = JobLock(Path(job_dir), 3600)
                lock.acquire()
                break
            except (JobLockedError, OSError):  # OSError: the old lock's read-then-delete race
                time.sleep(0.001)
        began = time.time()
        time.sleep(0.02)
        with open(log, "a") as handle:
            handle.write(f"{began} {time.time()}\n")
        lock.release()


ROUNDS = 4


def test_eight_processes_racing_hold_the_lock_one_at_a_time(tmp_path: Path) -> None:
    """8 processes each take the lock 4 times, retrying when refused: never two at a time."""
    log = tmp_path / "held.txt"
    start_at = time.time() + 0.5
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_contend, args=(str(tmp_path), start_at, str(log))) for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert len(spans) == 8 * ROUNDS
    overlaps = [(a, b) for (a, b), (c, _) in zip(spans, spans[1:], strict=False) if c < b]
    assert overlaps == []
    assert not (tmp_path / ".lock").exists()
