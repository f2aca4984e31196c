"""The SLURM launcher config composes; the cron and systemd commands are valid job configs."""

import re
import shlex
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from summarize.config import CONF_DIR, validate

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def test_submitit_slurm_launcher_composes() -> None:
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher", reason="pip install -e '.[slurm]'")
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(
            "config",
            overrides=["hydra/launcher=slurm", "shard.count=4", "output.root=/runs"],
            return_hydra_config=True,
        )
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    assert (launcher.partition, launcher.gpus_per_node, launcher.array_parallelism) == (
        "gpu",
        1,
        16,
    )
    assert launcher.submitit_folder == "/runs/.submitit/%j"


def scheduled_overrides(text: str) -> list[str]:
    command = next(
        line for line in text.splitlines() if "-m summarize" in line and not line.startswith("#")
    )
    words = shlex.split(command.split("-m summarize", 1)[1].split(">>")[0])
    return [w for w in words if re.match(r"^[+\w.]+=", w)]


@pytest.mark.parametrize(
    "path", ["cron/summarize-nightly.cron", "systemd/summarize-nightly.service"]
)
def test_scheduled_commands_compose_and_validate(path: str) -> None:
    overrides = scheduled_overrides((SCRIPTS / path).read_text("utf-8"))
    assert any(o.startswith("+lang=") for o in overrides)
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=overrides)
    validate(cfg)
    assert cfg.output.job == "nightly"
