"""`python -m summarize` as a user runs it: a subprocess with Hydra's real command line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.config import CONF_DIR

REPO = Path(__file__).resolve().parent.parent


def summarize(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarize", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_help_lists_every_option_of_every_group_with_one_line_about_it() -> None:
    result = summarize("--help")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for group in sorted(p for p in CONF_DIR.iterdir() if p.is_dir() and p.name != "hydra"):
        heading = f"{'+' if group.name == 'lang' else ''}{group.name}:"
        start = lines.index(heading)
        for option in sorted(group.glob("*.yaml")):
            line = next(x for x in lines[start + 1 :] if x.split()[:1] == [option.stem])
            description = line.split(None, 1)[1]
            assert "no description" not in description, line
            assert len(description.split()) >= 3, line  # a phrase, not a bare name
    assert any("CC-BY-NC-4.0" in line and "nllb-600m" in line for line in lines)
    assert "== Config ==" in result.stdout  # the full config is one `--cfg job` away


def test_cfg_job_prints_the_resolved_config() -> None:
    result = summarize("--cfg", "job", "+lang=fa")
    assert result.returncode == 0, result.stderr
    assert "pes_Arab" in result.stdout
    assert "name_or_path: sshleifer/distilbart-cnn-12-6" in result.stdout


def test_extractive_run_prints_the_version_folder(tmp_path: Path) -> None:
    result = summarize("summarizer=extractive", f"output.root={tmp_path}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    version = Path(result.stdout.strip().splitlines()[-1])
    assert version == tmp_path / "summarize" / "v0001"
    assert json.loads((version / "manifest.json").read_text("utf-8"))["status"] == "complete"


def test_default_output_root_is_outputs_under_the_working_directory(tmp_path: Path) -> None:
    result = summarize("summarizer=extractive", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        Path(result.stdout.strip().splitlines()[-1]) == tmp_path / "outputs" / "summarize" / "v0001"
    )


def test_a_multirun_over_languages_gives_each_language_its_job_and_latest(
    tmp_path: Path, tiny_models: dict[str, Path]
) -> None:
    """`-m +lang=fa,fr`: one `latest` per language; in one job `latest` was the last to finish."""
    result = summarize(
        "-m",
        "+lang=fa,fr",
        "summarizer=extractive",
        "translator=custom",
        f"translator.name_or_path={tiny_models['nllb']}",
        "generation.translation.max_new_tokens=4",
        f"output.root={tmp_path}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summarize-fa", "summarize-fr"]
    for code in ("fa", "fr"):
        latest = tmp_path / f"summarize-{code}" / "latest"
        assert os.readlink(latest) == "v0001"
        record = json.loads((latest / "records.jsonl").read_text("utf-8").splitlines()[0])
        assert list(record["translations"]) == [code]
    printed = result.stdout.split()
    assert printed == [str(tmp_path / f"summarize-{c}" / "v0001") for c in ("fa", "fr")]


def test_missing_model_offline_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "HOME": str(tmp_path),
        # A checkout tested without installing it (.ci/run's plain clone) is found this way.
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
    }
    result = summarize(f"output.root={tmp_path}", cwd=tmp_path, env=env)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1
    assert "sshleifer/distilbart-cnn-12-6" in errors[0]
    assert "summarizer.name_or_path=" in errors[0]
    assert not (tmp_path / "summarize").exists()  # no version claimed, no empty job folder


@pytest.mark.parametrize("override", ["source=jsonl", "output.job=../escape"])
def test_bad_config_fails_before_reading(tmp_path: Path, override: str) -> None:
    result = summarize("summarizer=extractive", override, f"output.root={tmp_path}", cwd=tmp_path)
    assert result.returncode != 0
    assert not list(tmp_path.glob("**/v0001"))
