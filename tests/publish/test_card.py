"""The dataset card: Hub front matter, licence choice, and no HTML from the articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fixtures.runs import run_articles
from huggingface_hub import DatasetCard

from summarize.publish.card import derive_license, license_and_reason, md, md_table
from summarize.publish.export import export_run

SCRIPT_ID = "<script>alert(1)</script>|x"
IMG_ID = "<img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def card_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Persian-only run: fa -> fa needs no translator model, so no model is loaded at all."""
    root = tmp_path_factory.mktemp("card")
    articles = [
        {
            "id": "fa-1",
            "text": "دولت می\u200cگوید بودجه افزایش می\u200cیابد. مجلس فردا رای می\u200cدهد.",
        },
        {"id": SCRIPT_ID, "title": "<b>bold</b> **x**", "text": "خبر کوتاه است. پایان خبر."},
        {"id": IMG_ID, "text": ""},  # fails with empty_text: its id lands in "First errors"
    ]
    version = run_articles(root, articles, "source.lang=fa", "+lang=fa", "summarizer=extractive")
    return export_run(version) / "README.md"


def test_card_parses_with_the_hub_front_matter(card_path: Path) -> None:
    card = DatasetCard.load(card_path)
    data = card.data.to_dict()
    assert data["language"] == ["fa"]
    assert data["task_categories"] == ["summarization", "translation"]
    # extractive summaries and fa -> fa: no model at all, so the articles' licence applies
    assert data["license"] == "other"
    assert "No model was loaded" in card.text
    assert data["pretty_name"].startswith("summarize summarize v")
    config = data["configs"][0]
    assert config["data_files"] == [{"split": "train", "path": "data/train-*"}]
    shards = list((card_path.parent).glob(config["data_files"][0]["path"]))
    assert shards  # the card points at real files
    assert "## Known limits" in card.text
    assert "## Models" in card.text
    assert "| read | ok | failed |" in card.text


def test_card_carries_no_html_from_articles(card_path: Path) -> None:
    text = card_path.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "<img" not in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text  # shown, as text, in "First errors"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a|b", r"a\|b"),
        ("**bold** [link](x)", r"\*\*bold\*\* \[link\](x)"),
        ("two\nlines", "two lines"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
    ],
)
def test_md_escapes_markdown_and_html(text: str, escaped: str) -> None:
    assert md(text) == escaped


def test_md_table_keeps_one_row_per_line() -> None:
    table = md_table(["id", "note"], [["a|b", "x\ny"]])
    assert table.splitlines() == ["| id | note |", "| --- | --- |", r"| a\|b | x y |"]


MODEL = {"name_or_path": "m", "revision": None, "weights_sha256": None, "family": "f"}


def manifest(summarizer: dict[str, Any] | None = None, **langs: dict[str, Any]) -> dict[str, Any]:
    """A manifest where every model named here was loaded (manifest.models describes it)."""
    return {
        "config": {
            "task": "summarize",
            "summarizer": summarizer or {"kind": "extractive", "license": None},
            "translator": None,
            "langs": {code: {"translator": t} for code, t in langs.items()},
        },
        "models": {
            "summarizer": MODEL if summarizer else None,
            "translators": {code: MODEL for code in langs},
        },
    }


@pytest.mark.parametrize(
    ("described", "expected"),
    [
        (manifest(), "other"),  # no model: the articles' own licence applies
        (manifest({"kind": "seq2seq", "license": "apache-2.0"}), "apache-2.0"),
        (manifest(fa={"license": "mit"}, fr={"license": "cc-by-4.0"}), "cc-by-4.0"),
        (manifest(fa={"license": "cc-by-nc-4.0"}, fr={"license": "mit"}), "cc-by-nc-4.0"),
        (
            manifest(
                {"kind": "seq2seq", "license": "cc-by-sa-4.0"}, fa={"license": "cc-by-nc-4.0"}
            ),
            "cc-by-nc-sa-4.0",
        ),
        (manifest({"kind": "seq2seq", "license": None}, fa={"license": "mit"}), "other"),
        (manifest(fa={"license": "some-custom-licence"}), "other"),
    ],
)
def test_derive_license_takes_the_most_restrictive(
    described: dict[str, Any], expected: str
) -> None:
    assert derive_license(described)[0] == expected


def test_translator_override_and_explicit_licences_win() -> None:
    described = manifest(fa={"license": "mit"})
    described["config"]["translator"] = {"name_or_path": "nllb", "license": "cc-by-nc-4.0"}
    assert derive_license(described)[0] == "cc-by-nc-4.0"  # translator=... replaces presets
    described["config"]["export"] = {"license": "cc0-1.0"}
    assert license_and_reason(described, None) == ("cc0-1.0", "config.export.license")
    assert license_and_reason(described, "mit")[0] == "mit"


def test_a_model_that_was_never_loaded_does_not_count() -> None:
    described = manifest(fa={"license": "cc-by-nc-4.0"})
    described["models"]["translators"]["fa"] = None  # fa articles into fa: no translation
    assert derive_license(described)[0] == "other"


# The card's snippet, run from one run folder and then another in the same process and cache.
TWO_RUNS = """
import json, os, sys
seen = {}
for folder in sys.argv[1:]:
    os.chdir(folder)
    SNIPPET
    by_path = load_dataset(os.path.abspath("hf"))["train"]["id"]
    seen[folder] = [list(ds["train"]["id"]), list(by_path), list(df["id"])]
print(json.dumps(seen))
"""


def test_the_cards_snippet_loads_each_runs_own_rows_from_one_cache(tmp_path: Path) -> None:
    """datasets keys a local folder's cache by its name (``hf`` for every run) and the card's
    ``configs``: two runs with the same card shape used to share one cache entry."""
    runs = {}
    for name, ids in (("first", ["a-1", "a-2"]), ("second", ["b-1", "b-2", "b-3"])):
        articles = [{"id": i, "text": f"Report {i} was filed today. It was short."} for i in ids]
        (tmp_path / name).mkdir()
        version = run_articles(tmp_path / name, articles, "summarizer=extractive")
        export_run(version)
        runs[str(version)] = ids
    card = (Path(next(iter(runs))) / "hf" / "README.md").read_text(encoding="utf-8")
    snippet = card.split("## Loading", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    code = TWO_RUNS.replace(
        "    SNIPPET\n", "".join(f"    {line}\n" for line in snippet.splitlines())
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *runs],
        env={**os.environ, "HF_HOME": str(tmp_path / "hf-home"), "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {folder: [ids, ids, ids] for folder, ids in runs.items()}
