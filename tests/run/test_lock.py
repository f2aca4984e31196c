import json
import os
import socket
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


def test_lock_without_heartbeat_is_stale(tmp_path: Path) -> None:
    (tmp_path / ".lock").write_text(json.dumps({"pid": 1, "host": "another-host"}))
    old = time.time() - 7200
    os.utime(tmp_path / ".lock", (old, old))
    with JobLock(tmp_path, stale_after_s=3600):
        pass
    (tmp_path / ".lock").write_text(json.dumps({"pid": 1, "host": "another-host"}))
    with pytest.raises(JobLockedError):
        JobLock(tmp_path, stale_after_s=3600).acquire()
