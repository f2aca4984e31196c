"""What a version was started with, so that a resume or a merge proves it continues the same run.

At claim time the version folder gets ``.claim.json`` (written atomically, before any record):
the resolved config, the models that loaded (weights sha256), the resolved device and dtype,
and each input file's identity (size, mtime, inode, sha256) taken before the first record is read.

A resume compares the same things now; any difference is refused in one line naming it, unless
``run.resume_force=true`` (then recorded in the claim and the manifest). Keys that do not change
what a record says (``VOLATILE``: where the run is written, speed knobs, derived views, the resume
options themselves) may change. A merge compares its shards' manifests the same way.
"""

from __future__ import annotations

import copy
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from omegaconf import DictConfig, OmegaConf

from summarize.run.keys import digest
from summarize.store.atomic import write_json_atomic
from summarize.store.layout import CLAIM, RECORDS

FORMAT = "summarize.claim/1"
# Config keys that may differ between the start of a version and its resume. Model identity is
# checked by weights hash, not by model_root. source.path stays: records are keyed by origin
# (path and line), so the same content under another path would be read a second time.
VOLATILE = (
    "run",
    "output",
    "export",
    "runner",
    "model_root",
    "runtime.threads",
    "runtime.batch_tokens",
    "runtime.window_articles",
    "runtime.ct2_cache_dir",
)
_SHARD_KEYS = ("shard.index",)  # shards of one job differ only in this
_SHOWN = 3


def comparable(config: dict[str, Any], ignore: tuple[str, ...] = ()) -> dict[str, Any]:
    """``config`` without the keys a resume (or, with ``ignore``, a shard) may change."""
    kept = copy.deepcopy(config)
    for dotted in (*VOLATILE, *ignore):
        *parents, last = dotted.split(".")
        node: Any = kept
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return kept


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, sub in value.items():
            out.update(_flat(sub, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 48 else "..." + text[-45:]  # paths differ at their end


def _diff(what: str, before: Any, now: Any) -> list[str]:
    old, new = _flat(before), _flat(now)
    return [
        f"{what}{key} {_short(old.get(key))} -> {_short(new.get(key))}"
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


def input_hashes(inputs: dict[str, Any]) -> dict[str, str]:
    """{file name: sha256} from a claim's or a manifest's ``inputs`` (older manifests: sha256)."""
    files = inputs.get("files")
    if isinstance(files, dict):
        return {name: identity.get("sha256") for name, identity in files.items()}
    return dict(inputs.get("sha256") or {})


def differences(
    before: dict[str, Any], now: dict[str, Any], ignore: tuple[str, ...] = ()
) -> list[str]:
    """What differs between two claims (or manifests): config keys, models, runtime, input files."""
    found = _diff(
        "",
        comparable(before.get("config") or {}, ignore),
        comparable(now.get("config") or {}, ignore),
    )
    found += _diff("models.", before.get("models"), now.get("models"))
    if before.get("runtime") and now.get("runtime"):
        found += _diff("runtime ", before["runtime"], now["runtime"])
    old, new = input_hashes(before.get("inputs") or {}), input_hashes(now.get("inputs") or {})
    for name in sorted(set(old) | set(new)):
        if name not in new:
            found.append(f"input {name} is gone")
        elif name not in old:
            found.append(f"input {name} is new")
        elif old[name] != new[name]:
            found.append(
                f"input {name} changed (sha256 {old[name][:12]}... -> {new[name][:12]}...)"
            )
    return found


def summary(found: list[str]) -> str:
    more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
    return "; ".join(found[:_SHOWN]) + more


def describe_models(cfg: DictConfig, job: Any) -> dict[str, Any]:
    """The models a job loaded, as the manifest lists them (null summarizer: extractive): each
    with its weights (format, size, where found) and the generation settings it decodes with."""
    generator = getattr(job.summariser, "generator", None)
    return {
        "summarizer": (
            {**generator.loaded.details(), "generation": generator.settings.describe()}
            if generator
            else None
        ),
        "translators": {t: job.translators.details(t) for t in cfg.langs},
    }


def build_claim(cfg: DictConfig, job: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    # Choices (StrEnum) as plain strings: the claim and manifest hold what the user typed.
    config = cast(dict[str, Any], OmegaConf.to_container(cfg, resolve=True, enum_to_str=True))
    return {
        "format": FORMAT,
        "claimed_at": datetime.now(UTC).isoformat(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "config": config,
        "config_sha256": digest(comparable(config)),
        "models": describe_models(cfg, job),
        "runtime": job.runtime,
        "inputs": inputs,
        "forced": [],
    }


def write_claim(version_dir: Path, claim: dict[str, Any]) -> None:
    write_json_atomic(version_dir / CLAIM, claim)


def read_claim(version_dir: Path) -> dict[str, Any] | None:
    path = version_dir / CLAIM
    if not path.is_file():
        return None
    claim: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return claim


def check_resume(version_dir: Path, now: dict[str, Any], force: bool) -> dict[str, Any]:
    """The claim a resume continues under; ValueError (one line) when it is not the same run."""
    claimed = read_claim(version_dir)
    if claimed is None:
        has_records = (version_dir / RECORDS).is_file() and (
            version_dir / RECORDS
        ).stat().st_size > 0
        if has_records and not force:
            raise ValueError(
                f"{version_dir} has no {CLAIM} (started by an older summarize), so this resume "
                "cannot prove it continues the same run; add run.resume_force=true to continue"
            )
        write_claim(version_dir, now)  # crashed before its claim was written, or forced
        return now
    found = differences(claimed, now)
    if not found:
        return claimed
    if not force:
        raise ValueError(
            f"cannot resume {version_dir.name}: {summary(found)} since it started; start a new "
            "run, or add run.resume_force=true to mix them in one version"
        )
    claimed.setdefault("forced", []).append(
        {"at": datetime.now(UTC).isoformat(), "differences": found}
    )
    write_claim(version_dir, claimed)
    return claimed
