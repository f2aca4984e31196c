"""Faithfulness: support from the source, unsupported spans with offsets, en/fr/fa."""

from __future__ import annotations

from typing import Any

from summarize.checks.faithfulness import THRESHOLD, index_source, score_summary
from summarize.checks.rarity import has_frequencies, rarity

SOURCE_EN = (
    "The city council of Leeds approved a new budget on Monday. "
    "Mayor Anne Walker said 15 schools would get new roofs. "
    "Opposition leader Tom Price called the plan too expensive. "
    "Work on the schools starts in May."
)
SOURCE_FR = (
    "Le conseil municipal de Lyon a adopté lundi un nouveau budget. "
    "La maire Anne Walker a annoncé une hausse de 3,5 % des dépenses scolaires. "
    "L'opposition juge le plan trop coûteux."
)
SOURCE_FA = (
    "شورای شهر تهران روز دوشنبه بودجه جدید را تصویب کرد. "
    "شهردار گفت ۱۵ مدرسه سقف نو می‌گیرند. "
    "مخالفان این طرح را پرهزینه دانستند."
)


def spans(result: dict[str, Any], summary: str) -> list[tuple[str, str]]:
    for span in result["unsupported"]:
        assert summary[span["start"] : span["end"]] == span["text"]
    return [(s["text"], s["kind"]) for s in result["unsupported"]]


def test_a_copied_sentence_is_fully_supported() -> None:
    summary = "Mayor Anne Walker said 15 schools would get new roofs."
    result = score_summary(summary, SOURCE_EN, "en")
    assert result["support"] == 1.0
    assert result["flag"] is False
    assert result["unsupported"] == []
    (sentence,) = result["sentences"]
    best = result["sentences"][0]["source"][0]
    assert SOURCE_EN[best[0] : best[1]].strip() == summary
    assert (sentence["start"], sentence["end"]) == (0, len(summary))


def test_an_invented_name_lowers_support_and_is_an_unsupported_span() -> None:
    faithful = "Mayor Anne Walker said 15 schools would get new roofs."
    invented = "Mayor Anne Walker and Governor Hughes said 15 schools would get new roofs."
    before = score_summary(faithful, SOURCE_EN, "en")["support"]
    result = score_summary(invented, SOURCE_EN, "en")
    assert result["support"] < before
    start = invented.index("Governor")
    assert result["unsupported"] == [
        {
            "start": start,
            "end": start + len("Governor Hughes"),
            "text": "Governor Hughes",
            "kind": "entity",
        }
    ]


def test_a_changed_number_is_an_unsupported_number() -> None:
    summary = "Mayor Anne Walker said 12 schools would get new roofs."
    result = score_summary(summary, SOURCE_EN, "en")
    assert spans(result, summary) == [("12", "number")]
    assert result["support"] < 1.0


def test_words_from_unrelated_sentences_are_less_supported_than_a_copy() -> None:
    # Every word is in the source, but "Tom Price" never approved a budget and the roofs are the
    # mayor's: the fused sentence pairs words that no source sentence has together.
    copied = "The city council of Leeds approved a new budget on Monday."
    fused = "Tom Price approved new roofs for Leeds in May."
    assert (
        score_summary(fused, SOURCE_EN, "en")["support"]
        < score_summary(copied, SOURCE_EN, "en")["support"]
    )
    assert score_summary(fused, SOURCE_EN, "en")["unsupported"] == []


def test_a_name_repeated_more_often_than_the_source_has_it() -> None:
    summary = "Tom Price called Tom Price's plan too expensive."
    assert spans(score_summary(summary, SOURCE_EN, "en"), summary) == [("Tom Price", "entity")]


def test_french_numbers_and_words() -> None:
    supported = "La maire a annoncé une hausse de 3,5 % des dépenses scolaires."
    assert score_summary(supported, SOURCE_FR, "fr")["unsupported"] == []
    changed = "La maire a annoncé une hausse de 4,5 % des dépenses scolaires à Marseille."
    result = score_summary(changed, SOURCE_FR, "fr")
    assert spans(result, changed) == [("4,5", "number"), ("Marseille", "entity")]


