"""Language codes, and the normaliser and splitter each conf/lang/<code>.yaml names."""

import pytest

from summarize.config import load_lang_config
from summarize.text.languages import base_language, is_language_code, text_settings
from summarize.text.normalise import normalise_text


@pytest.mark.parametrize(
    ("given", "base"), [("fa-IR", "fa"), ("fa_IR", "fa"), ("FA", "fa"), (None, ""), (" fr ", "fr")]
)
def test_base_language(given: str | None, base: str) -> None:
    assert base_language(given) == base


def test_the_language_config_names_the_normaliser() -> None:
    assert text_settings("fa").normaliser == "persian"
    assert text_settings("FA").normaliser == "persian"  # upper case keeps Persian rules
    assert text_settings("ar").normaliser == "arabic"
    assert text_settings("fr").normaliser == "none"
    assert text_settings("xx").normaliser == "none"  # no conf/lang/xx.yaml: defaults
    # Arabic yeh and kaf become Persian ones, and digits Persian digits, for fa and FA alike
    assert normalise_text("كتاب ي 12", "FA") == normalise_text("كتاب ي 12", "fa") == "کتاب ی ۱۲"


@pytest.mark.parametrize("code", ["../config", "fa/../../x", "", "f"])
def test_a_record_language_is_never_a_path(code: str) -> None:
    assert not is_language_code(code)
    assert text_settings(code).normaliser == "none"
    with pytest.raises(ValueError, match="not a language code"):
        load_lang_config(code)
