"""What a user sees when a start fails: one line saying what to change, exit status 2.

Hydra reports its own errors (an unknown preset, a misspelt key, an override it cannot parse) over
several lines and exits 1; `user_mistakes_exit_2` turns them into one line and status 2, the
status the README documents for every configuration, input or model problem. Run with
``HYDRA_FULL_ERROR=1`` to get the full traceback instead.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import (
    ConfigAttributeError,
    ConfigKeyError,
    MissingMandatoryValue,
    OmegaConfBaseException,
    ValidationError,
)

EXIT_USAGE = 2
_UNKNOWN_KEY = (ConfigKeyError, ConfigAttributeError)
FULL_ERROR = "HYDRA_FULL_ERROR"
# Set once the job function runs: an OmegaConf error after that is a bug, not a user's mistake.
_job_started = False
_user_full_error: str | None = None


def job_started() -> None:
    global _job_started
    _job_started = True


def wants_traceback() -> bool:
    """The user set HYDRA_FULL_ERROR=1: show the traceback of every error, mistakes included."""
    return _user_full_error == "1"


def _hint(word: str, choices: list[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""


def unknown_key_message(full_key: str, schema: Any, cfg: Any = None) -> str:
    """`generation.summary.num_beam is not a setting (did you mean ...num_beams?)` and where to look."""
    parent, _, name = str(full_key).rpartition(".")
    node = OmegaConf.select(schema, parent) if parent else schema
    if node is None and cfg is not None:  # inside a mapping such as langs.<code>: the composed node
        node = OmegaConf.select(cfg, parent)
    known = [str(k) for k in node if str(k) != name] if isinstance(node, DictConfig) else []
    hint = _hint(name, known, f"{parent}." if parent else "")
    return f"{full_key} is not a setting{hint}; `python -m summarize --cfg job` lists them all"


def check_known_keys(cfg: DictConfig, schema_type: type) -> None:
    """Refuse keys the schema does not have, also those added with `+key=...`.

    Hydra's struct mode rejects `key=value` for an unknown key but lets `+key=value` add it, and
    the job would then ignore it without a word. Merging its plain contents (a DictConfig would
    carry Hydra's open flags along) into a fresh schema rejects both.
    """
    schema = OmegaConf.structured(schema_type)
    try:
        OmegaConf.merge(schema, OmegaConf.to_container(cfg, resolve=False))
    except _UNKNOWN_KEY as exc:
        raise ValueError(unknown_key_message(str(exc.full_key), schema, cfg)) from exc


Options = TypeVar("Options")
_ARG = re.compile(r"^([A-Za-z_][\w.]*)=(.*)$", re.DOTALL)


class UsageError(ValueError):
    """A command's arguments are wrong; the message is the one line printed before exit 2."""


def parse_options(argv: Sequence[str], schema: type[Options]) -> Options:
    """The ``key=value`` arguments of the small commands (score, export, merge), checked against
    their dataclass with OmegaConf, without starting a Hydra app: an unknown key, a value of the
    wrong type or a missing required key is a ``UsageError``. Values stay strings until
    OmegaConf converts them to each field's type (``lang=no`` stays "no", not YAML's false);
    only ``null`` (or ``~``) means None."""
    cfg = OmegaConf.structured(schema)
    for arg in argv:
        match = _ARG.match(arg)
        if not match:
            raise UsageError(f"cannot parse argument {arg!r}: expected key=value (see --help)")
        key, raw = match.groups()
        try:
            OmegaConf.update(cfg, key, None if raw in ("null", "~") else raw, merge=True)
        except OmegaConfBaseException as exc:
            raise UsageError(f"{arg}: {_first_line(str(exc))} (see --help)") from exc
    try:
        options = OmegaConf.to_object(cfg)
    except MissingMandatoryValue as exc:
        raise UsageError(f"{exc.full_key}=... is required (see --help)") from exc
    assert isinstance(options, schema)
    return options


_DESCRIPTION_CHARS = 100


def option_description(path: Path) -> str:
    """An option's one-line description: the first line of the comment that opens its YAML
    (a ``@package`` line skipped)."""
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text and not text.startswith("@package"):
            if len(text) > _DESCRIPTION_CHARS:
                return text[: _DESCRIPTION_CHARS - 1].rstrip() + "…"
            return text
    return "(no description: start its YAML with a one-line comment)"


def config_groups_help(conf_dir: Path) -> str:
    """``--help``'s groups: each option of each group of conf/ with its one-line description."""
    lines = []
    for group in sorted(p for p in conf_dir.iterdir() if p.is_dir() and p.name != "hydra"):
        options = sorted(group.glob("*.yaml"))
        plus = "+" if group.name == "lang" else ""  # lang is not in the defaults: added with +
        lines.append(f"{plus}{group.name}:")
        width = max(len(o.stem) for o in options)
        lines += [f"  {o.stem:<{width}}  {option_description(o)}" for o in options]
    return "\n".join(lines)


def swept_keys(argv: list[str]) -> set[str]:
    """The keys or groups a multirun command line sweeps (``+lang=fa,fr`` -> ``lang``)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    overrides = [a for a in argv if "=" in a and not a.startswith("-")]
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except OverrideParseException:
        return set()  # Hydra has already accepted the line; an odd flag here changes nothing
    return {o.key_or_group for o in parsed if o.is_sweep_override()}


def choices_of(full_key: str, schema: Any) -> list[str] | None:
    """The allowed values of a setting that is a choice (an Enum field of the schema), else None."""
    parent, _, name = str(full_key).rpartition(".")
    node = OmegaConf.select(schema, parent) if parent else schema
    if not isinstance(node, DictConfig) or name not in node:
        return None
    kind = OmegaConf.get_type(node, name)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [str(member.value) for member in kind]
    return None


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), text)


def one_line(exc: BaseException, schema: Any = None) -> str:
    """A Hydra or OmegaConf error as one line that names the setting and what to change."""
    if isinstance(exc, MissingConfigException) and exc.missing_cfg_file:
        group, _, value = exc.missing_cfg_file.rpartition("/")
        options = list(exc.options or [])
        if group == "lang":
            return (
                f"+lang={value}: no such language{_hint(value, options)}; choose from "
                f"{', '.join(options)} (or add conf/lang/{value}.yaml)"
            )
        if group:
            return (
                f"{group}={value}: no such {group}{_hint(value, options)}; choose one of "
                f"{', '.join(options)}"
            )
    if isinstance(exc, OverrideParseException):
        return (
            f"cannot read the override {exc.override!r}: {_first_line(exc.message)} "
            "(in zsh, quote lists: '+lang=[fa,fr]')"
        )
    cause = exc.__cause__
    if isinstance(cause, _UNKNOWN_KEY) and cause.full_key and schema is not None:
        return unknown_key_message(cause.full_key, schema)
    choices = (
        choices_of(cause.full_key, schema)
        if isinstance(cause, ValidationError) and cause.full_key and schema is not None
        else None
    )
    if choices and isinstance(cause, ValidationError):
        value = str(cause.value)
        return (
            f"{cause.full_key}={value}: not a choice{_hint(value, choices)}; choose one of "
            f"{', '.join(choices)}"
        )
    if isinstance(cause, OmegaConfBaseException) and cause.full_key:
        return f"{cause.full_key}: {_first_line(str(cause))}"
    message = str(exc)
    if "No match in the defaults list" in message and "+lang=" in message:
        value = message.rpartition("+lang=")[2].strip()
        return f"lang={value}: target languages are added with a plus: +lang={value}"
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


# The job's log format (conf/hydra/job_logging/stderr.yaml): a mistake found while composing, before
# Hydra configures logging, reads like one found by the job, so a cron log has one error style.
LOG_FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"


def report_mistake(message: str) -> None:
    """One ERROR line on stderr in the job's log format, whether or not logging is configured."""
    record = logging.LogRecord("summarize", logging.ERROR, __file__, 0, message, None, None)
    print(logging.Formatter(LOG_FORMAT).format(record), file=sys.stderr)


@contextmanager
def user_mistakes_exit_2(schema_type: type) -> Iterator[None]:
    """Around `@hydra.main`: Hydra's composition errors become one line on stderr and exit 2."""
    global _user_full_error
    before = _user_full_error = os.environ.get(FULL_ERROR)
    # Hydra re-raises its errors when this is set, instead of printing them and exiting 1.
    os.environ[FULL_ERROR] = "1"
    try:
        yield
    except (HydraException, OmegaConfBaseException) as exc:
        if before == "1" or _job_started:  # asked for the traceback, or a bug in the job
            raise
        report_mistake(one_line(exc, OmegaConf.structured(schema_type)))
        sys.exit(EXIT_USAGE)
    finally:
        if before is None:
            os.environ.pop(FULL_ERROR, None)
        else:
            os.environ[FULL_ERROR] = before
