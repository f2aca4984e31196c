"""Every user mistake: exit 2, one line on stderr saying what to change, no traceback, no folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from summarize.cli import LOG_FORMAT, check_known_keys, one_line, unknown_key_message
from summarize.config import CONF_DIR, Config

NO_CUDA = not torch.cuda.is_available()
ONE_ERROR_STYLE = re.compile(
    r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]\[summarize\]\[ERROR\] - \S"
)


def summarize(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarize", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
    )


# (arguments, words the one line must contain)
MISTAKES = [
    (["summarizer=distilbart"], ["summarizer=distilbart", "distilbart-cnn", "extractive"]),
    (["+lang=farsi"], ["+lang=farsi", "ar, de, en, es, fa, fr"]),
    (["lang=fa"], ["+lang=fa"]),
    (["generation.summary.num_beam=4"], ["did you mean generation.summary.num_beams?"]),
    (["+generation.summary.num_beam=4"], ["did you mean generation.summary.num_beams?"]),
    (["+generation.summary.num_beam=4", "summarizer=extractive"], ["num_beams?"]),
    (["+lang=fa", "+langs.fa.nme=x", "summarizer=extractive"], ["did you mean langs.fa.name?"]),
    (["+colour=red", "summarizer=extractive"], ["colour is not a setting"]),
    (["runtime.batch_tokens=many"], ["runtime.batch_tokens", "many"]),
    # A wrong choice is refused while composing, with the choices listed.
    (["task=summarise"], ["task=summarise", "did you mean summarize?", "summarize, translate"]),
    (["runtime.backend=onnx"], ["runtime.backend=onnx", "choose one of torch, ct2"]),
    (["+lang=[fa,fr"], ["'+lang=[fa,fr]'"]),
    (["source=jsonl", "source.path=missing.jsonl", "summarizer=extractive"], ["source.path"]),
    (["source.path=missing-folder", "summarizer=extractive"], ["source.path"]),
]
if NO_CUDA:
    MISTAKES += [
        (["runtime.device=cuda"], ["runtime.device=cuda", "runtime.device=cpu"]),
        (["runtime.device=cuda", "summarizer=extractive"], ["runtime.device=cpu"]),
    ]


@pytest.mark.parametrize(("args", "words"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_mistake_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], words: list[str]
) -> None:
    result = summarize(*args, f"output.root={tmp_path / 'runs'}", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 or all("INFO" in line for line in lines[:-1]), lines
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[-1]
    # One style for every mistake, found while composing or by the job: the job's log line.
    assert ONE_ERROR_STYLE.match(lines[-1]), lines[-1]
    assert not (tmp_path / "runs").exists()  # not even an empty job folder


def test_hydra_full_error_still_shows_the_traceback(tmp_path: Path) -> None:
    composing = summarize("summarizer=distilbart", cwd=tmp_path, env={"HYDRA_FULL_ERROR": "1"})
    assert composing.returncode == 1
    assert "Traceback" in composing.stderr
    running = summarize(
        "source.path=missing-folder",
        "summarizer=extractive",
        cwd=tmp_path,
        env={"HYDRA_FULL_ERROR": "1"},
    )
    assert running.returncode == 1
    assert "Traceback" in running.stderr


def test_cfg_job_resolve_prints_no_interpolation(tmp_path: Path) -> None:
    result = summarize("--cfg", "job", "--resolve", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "${" not in result.stdout
    assert f"root: {tmp_path.resolve()}/outputs" in result.stdout


def test_known_keys_pass_and_messages_name_the_closest_key() -> None:
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        check_known_keys(compose("config", overrides=["+lang=[fa,fr]"]), Config)  # no error
    schema = OmegaConf.structured(Config)
    assert "(did you mean runtime.device?)" in unknown_key_message("runtime.devcie", schema)
    assert "did you mean" not in unknown_key_message("zzz", schema)
    assert one_line(ValueError("a\n\n  b")) == "a; b"


def test_a_mistake_found_while_composing_uses_the_jobs_log_format() -> None:
    job_logging = OmegaConf.load(CONF_DIR / "hydra" / "job_logging" / "stderr.yaml")
    assert job_logging.formatters.simple.format == LOG_FORMAT
