"""The scorer CLI: acceptance numbers, joining on id, clear exit-2 errors, atomic output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sacrebleu

from summarize.tools.score import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any] | None, str]:
    """Exit status, the JSON of the last stdout line (None on error), and stderr."""
    status = main(list(args))
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    return status, (json.loads(lines[-1]) if status == 0 else None), err


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> str:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return str(path)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    preds = write_jsonl(
        tmp_path / "pred.jsonl",
        [
            {"id": "a", "prediction": "The cat sat on the mat."},
            {"id": "b", "prediction": "A dog barked loudly at night."},
            {"id": "only-pred", "prediction": "Nobody reads this."},
        ],
    )
    refs = write_jsonl(
        tmp_path / "ref.jsonl",
        [
            {
                "id": "b",
                "reference": "The dog barked at night.",
                "text": "A dog barked. It was night. Birds slept. Fin.",
            },
            {
                "id": "a",
                "reference": "A cat sat on a mat.",
                "text": "The cat sat on the mat. It purred. Then it slept. End.",
            },
            {"id": "only-ref", "reference": "Missing prediction.", "text": "x"},
        ],
    )
    return preds, refs


def test_acceptance_published_bart_large_cnn_rouge(capsys: pytest.CaptureFixture[str]) -> None:
    frank = DATA / "cnndm_frank_dev.jsonl"
    if not frank.exists():
        pytest.skip(f"{frank} not found (../shared/data next to the repository)")
    status, result, _ = run(
        capsys,
        f"predictions={frank}",
        "prediction_field=published_output_bart_large_cnn",
        f"references={frank}",
        "task=summarization",
        "lang=en",
        "rouge.tokenizer=compat",
        "rouge.stemmer=true",
    )
    assert status == 0
    assert result is not None
    assert result["n"] == 100
    metrics = result["metrics"]
    # rouge-score's default tokenizer + Porter, mean of per-pair F1; PTB spacing (" .") in the
    # references does not matter because the tokenizer drops punctuation.
    assert metrics["rouge1"]["score"] == pytest.approx(46.45, abs=0.05)
    assert metrics["rouge2"]["score"] == pytest.approx(23.02, abs=0.05)
    assert metrics["rougeL"]["score"] == pytest.approx(33.78, abs=0.05)
    assert metrics["rouge1"]["signature"] == (
        "rouge1|tok:compat-en|stem:yes|lsum-split:sentencex|version:rouge-score-0.1.2"
    )


def test_join_reports_unmatched_ids(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str]
) -> None:
    preds, refs = pair
    status, result, err = run(capsys, f"predictions={preds}", f"references={refs}", "bootstrap=50")
    assert status == 0
    assert result is not None
    assert result["n"] == 2
    assert result["unmatched"] == {
        "only_in_predictions": {"count": 1, "first": ["only-pred"]},
        "only_in_references": {"count": 1, "first": ["only-ref"]},
    }
    assert "warning: 1 ids only in" in err
    assert set(result["metrics"]) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    assert "lead3" not in result
    assert "stats" not in result


def test_source_field_adds_lead3_and_stats(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str]
) -> None:
    preds, refs = pair
    status, result, _ = run(
        capsys, f"predictions={preds}", f"references={refs}", "source_field=text", "bootstrap=0"
    )
    assert status == 0
    assert result is not None
    assert result["lead3"]["rouge1"]["n"] == 2
    assert result["stats"]["records"] == 2
    assert result["stats"]["coverage"]["n"] == 2


def test_translation_equals_sacrebleu(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    refs = ["Le chat est assis sur le tapis rouge.", "Il pleut beaucoup à Paris aujourd'hui."]
    hyps = ["Le chat s'assied sur le tapis.", "Il pleut à Paris aujourd'hui."]
    rows = [
        {"id": i, "prediction": h, "reference": r}
        for i, (h, r) in enumerate(zip(hyps, refs, strict=True))
    ]
    both = write_jsonl(tmp_path / "both.jsonl", rows)  # one file holds both fields
    status, result, _ = run(
        capsys, f"predictions={both}", "task=translation", "lang=fr", "bootstrap=20"
    )
    assert status == 0
    assert result is not None
    assert set(result["metrics"]) == {"bleu", "chrf", "chrf++"}
    assert result["metrics"]["bleu"]["score"] == pytest.approx(
        sacrebleu.corpus_bleu(hyps, [refs]).score, abs=0.01
    )
    assert result["metrics"]["chrf"]["score"] == pytest.approx(
        sacrebleu.corpus_chrf(hyps, [refs]).score, abs=0.01
    )
    assert result["wrong_language"]["count"] == 0


def test_out_is_written_atomically(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str], tmp_path: Path
) -> None:
    preds, refs = pair
    out = tmp_path / "scores" / "rouge.json"
    status = main([f"predictions={preds}", f"references={refs}", f"out={out}", "bootstrap=0"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert status == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(last)
    assert [p.name for p in out.parent.iterdir()] == ["rouge.json"]  # no temp file left behind


def test_duplicate_ids_are_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dup = write_jsonl(
        tmp_path / "dup.jsonl", [{"id": 1, "prediction": "a"}, {"id": 1, "prediction": "b"}]
    )
    status, _, err = run(capsys, f"predictions={dup}", "reference_field=prediction")
    assert status == 2
    assert f"{dup}:2: duplicate id 1 (first on line 1)" in err


def test_composite_id_fields(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = [
        {"id": 1, "tgt": "fr", "prediction": "le chat", "reference": "le chat"},
        {"id": 1, "tgt": "de", "prediction": "die Katze", "reference": "die Katze"},
    ]
    both = write_jsonl(tmp_path / "both.jsonl", rows)
    status, result, _ = run(
        capsys, f"predictions={both}", "id_field=id,tgt", "bootstrap=0", "langid=false"
    )
    assert status == 0
    assert result is not None
    assert result["n"] == 2


def test_missing_file_is_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.jsonl"
    status, _, err = run(capsys, f"predictions={missing}")
    assert status == 2
    assert err.strip() == f"error: cannot read {missing}: No such file or directory"


def test_missing_field_names_file_and_field(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str]
) -> None:
    preds, refs = pair
    status, _, err = run(
        capsys, f"predictions={preds}", f"references={refs}", "prediction_field=summary"
    )
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert preds in err
    assert "'summary'" in err
    assert "prediction_field=" in err


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("task=qa", "task='qa': choose one of summarization, translation"),
        ("rouge.tokenizer=spacy", "choose one of compat, unicode"),
        ("rouge.colour=red", "Key 'colour' not in 'RougeOptions'"),
        ("bootstrap=many", "could not be converted to Integer"),
        ("lead3", "expected key=value"),
    ],
)
def test_bad_arguments_are_exit_2(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str], arg: str, message: str
) -> None:
    status, _, err = run(capsys, f"predictions={pair[0]}", f"references={pair[1]}", arg)
    assert status == 2
    assert message in err


def test_unavailable_bleu_tokenizer_is_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sacrebleu.tokenizers import tokenizer_spm

    def offline(*args: object, **kwargs: object) -> None:
        raise OSError("no network")

    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(tmp_path))
    monkeypatch.setattr(tokenizer_spm, "download_file", offline)
    both = write_jsonl(tmp_path / "b.jsonl", [{"id": 1, "prediction": "a", "reference": "a"}])
    status, _, err = run(
        capsys, f"predictions={both}", "task=translation", "bleu.tokenize=flores200"
    )
    assert status == 2
    assert "bleu.tokenize=13a" in err


def test_values_stay_strings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # YAML would read "no" (Norwegian) as false; the CLI keeps values as strings for str fields.
    both = write_jsonl(
        tmp_path / "b.jsonl", [{"id": 1, "prediction": "hei verden", "reference": "hei"}]
    )
    status, result, _ = run(
        capsys, f"predictions={both}", "lang=no", "bootstrap=0", "rouge.stemmer=null"
    )
    assert status == 0
    assert result is not None
    assert result["lang"] == "no"


def test_help_and_no_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "usage: python -m summarize.tools.score" in capsys.readouterr().out
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().out


def test_module_entry_point_prints_usage() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "summarize.tools.score", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert "rouge.tokenizer=unicode" in done.stdout


def test_reference_free_faithfulness_per_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = (
        "The council approved a budget of 1,200 euros for the school on Monday. "
        "The mayor, Anne Roy, said the work starts in May."
    )
    preds = write_jsonl(
        tmp_path / "pred.jsonl",
        [
            {
                "id": "faithful",
                "summary": "The council approved a budget of 1,200 euros.",
                "text": source,
            },
            {
                "id": "number",
                "summary": "The council approved a budget of 9,500 euros.",
                "text": source,
            },
            {
                "id": "name",
                "summary": "The mayor, Paul Durand, said the work starts.",
                "text": source,
            },
        ],
    )
    rows = tmp_path / "rows.jsonl"
    status, result, _ = run(
        capsys,
        f"predictions={preds}",
        "prediction_field=summary",
        "source_field=text",
        "references=null",
        f"per_row={rows}",
        "bootstrap=0",
    )
    assert status == 0
    assert result is not None
    assert result["references"] is None
    assert result["metrics"] == {}
    per_row = {r["id"]: r["faithfulness"] for r in map(json.loads, rows.read_text().splitlines())}
    assert set(per_row) == {"faithful", "number", "name"}
    assert per_row["faithful"]["support"] == 1.0
    assert not per_row["faithful"]["flag"]
    assert per_row["number"]["flag"]
    assert [s["text"] for s in per_row["number"]["unsupported"]] == ["9,500"]
    assert [(s["text"], s["kind"]) for s in per_row["name"]["unsupported"]] == [
        ("Paul Durand", "entity")
    ]
    assert result["faithfulness"]["flagged"]["count"] == 2


def test_reference_free_translation_checks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    preds = write_jsonl(
        tmp_path / "pred.jsonl",
        [
            {
                "id": "ok",
                "source": "The bridge, built in 1932, is 1,000 metres long.",
                "prediction": "Le pont, construit en 1932, mesure 1 000 mètres de long.",
            },
            {
                "id": "changed",
                "source": "The bridge, built in 1932, is 1,000 metres long.",
                "prediction": "Le pont, construit en 1923, mesure 1 000 mètres de long.",
            },
        ],
    )
    rows = tmp_path / "rows.jsonl"
    status, result, _ = run(
        capsys,
        f"predictions={preds}",
        "task=translation",
        "lang=fr",
        "source_field=source",
        f"per_row={rows}",
        "bootstrap=0",
    )
    assert status == 0
    assert result is not None
    checks = {r["id"]: r["checks"] for r in map(json.loads, rows.read_text().splitlines())}
    assert checks["ok"]["flags"] == []
    assert checks["changed"]["flags"] == ["numbers"]
    assert result["checks"]["numbers"]["count"] == 1


def test_no_references_and_no_source_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    preds = write_jsonl(tmp_path / "pred.jsonl", [{"id": "a", "prediction": "x"}])
    status, _, err = run(capsys, f"predictions={preds}")
    assert status == 2
    assert "source_field" in err


@pytest.mark.parametrize(
    ("bad", "kind"),
    [
        (b"\x00\x00\x00\n", "NUL bytes"),
        (b'{"id": "c", "prediction": "\xff"}\n', "not UTF-8"),
        (b'{"id": "c", "predic\n', "damaged line (not JSON: Unterminated string"),
    ],
)
def test_a_damaged_line_is_exit_2_naming_file_and_line(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str], bad: bytes, kind: str
) -> None:
    preds = Path(pair[0])
    preds.write_bytes(preds.read_bytes() + bad)
    status, _, err = run(capsys, f"predictions={preds}", f"references={pair[1]}")
    assert status == 2
    assert err.startswith(f"error: {preds}:4: {kind}")
    assert err.count("\n") == 1
