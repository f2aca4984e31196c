"""The checks benchmarks find their data through --data and print their tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.tools.bench import frank, translation

ARTICLE = (
    "The council of {town} approved a budget of {n} dollars on Monday. "
    "The mayor said the money would repair {k} schools. Critics called the plan too expensive."
)


def write_frank(folder: Path) -> None:
    rows = []
    for subset in frank.SUBSETS:
        for a in range(8):
            text = ARTICLE.format(town=f"Town{a}", n=1000 + a, k=3 + a)
            summaries = {
                "copy": (f"The council of Town{a} approved a budget of {1000 + a} dollars.", 1.0),
                "made_up": (f"The governor of Vale{a} cut {7 + a} bridges in May.", 0.0),
                "half": (f"The mayor said {3 + a} schools in Vale{a} close.", 0.5),
            }
            for system, (summary, human) in summaries.items():
                rows.append(
                    {
                        "id": f"{subset}-{a}-{system}",
                        "dataset": subset,
                        "article_id": f"{subset}{a}",
                        "system": system,
                        "lang": "en",
                        "text": text,
                        "summary": summary,
                        "human_factuality": human,
                        "published_metrics": {"Metric A": human / 2 + (a % 3) / 10, "Metric B": a},
                    }
                )
    (folder / "frank_dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def test_frank_table_from_the_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_frank(tmp_path)
    report = frank.main(["--data", str(tmp_path), "--out", str(tmp_path / "frank.json")])
    assert set(report["full"]) == set(frank.SUBSETS)
    for table in report["full"].values():
        assert set(table) == {"ours", "Metric A", "Metric B"}
        assert table["ours"] > 0.9  # copies vs made-up sentences: the scorer must separate them
    assert len(report["folds"]) == 2
    assert "ours" in capsys.readouterr().out
    assert json.loads((tmp_path / "frank.json").read_text())["threshold"]["shipped"] == 0.88


def test_missing_data_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="frank_dev.jsonl"):
        frank.main(["--data", str(tmp_path)])
    with pytest.raises(SystemExit, match="--data"):
        translation.main(["--data", str(tmp_path)])


def test_translation_rates_from_the_data_folder(tmp_path: Path) -> None:
    rows = [
        {
            "source": "The budget is 1,000 dollars for the new roads.",
            "src_lang": "en",
            "tgt_lang": "fr",
            "reference": "Le budget est de 1 000 dollars pour les routes neuves.",
        },
        {
            "source": "She has 3 cats and 2 dogs at home.",
            "src_lang": "en",
            "tgt_lang": "fr",
            "reference": "Elle a 3 chats et 5 chiens à la maison.",
        },  # a wrong number
    ]
    (tmp_path / "tatoeba_enfr_dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    report = translation.main(["--data", str(tmp_path)])
    assert report["tatoeba_enfr"]["false_flags"]["numbers"] == 0.5
    assert report["tatoeba_enfr"]["changed_number"] == {"references": 2, "flagged": 1.0}


def test_number_check_smoke_on_the_committed_slices(dev_data: Path) -> None:
    """Smoke size of the number-check benchmark: both rates on every set, and the news set."""
    report = translation.main(["--data", str(dev_data)])
    news = report[translation.NEWS]
    assert news["pairs"] == sum(len(rows) for rows in _digit_rows(dev_data).values()) > 10
    for name, figures in report.items():
        assert figures["false_flags"]["numbers"] <= 0.02, name
        if figures["changed_number"]["references"]:
            assert figures["changed_number"]["flagged"] >= 0.99, name


def _digit_rows(folder: Path) -> dict[str, list[dict[str, str]]]:
    sets = {}
    for file in translation.SETS.values():
        if (folder / file).is_file():
            rows = [json.loads(line) for line in (folder / file).read_text("utf-8").splitlines()]
            sets[file] = [r for r in rows if any(c.isdigit() for c in r["source"] + r["reference"])]
    return sets
