"""BLEU / chrF / chrF++ must be sacrebleu's own corpus scores; offline tokenizer failures are clear."""

from __future__ import annotations

import json
import urllib.error
from pathlib import Path

import pytest
import sacrebleu
from sacrebleu.tokenizers import tokenizer_spm

from summarize.evaluate import TokenizerUnavailableError, chrf_pair, score_bleu, score_translation

FLORES = Path(__file__).resolve().parents[1] / "fixtures" / "data" / "flores200_devtest_dev.jsonl"


def perturb(text: str, k: int) -> str:
    """A plausible system output: drop every 4th word and swap a pair of neighbours."""
    words = [w for i, w in enumerate(text.split()) if i % 4 != (k % 4)]
    if len(words) > 3:
        words[1], words[2] = words[2], words[1]
    return " ".join(words)


@pytest.fixture(scope="module")
def flores_pairs() -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in FLORES.read_text(encoding="utf-8").splitlines()]
    # 25 French and 25 Persian targets.
    chosen = [r for r in rows if r["tgt_lang"] == "fr"][:25] + [
        r for r in rows if r["tgt_lang"] == "fa"
    ][:25]
    references = [r["reference"] for r in chosen]
    return [perturb(ref, i) for i, ref in enumerate(references)], references


@pytest.mark.parametrize("tokenize", ["13a", "intl"])
def test_scores_equal_sacrebleu_corpus_score(
    flores_pairs: tuple[list[str], list[str]], tokenize: str
) -> None:
    hyps, refs = flores_pairs
    ours = score_translation(hyps, refs, tokenize=tokenize, bootstrap=100)
    bleu = sacrebleu.metrics.BLEU(tokenize=tokenize)
    expected_bleu = bleu.corpus_score(hyps, [refs])
    assert ours["bleu"].score == pytest.approx(expected_bleu.score, abs=0.01)
    assert ours["bleu"].signature == str(bleu.get_signature())
    assert f"tok:{tokenize}" in ours["bleu"].signature
    assert ours["bleu"].details["bp"] == pytest.approx(expected_bleu.bp)
    chrf = sacrebleu.corpus_chrf(hyps, [refs])
    chrfpp = sacrebleu.corpus_chrf(hyps, [refs], word_order=2)
    assert ours["chrf"].score == pytest.approx(chrf.score, abs=0.01)
    assert ours["chrf++"].score == pytest.approx(chrfpp.score, abs=0.01)
    assert "nw:2" in ours["chrf++"].signature
    for result in ours.values():
        assert result.n == 50
        assert result.ci is not None
        assert result.ci[0] <= result.score <= result.ci[1]


def test_sentence_chrf_matches_sacrebleu() -> None:
    hyp, ref = "Le chat est assis sur le tapis.", "Le chat s'est assis sur le tapis."
    assert chrf_pair(hyp, ref) == pytest.approx(sacrebleu.sentence_chrf(hyp, [ref]).score)
    assert chrf_pair(hyp, ref, word_order=2) == pytest.approx(
        sacrebleu.sentence_chrf(hyp, [ref], word_order=2).score
    )
    assert chrf_pair(ref, ref) == pytest.approx(100.0)


def test_download_tokenizer_offline_is_a_clear_value_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # No model cached and no network, without touching the network: the model path is empty and
    # the download fails the way urllib does offline.
    def offline(url: str, dest: str, *args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(tmp_path))
    monkeypatch.setattr(tokenizer_spm, "download_file", offline)
    with pytest.raises(TokenizerUnavailableError, match="flores200") as info:
        score_bleu(["a b c"], ["a b c"], tokenize="flores200")
    assert isinstance(info.value, ValueError)
    assert "13a" in str(info.value)
    assert "intl" in str(info.value)


def test_unknown_tokenizer_names_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown BLEU tokenizer 'moses'.*13a"):
        score_bleu(["a"], ["a"], tokenize="moses")


def test_empty_or_mismatched_input_is_an_error() -> None:
    with pytest.raises(ValueError, match="no prediction"):
        score_translation([], [])
    with pytest.raises(ValueError, match="1 predictions but 2 references"):
        score_translation(["a"], ["a", "b"])
