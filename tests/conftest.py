"""Shared fixtures: the real Hydra config composed and shrunk, and tiny models built once."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from summarize.config import CONF_DIR, register_configs

REPO = Path(__file__).resolve().parent.parent
# A few dozen rows of each dev set, committed (tests/fixtures/data/SOURCES.md): the suite needs
# nothing outside the repository. The full sets beside a development checkout are for benchmarks.
DEV_DATA = Path(__file__).resolve().parent / "fixtures" / "data"
SHARED_DATA = REPO.parent / "shared" / "data"

register_configs()


@pytest.fixture(scope="session")
def dev_data() -> Path:
    return DEV_DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The full dev sets, for benchmarks only: a plain clone has no ../shared and skips them."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} (the full dev sets beside the repo, for benchmarks) is absent")
    return SHARED_DATA


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., DictConfig]:
    """The real config with overrides; outputs under this test's tmp dir."""

    def make(*overrides: str) -> DictConfig:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            # The HTML report has tests of its own; most runs here do not need one.
            base = [f"output.root={tmp_path / 'outputs'}", "export.report=false"]
            return compose("config", overrides=[*base, *overrides])

    return make


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random-weight models of every family, built once per session."""
    from summarize.tools.tiny_corpus import default_corpus_lines
    from summarize.tools.tiny_models import build_all

    outdir = tmp_path_factory.mktemp("tiny-models")
    return build_all(outdir, default_corpus_lines(DEV_DATA))


CHECKPOINTS = REPO / "tests" / "fixtures" / "checkpoints"


@pytest.fixture(scope="session")
def checkpoint_replicas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model root with a small replica of every checkpoint in tests/fixtures/checkpoints: the
    real JSON files, a tokenizer of the real type, random weights in the real weight format."""
    from summarize.tools.replicas import build_replicas

    root = tmp_path_factory.mktemp("replicas")
    hub_ids = sorted(
        p.parent.relative_to(CHECKPOINTS).as_posix() for p in CHECKPOINTS.glob("*/*/config.json")
    )
    build_replicas(CHECKPOINTS, root, hub_ids)
    return root


@pytest.fixture(scope="session", autouse=True)
def _hash_cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Remembered weight hashes go to a folder of this session, never the user's ~/.cache."""
    os.environ["SUMMARIZE_HASH_CACHE"] = str(tmp_path_factory.mktemp("sha256-cache"))
