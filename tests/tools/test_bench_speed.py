"""Smoke sizes of the translation and whole-job benchmarks (small replicas, a few inputs).

Timings are printed, never asserted; what is asserted is that the systems did the same work and
that summarize's torch backend gives the naive loop's outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ctranslate2")

from summarize.tools.bench import job, translate  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def smoke_translation(tmp_path: Path, *extra: str) -> dict[str, Any]:
    """The translation benchmark at smoke size on the committed fixtures."""
    data, checkpoints = str(FIXTURES / "data"), str(FIXTURES / "checkpoints")
    return translate.main(
        ["--smoke", *extra, "--data", data, "--checkpoints", checkpoints, "--cache", str(tmp_path)]
    )


def test_translation_benchmark_smoke(tmp_path: Path) -> None:
    report = smoke_translation(tmp_path)
    systems = report["systems"]
    assert list(systems) == ["naive", "batch16", "torch", "ct2"]
    sentences = report["settings"]["sentences"]
    assert sentences == 8
    # every system decoded exactly the forced number of tokens for every sentence
    new_tokens, beams = report["settings"]["new_tokens"], report["settings"]["beams"]
    assert beams == 4  # opus-mt-en-fr's own generation_config
    assert {s["generated_tokens"] for s in systems.values()} == {sentences * new_tokens}
    assert systems["torch"]["outputs_identical_to_reference"] == sentences
    assert systems["batch16"]["outputs_identical_to_reference"] == sentences


# Outputs of a few tokens, one beam: the smoke checks the plumbing of both backends; the
# checkpoints' own limits (up to 512 tokens with 4-5 beams) are the benchmark's job (-m slow).
SHORT_OUTPUTS = [
    f"generation.{part}.{key}={value}"
    for part in ("summary", "translation")
    for key, value in (("num_beams", 1), ("min_new_tokens", 2), ("max_new_tokens", 6))
]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param(SHORT_OUTPUTS, id="short-outputs"),
        pytest.param([], id="checkpoint-lengths", marks=pytest.mark.slow),
    ],
)
def test_whole_job_benchmark_smoke(
    overrides: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    args = ["--smoke", "--data", str(FIXTURES / "data"), "--cache", str(tmp_path), *overrides]
    report = job.main(args)
    runs = report["backends"]
    assert set(runs) == {"torch", "ct2"}
    for run in runs.values():  # timings are reported, never asserted: a busy machine is slow
        assert set(run["stage_seconds"]) >= {"summarize", "translate"}
        assert run["peak_rss_mib"] is not None
        assert run["generated_inputs"] > 2  # both articles summarised, and translated
    # the same inputs went through both backends
    assert runs["torch"]["generated_inputs"] == runs["ct2"]["generated_inputs"]


def test_translation_benchmark_forces_the_requested_length(tmp_path: Path) -> None:
    report = smoke_translation(tmp_path, "--new-tokens", "6", "--systems", "torch,ct2")
    assert report["settings"]["new_tokens"] == 6
    assert list(report["systems"]) == ["torch", "ct2"]
    assert {s["generated_tokens"] for s in report["systems"].values()} == {8 * 6}


def test_a_terminated_pipeline_benchmark_stops_its_job(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    bench = subprocess.Popen(
        [sys.executable, "-m", "summarize.bench", "--task", "pipeline", "--smoke",
         "--data", str(FIXTURES / "data"), "--cache", str(tmp_path)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline, jobs = time.monotonic() + 240, []
        while not jobs and time.monotonic() < deadline and bench.poll() is None:
            try:
                children = psutil.Process(bench.pid).children(recursive=True)
                jobs = [c for c in children if "+lang=[fa,fr]" in " ".join(c.cmdline())]
            except psutil.Error:  # a child ended between listing and reading its command line
                jobs = []
            time.sleep(0.2)
        assert jobs, "the benchmark never started a job"
        bench.send_signal(signal.SIGTERM)
        assert bench.wait(timeout=60) == 143
        for job_process in jobs:  # the job was killed and reaped, not left running
            assert not job_process.is_running()
    finally:
        if bench.poll() is None:
            bench.kill()
