"""Urdu, added with one file (conf/lang/ur.yaml): every stage that reads text now reads Urdu."""

from __future__ import annotations

from collections.abc import Callable

from omegaconf import DictConfig

from summarize.checks.langid import is_wrong_language
from summarize.checks.numbers import find_numbers, number_values
from summarize.checks.translation import check_translation
from summarize.checks.words import is_stopword, tokens
from summarize.evaluate.tokens import words
from summarize.text.languages import configured_languages, language
from summarize.text.normalise import normalise_text
from summarize.text.sentences import split_sentences

URDU = (
    "کمیٹی نے طویل بحث کے بعد نئے بجٹ کی منظوری دے دی۔ وزیر نے کہا کہ ۱٬۲۰۰ اسکولوں کی مرمت ہوگی۔"
)
ENGLISH = "The committee approved the new budget after a long debate."


def test_urdu_is_a_configured_language(make_config: Callable[..., DictConfig]) -> None:
    assert "ur" in configured_languages()
    urdu = language("ur-PK")
    assert (urdu.name, urdu.script, urdu.direction, urdu.normaliser) == (
        "Urdu",
        "Arab",
        "rtl",
        "arabic",
    )
    assert (urdu.decimal, urdu.group) == (".", ",")  # from Babel: no number symbols in the file
    cfg = make_config("+lang=ur")
    assert cfg.langs.ur.codes.mbart50 == "ur_PK"
    assert cfg.langs.ur.translator.name_or_path == "facebook/mbart-large-50-many-to-many-mmt"


def test_urdu_text_is_normalised_split_and_tokenised() -> None:
    assert normalise_text("بجـــٹ", "ur") == "بجٹ"  # tatweel is typography
    assert split_sentences(URDU, "ur") == [
        "کمیٹی نے طویل بحث کے بعد نئے بجٹ کی منظوری دے دی۔",
        "وزیر نے کہا کہ ۱٬۲۰۰ اسکولوں کی مرمت ہوگی۔",
    ]
    assert "1200" not in words(URDU, "ur")  # "۱٬۲۰۰": two digit runs, in ASCII
    assert {"1", "200"} <= set(words(URDU, "ur"))
    assert is_stopword("کے", "ur")
    assert not is_stopword("بجٹ", "ur")
    assert [t.stop for t in tokens("نئے بجٹ کی", "ur")] == [False, False, True]


def test_urdu_numbers_with_urdu_scales() -> None:
    found = find_numbers("حکومت نے ۵ لاکھ روپے اور ۱٬۲۰۰ ڈالر دیے، تین سو افراد", "ur")
    assert [n.text for n in found] == ["۵ لاکھ", "۱٬۲۰۰", "تین سو"]
    assert number_values(found) >= {"500000", "1200", "300"}
    assert number_values(find_numbers("1,200 and 2.5", "ur")) == {
        "1200",
        "2.5",
    }  # CLDR: "." decimal


def test_urdu_translations_are_checked() -> None:
    source = "The council will repair 1,200 schools."
    good = "کونسل ۱٬۲۰۰ اسکولوں کی مرمت کرے گی۔"
    assert "numbers" not in check_translation(good, source, "en", "ur")["flags"]
    wrong = good.replace("۱٬۲۰۰", "۱٬۳۰۰")
    assert "numbers" in check_translation(wrong, source, "en", "ur")["flags"]
    assert is_wrong_language(ENGLISH, "ur")  # the script check: Urdu is written in Arabic script
    assert not is_wrong_language(URDU, "ur")
