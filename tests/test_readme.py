"""README.md's commands, run as written from a clone with nothing beside it: every fenced command
either runs here or is listed below with the reason."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
TINY = "/tmp/tiny"  # the README's folder for tiny models; the test uses one of its own

# Commands the test does not run, by a fragment of the command, with the reason.
NOT_RUN = {
    "python3 -m venv": "installs packages (.ci/run does it in a clean clone)",
    "pip install torch": "installs packages (.ci/run)",
    'pip install -e ".[dev]"': "installs packages (.ci/run)",
    "pip wheel": "tests/test_packaging.py builds, installs and runs the wheel",
    "pip install dist/": "tests/test_packaging.py builds, installs and runs the wheel",
    "python -m summarize +lang=fa": "downloads 3.7 GB of models",
    "python -m summarize '+lang=[fa,fr]'    #": "downloads models",
    "python -m summarize -m +lang=fa,fr": "downloads models",
    "summarize.download": "needs network",
    "python -m pytest": "this is the suite itself",
    "run.dry_run=true    #": "needs the downloaded models (the replicas' dry run runs)",
    "--full-size": "writes 3.7 GB of replica weights",
}


def commands(text: str) -> list[tuple[str, str]]:
    """(language, command) for each bash line (continuations joined) and each python block."""
    found: list[tuple[str, str]] = []
    for lang, body in re.findall(r"^```(bash|python)\n(.*?)^```", text, flags=re.M | re.S):
        if lang == "python":
            found.append((lang, body))
            continue
        for line in body.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                found.append((lang, line.strip()))
    return found


def reason_not_run(command: str) -> str | None:
    return next((why for part, why in NOT_RUN.items() if part in command), None)


def test_every_exception_matches_a_command() -> None:
    text = README.read_text("utf-8")
    listed = [c for _, c in commands(text)]
    assert [p for p in NOT_RUN if not any(p in c for c in listed)] == []


def test_no_command_needs_files_beside_the_clone() -> None:
    """A clone has nothing beside it: a command reads what the repository or the package ships."""
    assert [c for _, c in commands(README.read_text("utf-8")) if "../" in c] == []


def a_clone(folder: Path) -> Path:
    """The repository's files as a clone has them, in a folder with nothing beside it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=False
    )
    tracked = {Path(p).parts[0] for p in listed.stdout.split("\0") if p}
    if listed.returncode != 0 or not tracked:  # not a git checkout (an sdist): take what is here
        tracked = {p.name for p in REPO.iterdir() if not p.name.startswith(".")}
    clone = folder / "clone"
    clone.mkdir()
    for name in sorted(tracked):
        (clone / name).symlink_to(REPO / name)
    return clone


def test_readme_commands_run_as_written_from_a_clone(tmp_path: Path) -> None:
    clone = a_clone(tmp_path)
    assert not (clone.parent / "shared").exists()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"  # `python` in the README is this interpreter (venv included)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf-home"),
    }
    ran = []
    for lang, command in commands(README.read_text("utf-8")):
        if reason_not_run(command):
            continue
        if lang == "python":  # the dataset card's snippet: from the folder of an exported run
            args, cwd = [sys.executable, "-c", command], clone / "outputs" / "summarize" / "latest"
        else:  # the README's /tmp/tiny, here: this test's own
            command = command.replace(TINY, str(tmp_path / "tiny"))
            args, cwd = ["bash", "-c", command], clone
        result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, (command, result.stderr[-2000:])
        ran.append(command)
    assert len(ran) >= 11, ran
    assert (clone / "runs" / "summarize" / "latest" / "manifest.json").is_file()
    assert (clone / "outputs" / "summarize" / "latest" / "hf" / "dataset_dict.json").is_file()
    assert (clone / "rows.jsonl").is_file()  # the faithfulness scores of the shipped summaries


@pytest.mark.parametrize(
    "words",
    [
        "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu",
        "Python 3.11 or newer",
        "python -m summarize --cfg job --resolve",
        'datasets.load_from_disk("<run>/hf")',
        "![report.html",
    ],
)
def test_readme_states(words: str) -> None:
    assert words in README.read_text("utf-8")


def test_the_pictured_report_is_committed_and_small() -> None:
    picture = REPO / "docs" / "report.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size < 300_000
