"""ROUGE: the unicode tokenizer per language, the compat traps, Lsum splitting, intervals."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.evaluate import lead_k, make_tokenizer, rouge_pair, score_rouge
from summarize.evaluate.rouge import lsum_text

MI_RAVAND = "می\u200cروند"  # "(they) go", the "mi" prefix joined with ZWNJ


def tokens(text: str, lang: str, mode: str = "unicode", stem: bool = False) -> list[str]:
    return make_tokenizer(mode, lang, stem).tokenize(text)


# --- Persian -------------------------------------------------------------------------------------


def test_identical_persian_scores_100() -> None:
    text = "دانشمندان می‌گویند که این روش جدید نتایج بهتری دارد."
    assert rouge_pair(text, text, lang="fa") == pytest.approx(
        {"rouge1": 100, "rouge2": 100, "rougeL": 100, "rougeLsum": 100}
    )


@pytest.mark.parametrize(
    ("prediction", "reference"),
    [
        ("كتاب علي", "کتاب علی"),  # Arabic kaf/yeh vs Persian kaf/yeh
        ("آنها " + MI_RAVAND, "آنها میروند"),  # ZWNJ vs no space
        ("آنها " + MI_RAVAND, "آنها می روند"),  # ZWNJ vs a space
        ("آنها می روند", "آنها میروند"),  # a space vs no space
        ("سال ۲۰۲۴", "سال 2024"),  # Persian vs Latin digits
        ("سال ٢٠٢٤", "سال ۲۰۲۴"),  # Arabic-Indic vs Persian digits
    ],
)
def test_persian_spelling_variants_score_100_in_unicode_mode(
    prediction: str, reference: str
) -> None:
    scores = rouge_pair(prediction, reference, lang="fa")
    assert scores == pytest.approx({t: 100.0 for t in scores})


def test_zwnj_word_is_one_token() -> None:
    # The "mi" prefix is joined by the Persian normaliser (space or nothing -> ZWNJ), then the ZWNJ
    # is deleted inside the token: all three spellings are the single token "میروند".
    for spelling in (MI_RAVAND, "میروند", "می روند"):
        assert tokens(spelling, "fa") == ["میروند"]


def test_compat_scores_persian_zero_the_documented_trap() -> None:
    text = "دانشمندان می‌گویند که این روش جدید نتایج بهتری دارد."
    assert tokens(text, "fa", mode="compat") == []  # every non-[a-z0-9] character is deleted
    assert rouge_pair(text, text, lang="fa", tokenizer="compat") == {
        "rouge1": 0.0,
        "rouge2": 0.0,
        "rougeL": 0.0,
        "rougeLsum": 0.0,
    }


def test_persian_partial_overlap_matches_a_hand_count() -> None:
    reference = "آن‌ها به مدرسه می‌روند"  # tokens: آنها به مدرسه میروند (4)
    prediction = "به خانه مي روند"  # Arabic yeh, spaced "mi": به خانه میروند (3)
    assert tokens(reference, "fa") == ["آنها", "به", "مدرسه", "میروند"]
    assert tokens(prediction, "fa") == ["به", "خانه", "میروند"]
    scores = rouge_pair(prediction, reference, lang="fa")
    # ROUGE-1: shared {به, میروند} = 2 -> P = 2/3, R = 2/4, F = 2PR/(P+R) = (2/3)/(7/6) = 4/7.
    assert scores["rouge1"] == pytest.approx(100 * 4 / 7)
    # ROUGE-2: prediction bigrams (به خانه), (خانه میروند); none is in the reference -> 0.
    assert scores["rouge2"] == 0.0
    # ROUGE-L: LCS = به ... میروند = 2 -> same P, R as ROUGE-1 -> 4/7.
    assert scores["rougeL"] == pytest.approx(100 * 4 / 7)


# --- French and other scripts ---------------------------------------------------------------------


def test_french_accents_matter_in_unicode_mode_but_compat_deletes_them() -> None:
    accented, plain = "l'été est là", "l'ete est la"
    # unicode: the elision splits off as a bare "l"; été != ete and là != la.
    assert tokens(accented, "fr") == ["l", "été", "est", "là"]
    assert tokens(plain, "fr") == ["l", "ete", "est", "la"]
    # ROUGE-1 shares {l, est}: P = R = 2/4 -> 50.
    assert rouge_pair(accented, plain, lang="fr")["rouge1"] == pytest.approx(50.0)
    # compat does not strip accents, it deletes accented LETTERS: "été" -> "t", "là" -> "l". So
    # it does not equate été and ete (still 50) but collapses unrelated strings onto each other:
    assert tokens(accented, "fr", mode="compat") == ["l", "t", "est", "l"]
    assert rouge_pair(accented, plain, lang="fr", tokenizer="compat")["rouge1"] == pytest.approx(
        50.0
    )
    garbage = "l t est l"
    assert rouge_pair(garbage, accented, lang="fr", tokenizer="compat")["rouge1"] == 100.0
    assert rouge_pair(garbage, accented, lang="fr")["rouge1"] == pytest.approx(50.0)


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_french_elision_splits_off_with_either_apostrophe(apostrophe: str) -> None:
    assert tokens(f"L{apostrophe}été d{apostrophe}Irène", "fr") == ["l", "été", "d", "irène"]


def test_combining_marks_stay_inside_the_word() -> None:
    # Python's \w has no combining marks; without them "हिंदी" would split into letters.
    assert tokens("हिंदी भाषा", "hi") == ["हिंदी", "भाषा"]
    assert tokens("کِتاب", "fa") == ["کِتاب"]


def test_digits_are_kept_and_unified() -> None:
    assert tokens("En 2024, 3,5 %", "fr") == ["en", "2024", "3", "5"]
    assert tokens("٢٠٢٤", "ar") == ["2024"]


# --- stemming ------------------------------------------------------------------------------------


def test_stemmer_defaults_to_english_only() -> None:
    en = score_rouge(["The cats were running"], ["the cat runs"], lang="en", bootstrap=0)
    fa = score_rouge(["کتاب"], ["کتاب"], lang="fa", bootstrap=0)
    assert "|stem:yes|" in en["rouge1"].signature
    assert en["rouge1"].signature.startswith("rouge1|tok:unicode-en|")
    assert fa["rouge1"].signature == (
        "rouge1|tok:unicode-fa|stem:no|lsum-split:sentencex|version:rouge-score-0.1.2"
    )
    # Porter: cats -> cat, running -> run, runs -> run; "the" matches too: P = 3/4, R = 3/3.
    assert en["rouge1"].score == pytest.approx(100 * 2 * 0.75 / 1.75)


def test_stemmer_is_refused_for_non_english_in_unicode_mode() -> None:
    with pytest.warns(UserWarning, match="English-only"):
        result = score_rouge(["les chats"], ["le chat"], lang="fr", stemmer=True, bootstrap=0)
    assert "|stem:no|" in result["rouge1"].signature
    # compat keeps it (only to reproduce old tables); no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compat = score_rouge(
            ["les chats"], ["le chat"], lang="fr", tokenizer="compat", stemmer=True
        )
    assert "|stem:yes|" in compat["rouge1"].signature


def test_unknown_tokenizer_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown ROUGE tokenizer"):
        score_rouge(["a"], ["a"], lang="en", tokenizer="spacy")


# --- Lsum, aggregation, intervals ----------------------------------------------------------------


def test_lsum_splits_sentences_onto_lines() -> None:
    assert lsum_text("The cat sat. The dog\nran away.", "en") == "The cat sat.\nThe dog ran away."
    prediction, reference = "The cat sat. The dog ran.", "The dog ran. The cat sat."
    scores = rouge_pair(prediction, reference, lang="en")
    assert scores["rougeL"] == pytest.approx(50.0)  # one LCS over the text: 3 of 6 tokens
    assert scores["rougeLsum"] == pytest.approx(100.0)  # union LCS per reference sentence


def test_corpus_score_is_mean_of_pairs_with_a_seeded_interval() -> None:
    predictions = ["a b c d", "a b", "x y z", "a b c", "b c d e"]
    references = ["a b c d", "a c", "x y", "d e f", "b c"]
    per_pair = [
        rouge_pair(p, r, lang="en")["rouge1"] for p, r in zip(predictions, references, strict=True)
    ]
    first = score_rouge(predictions, references, lang="en", bootstrap=200, seed=3)
    again = score_rouge(predictions, references, lang="en", bootstrap=200, seed=3)
    r1 = first["rouge1"]
    assert r1.score == pytest.approx(sum(per_pair) / len(per_pair))
    assert r1.ci is not None
    assert r1.ci[0] <= r1.score <= r1.ci[1]
    assert r1.ci == again["rouge1"].ci
    assert r1.as_dict()["precision"] <= 100
    assert score_rouge(predictions, references, lang="en", bootstrap=0)["rouge1"].ci is None


def test_mismatched_lengths_are_an_error() -> None:
    with pytest.raises(ValueError, match="2 predictions but 1 references"):
        score_rouge(["a", "b"], ["a"], lang="en")


def test_lead_k_takes_the_first_sentences() -> None:
    text = "First one here. Second one here. Third one. Fourth one."
    assert lead_k(text, "en", k=2) == "First one here. Second one here."
    assert lead_k(text, "en") == "First one here. Second one here. Third one."
    with pytest.raises(ValueError, match="at least 1"):
        lead_k(text, "en", k=0)


_WORDS = st.sampled_from(["کتاب", "علی", "می\u200cروند", "été", "the", "cats", "2024", "là"])


@settings(max_examples=40, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=8), st.lists(_WORDS, min_size=1, max_size=8))
def test_scores_are_bounded_symmetric_and_100_on_identity(a: list[str], b: list[str]) -> None:
    left, right = " ".join(a), " ".join(b)
    for lang in ("fa", "fr"):
        assert rouge_pair(left, left, lang=lang)["rouge1"] == pytest.approx(100.0)
        forward, backward = rouge_pair(left, right, lang=lang), rouge_pair(right, left, lang=lang)
        assert all(0.0 <= v <= 100.0 for v in forward.values())
        assert forward["rouge1"] == pytest.approx(backward["rouge1"])  # F1 is symmetric
