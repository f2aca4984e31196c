"""task=translate on a FLORES-style parallel file: translate `source`, score against `reference`."""

import json
from collections.abc import Callable
from pathlib import Path

import sacrebleu
from omegaconf import DictConfig

from summarize.run.local import run


def test_flores_style_file_evaluates_directly(
    make_config: Callable[..., DictConfig],
    tiny_models: dict[str, Path],
    dev_data: Path,
    tmp_path: Path,
) -> None:
    rows = [
        json.loads(line)
        for line in (dev_data / "flores200_devtest_dev.jsonl").read_text("utf-8").splitlines()
    ]
    picked = [r for r in rows if r["tgt_lang"] == "fa"][:12] + [
        r for r in rows if r["tgt_lang"] == "fr"
    ][:3]
    source = tmp_path / "flores.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in picked), "utf-8")
    result = run(
        make_config(
            "task=translate", "source=parallel", f"source.path={source}", "+lang=fa",
            "translator=custom", f"translator.name_or_path={tiny_models['nllb']}",
            "generation.translation.max_new_tokens=48", "generation.translation.min_new_tokens=48",
            "generation.translation.no_repeat_ngram_size=1", "generation.translation.num_beams=1",
        )
    )  # fmt: skip
    records = [
        json.loads(line) for line in (result.path / "records.jsonl").read_text("utf-8").splitlines()
    ]
    assert len(records) == 15
    assert result.failed == 0
    translated = [r for r in records if r["translations"]]
    assert len(translated) == 12  # the fr rows are not asked for: noted, not translated
    assert all(
        "target_lang fr not requested" in r["notes"][0] for r in records if not r["translations"]
    )
    assert all(r["summary"] is None and r["translations"]["fa"]["article"] for r in translated)
    assert all(r["references"]["fa"] for r in translated)

    metrics = json.loads((result.path / "metrics.json").read_text("utf-8"))
    fa = metrics["translation"]["fa"]
    hypotheses = [r["translations"]["fa"]["article"] for r in translated]
    references = [r["references"]["fa"] for r in translated]
    assert (
        abs(fa["corpus"]["chrf"]["score"] - sacrebleu.corpus_chrf(hypotheses, [references]).score)
        < 0.01
    )
    assert (
        abs(fa["corpus"]["bleu"]["score"] - sacrebleu.corpus_bleu(hypotheses, [references]).score)
        < 0.01
    )
    assert fa["corpus"]["bleu"]["signature"].startswith("nrefs:1")
    # Random weights write gibberish in no language: every output is flagged.
    wrong = fa["reference_free"]["wrong_language"]
    assert wrong["of"] > 0
    assert wrong["count"] == wrong["of"]
    assert all(
        r["evaluation"]["translations"]["fa"]["wrong_language"]
        for r in translated
        if r["evaluation"]["translations"]["fa"]["wrong_language"] is not None
    )
