"""glibc keeps and reuses memory freed by a worker thread once the CT2 backend has tuned it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from summarize.generate import allocator

FAULTS = """
import ctypes, resource, sys, threading
from summarize.generate.allocator import keep_freed_memory
print(keep_freed_memory() if sys.argv[1] == "tuned" else False)
def work():  # what CTranslate2's worker does at each step: a large block, used, freed
    for _ in range(16):
        block = (ctypes.c_char * (64 << 20))()
        ctypes.memset(block, 1, 64 << 20)
        del block
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
thread = threading.Thread(target=work)
thread.start()
thread.join()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(mode: str) -> tuple[bool, int]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MALLOC_") and k not in ("GLIBC_TUNABLES", "SUMMARIZE_MALLOC_TUNING")
    }
    out = subprocess.run(
        [sys.executable, "-c", FAULTS, mode], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0] == "True", int(out[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc tuning is Linux-only")
def test_freed_blocks_are_reused_instead_of_faulted_in_again() -> None:
    tuned, tuned_faults = _page_faults("tuned")
    if not tuned:
        pytest.skip("not glibc")
    _, default_faults = _page_faults("default")
    # 16 blocks of 64 MiB = 16 x 16384 pages: glibc's default maps and faults in each anew
    assert default_faults > 8 * 16384
    assert tuned_faults < default_faults / 4


def test_the_tuning_can_be_turned_off_and_respects_the_users_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(allocator, "_applied", False)
    monkeypatch.setenv("SUMMARIZE_MALLOC_TUNING", "off")
    assert allocator.keep_freed_memory() is False
    monkeypatch.delenv("SUMMARIZE_MALLOC_TUNING")
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert allocator.keep_freed_memory() is False
