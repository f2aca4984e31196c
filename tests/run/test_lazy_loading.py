"""Models load only when a record needs generating (issue 22 item 8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig
from transformers import AutoModelForSeq2SeqLM

from summarize.run.local import run
from summarize.store.faults import ENV, FaultInjected

GOOD = "The council met on Tuesday. Members agreed to fund two schools. The vote was close."


@pytest.fixture
def weight_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every torch model built from a checkpoint's weights, by folder."""
    loads: list[str] = []
    real = AutoModelForSeq2SeqLM.from_pretrained.__func__  # type: ignore[attr-defined]

    def counting(cls: Any, location: str, *args: Any, **kwargs: Any) -> Any:
        loads.append(str(location))
        return real(cls, location, *args, **kwargs)

    monkeypatch.setattr(AutoModelForSeq2SeqLM, "from_pretrained", classmethod(counting))
    return loads


def _options(tiny_models: dict[str, Path], source: Path) -> list[str]:
    return [
        f"source.path={source}",
        "summarizer=custom",
        f"summarizer.name_or_path={tiny_models['bart']}",
        "generation.summary.max_new_tokens=8",
        "runtime.window_articles=2",
        "source.language_check=off",
        "evaluation.langid=false",
    ]


def _input(path: Path, count: int = 4) -> Path:
    rows = [{"id": f"a{i}", "text": f"Article {i}. {GOOD}"} for i in range(count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def test_a_rerun_with_nothing_new_loads_no_model(
    make_config: Callable[..., DictConfig],
    tiny_models: dict[str, Path],
    tmp_path: Path,
    weight_loads: list[str],
) -> None:
    options = _options(tiny_models, _input(tmp_path / "in.jsonl"))
    run(make_config(*options))
    assert weight_loads == [str(tiny_models["bart"].resolve())]  # a fresh run loads before claiming
    weight_loads.clear()
    again = run(make_config(*options))
    assert weight_loads == []  # every key hit: the weights were never read
    metrics = json.loads((again.path / "metrics.json").read_text())
    assert metrics["throughput"]["generated_inputs"] == 0
    assert metrics["counts"]["ok"] == 4
    _input(tmp_path / "in.jsonl", count=5)  # one new article: now the model is needed
    run(make_config(*options))
    assert weight_loads == [str(tiny_models["bart"].resolve())]


def test_a_resume_whose_config_changed_is_refused_before_loading(
    make_config: Callable[..., DictConfig],
    tiny_models: dict[str, Path],
    tmp_path: Path,
    weight_loads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = _options(tiny_models, _input(tmp_path / "in.jsonl"))
    monkeypatch.setenv(ENV, "window@1=crash")
    with pytest.raises(FaultInjected):
        run(make_config(*options))
    monkeypatch.delenv(ENV)
    weight_loads.clear()
    changed = [*options, "run.resume=latest", "generation.summary.max_new_tokens=9"]
    with pytest.raises(ValueError, match="cannot resume v0001: generation.summary.max_new_tokens"):
        run(make_config(*changed))
    assert weight_loads == []
