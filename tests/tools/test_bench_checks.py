"""The checks benchmarks find their data through --data and print their tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from summarize.checks.faithfulness import THRESHOLD
from summarize.tools.bench import frank, translation

ARTICLE = (
    "The council of {town} approved a budget of {n} dollars on Monday. "
    "The mayor said the money would repair {k} schools. Critics called the plan too expensive."
)


def frank_rows() -> list[dict[str, object]]:
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
    return rows


def write_frank(folder: Path, rows: list[dict[str, object]]) -> None:
    (folder / "frank_dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def test_frank_table_from_the_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_frank(tmp_path, frank_rows())
    argv = ["--data", str(tmp_path), "--deals", "3", "--out", str(tmp_path / "frank.json")]
    report = frank.main(argv)
    assert len(report["folds"]) == 5
    for deals in report["other_deals"].values():  # the whole cross-validation on 3 other deals
        assert len(deals["ours"]) == len(deals["best_published"]) == 3
        assert min(deals["ours"]) > 0.9
    for subset, figures in report["subsets"].items():
        # copies vs made-up sentences: the scorer must separate them on every held-out fold
        assert figures["ours"]["min"] > 0.9, subset
        assert figures["best_published"]["name"] == "Metric A"  # A follows people, B does not
        assert set(figures["means"]) == {"ours", "Metric A", "Metric B"}
    out = capsys.readouterr().out
    assert out.count("constants chosen on the other folds") == 2
    for stat in ("mean", "sd", "min", "max"):
        assert f"\n{stat} " in out
    written = json.loads((tmp_path / "frank.json").read_text())
    assert written["shipped"]["threshold"] == THRESHOLD


def test_frank_folds_keep_articles_apart_and_never_see_the_held_out_fold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = frank_rows()
    fold = frank.fold_of_rows(rows, 5)
    for deal in (fold, frank.fold_of_rows(rows, 5, deal=1)):
        by_article: dict[object, set[int]] = {}
        for row, k in zip(rows, deal, strict=True):
            by_article.setdefault(row["article_id"], set()).add(int(k))
        assert all(len(ks) == 1 for ks in by_article.values())  # an article is on one side only
        for subset in frank.SUBSETS:
            in_subset = {int(k) for r, k in zip(rows, deal, strict=True) if r["dataset"] == subset}
            assert in_subset == set(range(5))
    assert list(frank.fold_of_rows(rows, 5, deal=1)) != list(fold)  # another deal, other folds
    # Every constant of fold k (the grid point, the threshold) is chosen on rows outside fold k.
    chosen_on: list[set[int]] = []
    threshold_on: list[int] = []
    choose, best_threshold = frank.choose, frank.best_threshold

    def spy_choose(
        scores: dict[frank.Params, np.ndarray], rows: list[dict[str, object]], ids: np.ndarray
    ) -> frank.Params:
        chosen_on.append({int(i) for i in ids})
        return choose(scores, rows, ids)

    def spy_threshold(scores: np.ndarray, bad: np.ndarray) -> float:
        threshold_on.append(len(scores))
        return best_threshold(scores, bad)

    monkeypatch.setattr(frank, "choose", spy_choose)
    monkeypatch.setattr(frank, "best_threshold", spy_threshold)
    write_frank(tmp_path, rows)
    frank.main(["--data", str(tmp_path), "--deals", "0"])
    for k in range(5):
        held_out = {i for i, f in enumerate(fold) if f == k}
        assert chosen_on[k] == set(range(len(rows))) - held_out
        assert threshold_on[k] == len(rows) - len(held_out)
    assert chosen_on[5] == set(range(len(rows)))  # then once on everything: what ships


def test_frank_smoke_on_real_rows(dev_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # tests/fixtures/data/frank_dev.jsonl: five CNN/DM and five XSum articles of FRANK dev with
    # every system's summary, human judgements and the published metrics' values.
    report = frank.main(["--data", str(dev_data), "--deals", "2"])
    assert len(report["folds"]) == 5
    for fold in report["folds"]:
        assert tuple(fold["params"]) in frank.GRID
        assert fold["rows"] == {"cnndm": 5, "xsum": 4}  # one article per fold and subset
    for figures in report["subsets"].values():
        assert -1.0 <= figures["ours"]["min"] <= figures["ours"]["mean"] <= figures["ours"]["max"]
    assert "xsum: Pearson r with people on each held-out fold" in capsys.readouterr().out


def test_frank_needs_as_many_articles_as_folds(tmp_path: Path) -> None:
    write_frank(tmp_path, frank_rows())
    with pytest.raises(SystemExit, match="fewer than --folds 9"):
        frank.main(["--data", str(tmp_path), "--folds", "9"])


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
