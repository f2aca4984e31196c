"""`python -m summarize`: compose the config, run the job, print where the run went."""

from __future__ import annotations

import logging
import sys

import hydra
from omegaconf import DictConfig

from summarize.config import register_configs
from summarize.run.dry_run import dry_run
from summarize.run.local import run

register_configs()
log = logging.getLogger("summarize")


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> None:
    if cfg.run.dry_run:  # resolve input and models only: no version, nothing generated
        try:
            sys.exit(dry_run(cfg))
        except (ValueError, OSError) as exc:  # config and input problems
            log.error("%s", exc)
            sys.exit(2)
    try:
        result = run(cfg)
    except (ValueError, OSError, RuntimeError) as exc:  # config, input, model and disk problems
        log.error("%s", exc)
        sys.exit(2)
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
    main()
