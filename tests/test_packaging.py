"""The wheel as a user installs it: conf/ inside, no test tools pulled, runs from any folder."""

from __future__ import annotations

import email
import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEV_ONLY = {"pytest", "hypothesis", "jsonschema", "ruff", "mypy"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("building the wheel offline needs setuptools in this environment")
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy: setuptools writes build/ and *.egg-info next to the sources.
    source = out / "src"
    files = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        path = REPO / name.decode()
        if path.is_file():
            target = source / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("summarize-*.whl")
    return built


def test_wheel_ships_every_config_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    conf = {p.relative_to(REPO).as_posix() for p in (REPO / "conf").rglob("*.yaml")}
    assert {f"summarize/{name}" for name in conf} <= names
    for data in (
        "download.py",  # python -m summarize.download: fetching models needs no clone
        "tools/download.py",
        "samples/article.txt",
        "schemas/record.schema.json",
        "publish/templates/report.html",
    ):
        assert f"summarize/{data}" in names


def test_runtime_requirements_leave_out_test_and_lint_tools(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        message = email.message_from_bytes(zf.read(meta))
    runtime = {
        re.match(r"[A-Za-z0-9._-]+", req).group().lower()  # type: ignore[union-attr]
        for req in message.get_all("Requires-Dist") or []
        if "extra ==" not in req
    }
    assert "torch" in runtime
    assert not runtime & DEV_ONLY
    assert set(message.get_all("Provides-Extra") or []) >= {"ct2", "ray", "slurm", "dev"}


def test_installed_wheel_runs_from_an_empty_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    # Only the installed copy is importable: not the checkout, not an editable install's finder.
    env = {**os.environ, "PYTHONPATH": str(site), "HF_HUB_OFFLINE": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import summarize.config as c; print(c.CONF_DIR)"],
        cwd=empty, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()) == site / "summarize" / "conf"
    result = subprocess.run(
        [sys.executable, "-m", "summarize", "summarizer=extractive"],
        cwd=empty, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    version = Path(result.stdout.strip())
    assert version == empty / "outputs" / "summarize" / "v0001"
    assert json.loads((version / "manifest.json").read_text("utf-8"))["status"] == "complete"


def _imported_modules() -> set[str]:
    """Top-level names of every module summarize imports, deferred imports included."""
    import ast

    found: set[str] = set()
    for path in (REPO / "summarize").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"summarize"}


def _requirement_name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def test_every_package_imported_directly_is_declared() -> None:
    """A module summarize imports must be a declared requirement (runtime or an extra), not
    something another dependency happens to pull in today."""
    import importlib.metadata
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    extras = [
        r
        for group, reqs in project["optional-dependencies"].items()
        if group != "dev"
        for r in reqs
    ]
    declared = {_requirement_name(r) for r in [*project["dependencies"], *extras]}
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for module in sorted(_imported_modules()):
        if module not in providers:
            pytest.fail(f"{module} is imported but not installed in this environment")
        names = {_requirement_name(d) for d in providers[module]}
        if not names & declared:
            undeclared[module] = sorted(names)
    assert undeclared == {}
