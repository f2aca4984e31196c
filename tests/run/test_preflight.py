"""Before any model loads: the input's languages (issue 22 items 3 and 4)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from fixtures.offline import summarize_offline
from omegaconf import DictConfig

from summarize.run.local import run
from summarize.run.preflight import input_languages

FRENCH = (
    "Le conseil municipal s'est réuni mardi soir pour discuter du budget de la ville. Les élus "
    "ont voté pour financer deux nouvelles écoles dans le quartier nord. Le maire a déclaré que "
    "les travaux commenceraient au printemps prochain."
)
ENGLISH = (
    "The city council met on Tuesday evening to discuss the budget. Members voted to fund two "
    "new schools in the north of the city. The mayor said that work would begin next spring."
)


def _folder(tmp_path: Path, texts: list[str]) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, text in enumerate(texts):
        (folder / f"a{i}.txt").write_text(text, "utf-8")
    return folder


def test_undeclared_french_is_processed_as_french_and_flagged(
    make_config: Callable[..., DictConfig],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Item 3: a folder of French articles with the defaults was processed as English, with
    "Nothing flagged" and the mismatch only in each record's notes."""
    folder = _folder(tmp_path, [FRENCH, FRENCH.replace("mardi", "jeudi"), ENGLISH])
    cfg = make_config("summarizer=extractive", f"source.path={folder}", "export.report=true")
    with caplog.at_level(logging.WARNING, logger="summarize"):
        result = run(cfg)
    records = [json.loads(line) for line in (result.path / "records.jsonl").open()]
    assert [(r["lang"], r["checks"]["needs_review"]) for r in records] == [
        ("fr", True),
        ("fr", True),
        ("en", False),
    ]
    assert records[0]["checks"]["language"] == {
        "declared": None,
        "detected": "fr",
        "processed_as": "fr",
        "flag": True,
    }
    schema = json.loads(
        (Path(__file__).parents[2] / "summarize/schemas/record.schema.json").read_text("utf-8")
    )
    for record in records:
        jsonschema.validate(record, schema)
    metrics = json.loads((result.path / "metrics.json").read_text())
    mismatch = metrics["checks"]["language_mismatch"]
    assert (mismatch["count"], mismatch["of"], mismatch["read_as"]) == (2, 3, {"fr": 2})
    html = (result.path / "report.html").read_text()
    assert "no language declared; reads as fr, processed as fr" in html
    assert "Nothing flagged" not in html
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("2 of 3 articles are not in the language declared" in m for m in warned)


def test_a_declared_language_is_taken_at_its_word(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    folder = _folder(tmp_path, [FRENCH])
    result = run(make_config("summarizer=extractive", f"source.path={folder}", "source.lang=fr"))
    (record,) = [json.loads(line) for line in (result.path / "records.jsonl").open()]
    assert record["lang"] == "fr"
    assert "language" not in record["checks"]
    assert record["checks"]["needs_review"] is False


def test_a_summariser_that_cannot_read_the_input_stops_before_loading(
    make_config: Callable[..., DictConfig], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 4: distilbart (English only) given French loaded, failed every record, exited 3
    and left a failed v0001; the helpful sentence was only in errors.jsonl."""
    import summarize.generate.models as models

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(models, "load_seq2seq", no_loading)
    folder = _folder(tmp_path, [FRENCH] * 3)
    cfg = make_config(f"source.path={folder}")  # the default summariser: languages [en]
    with pytest.raises(ValueError, match="cannot be processed") as raised:
        run(cfg)
    message = str(raised.value)
    assert "summarises ['en'], not 'fr'" in message
    assert "use summarizer=mt5-xlsum or summarizer=extractive" in message
    assert "\n" not in message
    assert not (tmp_path / "outputs").exists()  # no job folder, no failed v0001


def _jsonl(path: Path, french: int) -> Path:
    rows = [{"id": f"en{i}", "text": ENGLISH, "lang": "en"} for i in range(40 - french)]
    for i in range(french):
        rows.insert(5 + 10 * i, {"id": f"fr{i}", "text": FRENCH, "lang": "fr"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def test_a_few_records_in_another_language_keep_their_own_error(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    """Within run.max_failure_ratio (5 %), an explicit unsupported lang stays a per-record error;
    over it, the job stops before loading."""
    few = _jsonl(tmp_path / "few.jsonl", french=1)
    assert input_languages(make_config(f"source.path={few}")) == ["en"]
    many = _jsonl(tmp_path / "many.jsonl", french=3)
    with pytest.raises(ValueError, match="3 of the first 40 articles cannot be processed"):
        input_languages(make_config(f"source.path={many}"))


def test_the_command_exits_2_with_the_sentence_and_writes_nothing(tmp_path: Path) -> None:
    """Item 4 as a user meets it: no model is present at all, so nothing could have loaded."""
    folder = _folder(tmp_path, [FRENCH] * 3)
    result = summarize_offline(tmp_path, f"source.path={folder}")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "3 of the first 3 articles cannot be processed" in line
    assert "summarises ['en'], not 'fr' (no language was declared" in line
    assert not (tmp_path / "outputs").exists()