def test_persian_digits_match_ascii_digits_and_invented_words_do_not() -> None:
    assert (
        score_summary("شهردار گفت 15 مدرسه سقف نو می‌گیرند.", SOURCE_FA, "fa")["unsupported"] == []
    )
    summary = "شهردار گفت ۲۰ مدرسه در اصفهان سقف نو می‌گیرند."
    result = score_summary(summary, SOURCE_FA, "fa")
    assert ("۲۰", "number") in spans(result, summary)
    assert ("اصفهان", "word") in spans(result, summary)  # no letter case in Persian: a word
    assert result["support"] < 1.0


def test_one_index_serves_several_summaries() -> None:
    index = index_source(SOURCE_EN, "en")
    summary = "Work on the schools starts in May."
    assert score_summary(summary, index, "en") == score_summary(summary, SOURCE_EN, "en")


def test_empty_and_unsupported_summaries_are_flagged() -> None:
    empty = score_summary("", SOURCE_EN, "en")
    assert (empty["support"], empty["flag"], empty["sentences"]) == (0.0, True, [])
    # undecodable bytes (a byte-level model's garbage) are no content either
    garbage = score_summary("\ufffd\ufffd\ufffd \ufffd.", SOURCE_EN, "en")
    assert (garbage["support"], garbage["flag"]) == (0.0, True)
    made_up = score_summary("Volcanic ash grounded flights across Iceland.", SOURCE_EN, "en")
    assert made_up["support"] < THRESHOLD
    assert made_up["flag"] is True


def test_a_missing_rare_word_costs_more_than_a_missing_common_word() -> None:
    # "big" is a paraphrase-like addition people accept; "thatched" is a made-up detail.
    common = "Mayor Anne Walker said 15 schools would get big new roofs."
    rare = "Mayor Anne Walker said 15 schools would get thatched new roofs."
    supported = score_summary(
        "Mayor Anne Walker said 15 schools would get new roofs.", SOURCE_EN, "en"
    )
    with_common, with_rare = (
        score_summary(common, SOURCE_EN, "en"),
        score_summary(rare, SOURCE_EN, "en"),
    )
    assert supported["support"] > with_common["support"] > with_rare["support"]
    # both are still reported as unsupported words
    assert spans(with_common, common) == [("big", "word")]
    assert spans(with_rare, rare) == [("thatched", "word")]


def test_a_made_up_name_weighs_fully_however_common_the_name() -> None:
    # "Young" is a common English word; as a name inside a cased sentence it counts as much as an
    # unknown one. In lower-cased output names cannot be told apart, so it weighs as the word.
    assert rarity("Young", "en") < 0.5
    assert rarity("Zqvist", "en") == 1.0
    common, unknown = (
        f"Mayor Anne Walker and Mark {name} said 15 schools would get new roofs."
        for name in ("Young", "Zqvist")
    )
    assert (
        score_summary(common, SOURCE_EN, "en")["support"]
        == (score_summary(unknown, SOURCE_EN, "en")["support"])
    )
    assert (
        score_summary(common.lower(), SOURCE_EN, "en")["support"]
        > (score_summary(unknown.lower(), SOURCE_EN, "en")["support"])
    )


def test_languages_without_a_frequency_list_weigh_every_word_alike() -> None:
    # Swahili has no wordfreq list: no fallback to the "nearest" (English) list, plain support.
    assert not has_frequencies("sw")
    assert all(has_frequencies(lang) for lang in ("fa-IR", "fr", "en"))
    assert rarity("big", "sw") == rarity("thatched", "sw") == rarity("big", None) == 1.0
    common = "Mayor Anne Walker said 15 schools would get big new roofs."
    rare = "Mayor Anne Walker said 15 schools would get thatched new roofs."
    assert (
        score_summary(common, SOURCE_EN, "sw")["support"]
        == (score_summary(rare, SOURCE_EN, "sw")["support"])
    )
    assert score_summary(common, SOURCE_EN, "sw")["support"] < 1.0


def test_french_and_persian_words_are_weighed_in_their_own_language() -> None:
    assert rarity("conseil", "fr") < rarity("chaume", "fr") <= 1.0
    # Arabic kaf and yeh are read as Persian ones before the lookup, as the word keys do.
    assert rarity("كتاب", "fa") == rarity("کتاب", "fa") < 0.5
    assert rarity("شهردار", "fa") < 1.0
