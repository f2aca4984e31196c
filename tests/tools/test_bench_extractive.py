"""The extractive ROUGE benchmark scores sets the way a run scores its Lead-3 baseline."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean

import pytest

from summarize.evaluate.baseline import lead_k
from summarize.evaluate.rouge import rouge_pair
from summarize.text.normalise import normalise_text
from summarize.tools.bench.extractive import SYSTEMS, main

ROWS = [
    {
        "text": f"Story {i} opens with the main fact about item {i}. A second sentence adds detail. "
        f"'We are pleased. It went well,' a spokesman said. Background follows here.",
        "reference": f"Main fact about item {i}. Detail added.",
    }
    for i in range(6)
] + [
    {
        "lang": "fr",
        "text": "Le maire a parlé. « Nous sommes prêts. Le budget est voté. » La séance est levée.",
        "reference": "Le maire est prêt.",
    }
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "news.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8"
    )
    return tmp_path


def test_table_has_every_system_and_lead3_matches_the_runs_baseline(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = main(["--data", str(data), "--sets", "news.jsonl", "absent.jsonl", "--select"])
    assert report["skipped"] == [str(data / "absent.jsonl")]
    (result,) = report["sets"]
    assert result["articles"] == len(ROWS)
    assert set(result["systems"]) == set(SYSTEMS)
    # Mixed languages: only the unicode tokenizer (compat would delete French accents).
    assert all("compat" not in entry for entry in result["systems"].values())
    expected = mean(
        rouge_pair(
            lead_k(normalise_text(r["text"], r.get("lang", "en")), r.get("lang", "en"), 3),
            r["reference"],
            lang=r.get("lang", "en"),
        )["rouge1"]
        for r in ROWS
    )
    assert result["systems"]["lead-3"]["unicode"]["all"]["rouge1"] == round(expected, 2)
    assert len(report["select"]["news.jsonl"]) == 2
    printed = capsys.readouterr().out
    assert "lead_words" in printed
    assert "absent.jsonl: not there, skipped" in printed


def test_english_sets_also_get_the_compat_tokenizer(data: Path, tmp_path: Path) -> None:
    english = [r for r in ROWS if "lang" not in r]
    (data / "en.jsonl").write_text("".join(json.dumps(r) + "\n" for r in english), "utf-8")
    out = tmp_path / "report.json"
    main(["--data", str(data), "--sets", "en.jsonl", "--json", str(out)])
    written = json.loads(out.read_text("utf-8"))
    for entry in written["sets"][0]["systems"].values():
        assert set(entry) == {"words", "unicode", "compat"}
        assert set(entry["compat"]) == {"all", "half 1", "half 2"}
