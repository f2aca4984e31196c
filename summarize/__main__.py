"""`python -m summarize`: compose the config, run the job, print where the run went."""

from __future__ import annotations

import logging
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from summarize.cli import (
    EXIT_USAGE,
    check_known_keys,
    config_groups_help,
    job_started,
    swept_keys,
    user_mistakes_exit_2,
    wants_traceback,
)
from summarize.config import CONF_DIR, Config, register_configs
from summarize.run.signals import Interrupted, report_interruption
from summarize.run.versions import language_job

register_configs()
log = logging.getLogger("summarize")
# --help's list of config groups (conf/config.yaml: hydra.help.template)
OmegaConf.register_new_resolver(
    "summarize_config_groups", lambda: config_groups_help(CONF_DIR), replace=True
)


# CONF_DIR is absolute: conf/ is found through the package, never the working directory.
@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    job_started()
    from summarize.run.local import run  # after composing: a config mistake is reported at once

    if HydraConfig.get().mode == RunMode.MULTIRUN and "lang" in swept_keys(sys.argv[1:]):
        cfg.output.job = language_job(cfg.output.job, list(cfg.langs))

    if cfg.run.dry_run:  # resolve input and models only: no version, nothing generated
        from summarize.run.dry_run import dry_run

        try:
            check_known_keys(cfg, Config)
            code = dry_run(cfg)
        except (ValueError, OSError) as exc:  # config and input problems
            if wants_traceback():
                raise
            log.error("%s", exc)
            code = EXIT_USAGE
        sys.exit(code)
    try:
        check_known_keys(cfg, Config)
        result = run(cfg)
    except Interrupted as stop:
        sys.exit(report_interruption(stop, sys.argv[1:]))
    except KeyboardInterrupt:  # before the run's own handlers were set (loading, composing)
        log.error("interrupted before any record was written; nothing to resume")
        sys.exit(130)
    except (ValueError, OSError, RuntimeError) as exc:  # config, input, model and disk problems
        if wants_traceback():
            raise
        log.error("%s", exc)
        sys.exit(EXIT_USAGE)
    log.info("read %d, ok %d, failed %d", result.read, result.ok, result.failed)
    print(result.path)
    if result.failure_ratio_exceeded:
        log.error(
            "%d of %d records failed (over run.max_failure_ratio=%s); see %s/errors.jsonl",
            result.failed,
            result.read,
            cfg.run.max_failure_ratio,
            result.path,
        )
        sys.exit(3)


if __name__ == "__main__":
    with user_mistakes_exit_2(Config):
        main()
