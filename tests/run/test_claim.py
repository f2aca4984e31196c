"""A version's claim: resume proves it continues the same run, inputs are hashed before reading,
an empty input publishes nothing."""

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig

from summarize.run.local import run
from summarize.run.window import Job
from summarize.store.faults import ENV, FaultInjected

GOOD = "The council met on Tuesday. Members agreed to fund two schools. The vote was close."
OPTIONS = (
    "source=jsonl",
    "summarizer=extractive",
    "runtime.window_articles=2",
    "source.language_check=off",
    "evaluation.langid=false",
)


def write_input(path: Path, first: int, count: int = 8) -> Path:
    rows = [{"id": f"a{i}", "text": f"Article {i}. {GOOD}"} for i in range(first, first + count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


@pytest.fixture
def crashed(
    make_config: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """An input, and v0001 of a run on it that crashed after its second window."""
    source = write_input(tmp_path / "in.jsonl", 0)
    monkeypatch.setenv(ENV, "window@2=crash")
    with pytest.raises(FaultInjected):
        run(make_config(*OPTIONS, f"source.path={source}"))
    monkeypatch.delenv(ENV)
    return source


def test_resume_refuses_another_config_and_names_it(
    crashed: Path, make_config: Callable[..., DictConfig]
) -> None:
    with pytest.raises(ValueError, match=r"cannot resume v0001: summarizer.sentences 3 -> 2"):
        run(
            make_config(
                *OPTIONS, f"source.path={crashed}", "run.resume=latest", "summarizer.sentences=2"
            )
        )
    forced = run(
        make_config(
            *OPTIONS,
            f"source.path={crashed}",
            "run.resume=latest",
            "summarizer.sentences=2",
            "run.resume_force=true",
        )
    )
    manifest = json.loads((forced.path / "manifest.json").read_text())
    assert manifest["resume_forced"][0]["differences"] == ["summarizer.sentences 3 -> 2"]
    assert manifest["config"]["summarizer"]["sentences"] == 3  # what the version started with


def test_resume_refuses_another_input_and_names_it(
    crashed: Path, make_config: Callable[..., DictConfig]
) -> None:
    write_input(crashed, 4)  # next night's file, rotated into place
    with pytest.raises(ValueError, match=r"cannot resume v0001: input in.jsonl changed"):
        run(make_config(*OPTIONS, f"source.path={crashed}", "run.resume=latest"))


def test_resume_may_change_speed_and_output_options_but_not_the_input_path(
    crashed: Path, make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    moved = tmp_path / "moved.jsonl"
    os.link(crashed, moved)  # same content, but records are keyed by path and line
    with pytest.raises(
        ValueError, match=r"cannot resume v0001: source.path \S*in.jsonl\" -> \S*moved.jsonl\""
    ):
        run(make_config(*OPTIONS, f"source.path={moved}", "run.resume=latest"))
    result = run(
        make_config(
            *OPTIONS,
            f"source.path={crashed}",
            "run.resume=latest",
            "runtime.window_articles=5",
            "runtime.threads=1",
            "export.report=true",
            "output.progress_every_s=1",
            "run.max_failure_ratio=0.5",
        )
    )
    assert result.read == 8
    assert (result.path / "report.html").is_file()


def test_a_version_without_a_claim_is_resumed_only_when_forced(
    crashed: Path, make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    (tmp_path / "outputs" / "summarize" / "v0001" / ".claim.json").unlink()
    with pytest.raises(ValueError, match=r"has no \.claim\.json"):
        run(make_config(*OPTIONS, f"source.path={crashed}", "run.resume=latest"))
    forced = run(
        make_config(
            *OPTIONS, f"source.path={crashed}", "run.resume=latest", "run.resume_force=true"
        )
    )
    assert forced.read == 8


def test_an_input_replaced_while_read_is_caught_and_the_manifest_keeps_the_claimed_hash(
    make_config: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_input(tmp_path / "in.jsonl", 0)
    claimed = hashlib.sha256(source.read_bytes()).hexdigest()
    real = Job.process

    def process(self: Job, window: list) -> list:
        if window[0].id == "a2":  # the reader holds the old file open; the path gets a new one
            os.replace(write_input(tmp_path / "next.jsonl", 4), source)
        return real(self, window)

    monkeypatch.setattr(Job, "process", process)
    with pytest.raises(
        ValueError, match=r"the input changed while v0001 read it \(in.jsonl changed\)"
    ):
        run(make_config(*OPTIONS, f"source.path={source}"))
    version = tmp_path / "outputs" / "summarize" / "v0001"
    assert not (version / "manifest.json").exists()
    monkeypatch.setattr(Job, "process", real)
    with pytest.raises(ValueError, match="did not finish reading its input"):
        run(make_config("run.finish=latest"))
    forced = run(
        make_config(*OPTIONS, f"source.path={source}", "run.resume=latest", "run.resume_force=true")
    )
    manifest = json.loads((forced.path / "manifest.json").read_text())
    assert manifest["inputs"]["sha256"] == {"in.jsonl": claimed}
    assert {"input_changed_while_read": ["in.jsonl changed"]} in manifest["resume_forced"]


def test_an_empty_input_publishes_nothing_unless_allowed(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = tmp_path / "empty.jsonl"
    source.write_text("\n", "utf-8")
    with pytest.raises(ValueError, match="holds no records: nothing was written"):
        run(make_config(*OPTIONS, f"source.path={source}"))
    assert not (tmp_path / "outputs").exists()  # no version, no latest, no empty job folder
    allowed = run(make_config(*OPTIONS, f"source.path={source}", "source.allow_empty=true"))
    assert allowed.read == 0
    assert (allowed.path / "manifest.json").is_file()


def test_the_claim_holds_choices_as_plain_strings(make_config: Callable[..., DictConfig]) -> None:
    """Choices are StrEnums in the config; claim.json (and so the manifest and the config
    fingerprint a resume compares) holds the plain strings, as read back from disk."""
    from types import SimpleNamespace

    from summarize.run.claim import build_claim, comparable
    from summarize.run.keys import digest

    cfg = make_config("summarizer=extractive", "source=jsonl", "source.path=in.jsonl")
    job = SimpleNamespace(summariser=None, translators=None, runtime={})
    claim = build_claim(cfg, job, {})
    config = claim["config"]
    assert type(config["task"]) is str
    assert type(config["source"]["kind"]) is str
    assert (config["source"]["kind"], config["summarizer"]["method"]) == ("jsonl", "lead_words")
    assert claim["config_sha256"] == digest(comparable(json.loads(json.dumps(config))))
