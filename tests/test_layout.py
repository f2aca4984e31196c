"""The package's layout rules: imports follow the data flow, tools stay apart, modules stay small."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "summarize"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every summarize module imported anywhere in the file: deferred and TYPE_CHECKING included."""
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n in modules and n.startswith("summarize")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    # Importing a.b.c runs a/__init__ and a/b/__init__ too; those are kept light (docstrings).
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_nothing_imports_tools() -> None:
    graph = _graph()
    # The top-level command shims (python -m summarize.score|merge|bench|download) are the tools'
    # entries.
    shims = {"summarize.score", "summarize.merge", "summarize.bench", "summarize.download"}
    offenders = [
        f"{name} imports {target}"
        for name, targets in graph.items()
        if not name.startswith("summarize.tools") and name not in shims
        for target in targets
        if target.startswith("summarize.tools")
    ]
    assert offenders == []


def test_layers_only_look_down_run_publish_store() -> None:
    """A run's files are read and written in one lower place (store/), which imports nothing
    above it; publish/ stands on it and never reaches into run/ (deferred imports included), so
    finishing a run is one pass downwards: run/finish -> publish/ -> store/."""
    graph = _graph()
    offenders = [
        f"{name} imports {target}"
        for name, targets in graph.items()
        for target in targets
        if (name.startswith("summarize.publish") and target.startswith("summarize.run"))
        or (name.startswith("summarize.store") and not target.startswith("summarize.store"))
    ]
    assert offenders == []
    assert any(t.startswith("summarize.store") for t in graph["summarize.publish.export"])
    assert any(t.startswith("summarize.publish") for t in graph["summarize.run.finish"])


def test_light_entry_points_do_not_load_the_model_stack() -> None:
    code = (
        "import sys, summarize.score, summarize.merge, summarize.export, summarize.download,"
        " summarize.publish.report,"
        " summarize.publish.card,"
        # The command: a config mistake or a missing input exits before torch is imported.
        " summarize.__main__, summarize.run.local, summarize.run.dry_run; "
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_modules_are_small_and_the_top_level_is_short() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > 350
    }
    assert long == {}
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_package_inits_are_light() -> None:
    """Importing one module of a sub-package must not import its siblings (e.g. torch)."""
    heavy = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("__init__.py")
        if p.parent != PACKAGE and p.parent.name != "evaluate"
        for node in ast.walk(ast.parse(p.read_text("utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    assert heavy == set()
