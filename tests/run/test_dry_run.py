"""run.dry_run=true resolves the input and every model, generates nothing, claims no version."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fixtures.offline import summarize_offline

from summarize.run.dry_run import dry_run

REPO = Path(__file__).resolve().parents[2]
NEEDED = (
    "sshleifer/distilbart-cnn-12-6",
    "facebook/mbart-large-50-many-to-many-mmt",
    "Helsinki-NLP/opus-mt-en-fr",
)


def test_every_model_present_prints_one_line_each_and_exits_0(
    make_config, checkpoint_replicas: Path, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    cfg = make_config("+lang=[fa,fr]", f"model_root={checkpoint_replicas}")
    assert dry_run(cfg) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("input: text ")
    assert [line.split(" ", 1)[0] for line in lines[1:-1]] == list(NEEDED)
    summariser, mbart, opus = lines[1:-1]
    # runtime.batch_tokens/window_articles=auto, as resolved for this machine's CPU
    assert lines[-1] == (
        "device cpu: batches of 8192 padded input tokens, windows of 32 articles (cpu defaults)"
    )
    for shown in ("model_root", "pytorch_model.bin", "licence apache-2.0", "num_beams=4"):
        assert shown in summariser
    for shown in ("min_length=56", "max_length=142", "no_repeat_ngram_size=3"):
        assert shown in summariser
    assert "length_penalty=2.0" in summariser
    assert "forced_bos_token=fa_IR" in mbart
    assert "licence cc-by-4.0" in opus
    assert not (tmp_path / "outputs").exists()  # no job folder, lock or version


def test_a_device_this_machine_lacks_is_refused_in_one_line(
    make_config, checkpoint_replicas: Path
) -> None:
    cfg = make_config("+lang=[fa,fr]", f"model_root={checkpoint_replicas}", "runtime.device=cuda")
    with pytest.raises(ValueError, match=r"runtime.device=cuda: .*use runtime.device=cpu") as info:
        dry_run(cfg)
    assert "\n" not in str(info.value)


def test_every_missing_model_is_named_at_once_and_exits_2(
    make_config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty cache
    cfg = make_config("+lang=[fa,fr]", f"model_root={tmp_path / 'models'}")
    with caplog.at_level(logging.ERROR):
        assert dry_run(cfg) == 2
    missing = [line for line in capsys.readouterr().out.splitlines() if line.startswith("MISSING")]
    assert len(missing) == 3
    message = caplog.records[-1].getMessage()
    for name in NEEDED:
        assert f"--model {name}" in message
    assert f"--root {tmp_path / 'models'}" in message


def test_the_command_line_exits_2_naming_all_three(tmp_path: Path) -> None:
    result = summarize_offline(tmp_path, "+lang=[fa,fr]", "run.dry_run=true")
    assert result.returncode == 2
    for name in NEEDED:
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "outputs").exists()


def test_a_run_records_each_models_weights_and_effective_settings(
    make_config, checkpoint_replicas: Path
) -> None:
    """The preset defaults, from replicas of the real checkpoints (.bin only), end to end."""
    import json

    from summarize.run.local import run

    cfg = make_config(
        "+lang=fa",
        f"model_root={checkpoint_replicas}",
        "generation.translation.max_new_tokens=8",  # keeps the random translator short
    )
    result = run(cfg)
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    summarizer = manifest["models"]["summarizer"]
    assert summarizer["weights_format"] == "pytorch_model.bin"
    assert summarizer["resolved_from"] == "model_root"
    generation = summarizer["generation"]
    assert {k: generation[k] for k in ("num_beams", "min_length", "max_length")} == {
        "num_beams": 4,
        "min_length": 56,
        "max_length": 142,
    }
    assert (generation["no_repeat_ngram_size"], generation["length_penalty"]) == (3, 2.0)
    assert generation["sources"]["num_beams"] == "config.json"
    translator = manifest["models"]["translators"]["fa"]
    assert translator["generation"]["forced_bos_token"] == "fa_IR"
    assert translator["generation"]["sources"]["max_new_tokens"] == "override"


def test_a_run_offline_names_every_missing_model_at_once(tmp_path: Path) -> None:
    """Issue 22 item 5: the run (not only its dry run) named only the first missing model."""
    result = summarize_offline(tmp_path, "+lang=[fa,fr]")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "3 model(s) missing" in line
    command = "python -m summarize.download " + " ".join(f"--model {name}" for name in NEEDED)
    assert f"`{command}`" in line  # one command that fetches all three, pasteable as is
    assert not (tmp_path / "outputs").exists()
