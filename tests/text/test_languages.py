"""The language registry: codes, what each conf/lang/<code>.yaml says, what Babel adds, and that no
per-language table lives anywhere else."""

import ast
from pathlib import Path

import pytest
from omegaconf.errors import ConfigKeyError

import summarize
from summarize.config import load_lang_config
from summarize.text.characters import knows_script
from summarize.text.languages import (
    base_language,
    configured_languages,
    is_language_code,
    language,
    text_config,
    text_settings,
)
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


# --- the registry -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", configured_languages())
def test_every_language_file_reads_into_the_registry(code: str) -> None:
    config = load_lang_config(code)
    found = language(code)
    assert (found.code, found.name, found.script) == (code, config.name, config.script)
    assert found.direction == config.direction
    assert found.decimal in {".", ",", "٫"}  # from Babel, or the file's own override
    assert knows_script(found.script)  # a script the regex module can test letters against


def test_locale_facts_come_from_babel_where_no_file_says() -> None:
    assert "tr" not in configured_languages()  # the test needs a language without a file
    turkish = language("tr")
    assert (turkish.decimal, turkish.group, turkish.script, turkish.direction) == (
        ",",
        ".",
        "Latn",
        "ltr",
    )
    pashto = language("ps-AF")
    assert (pashto.script, pashto.direction) == ("Arab", "rtl")
    assert language("fa").decimal == "٫"  # CLDR's default numbering for Persian is Persian
    assert language("ar").decimal == "٫"  # conf/lang/ar.yaml overrides CLDR's Latin default
    unknown = language("xx")
    assert (unknown.decimal, unknown.script, unknown.stopwords) == (None, None, frozenset())


def test_a_misspelt_text_key_is_refused() -> None:
    assert text_config({"stopwords": "a b"}).stopwords == "a b"
    with pytest.raises(ConfigKeyError, match="stopword"):
        text_config({"stopword": "a b"})


# Per-language lists that stay outside the registry, and why (the file, and the codes in it).
KEPT = {
    # Length bands per language *pair*, learned from human translations by the benchmark.
    ("summarize/checks/translation.py", frozenset({"en", "fa", "fr"})),
    # What a wrong-language output usually is instead: the detector's candidates, not a fact
    # of any one language.
    ("summarize/checks/langid.py", frozenset({"it", "nl", "pt", "ru", "tr", "ur", "zh"})),
    # The tiny test models' corpus, pooled per language of the committed fixtures.
    ("summarize/tools/tiny_corpus.py", frozenset({"en", "fr", "fa"})),
    # Porter, the ROUGE stemmer, is English-only: a fact of the stemmer.
    ("summarize/evaluate/tokens.py", frozenset({"en"})),
    ("summarize/tools/bench/translate.py", frozenset({"en"})),
    # HTML tag names and unit symbols that happen to be language codes (<br>, <tr>; km, lb).
    ("summarize/text/normalise.py", frozenset({"br", "tr"})),
    ("summarize/checks/units.py", frozenset({"ha", "km", "kn", "lb", "mi", "ml"})),
}


def _language_literals(path: Path, codes: set[str]) -> set[str]:
    """The language codes of every literal collection (or comparison) that names two or more."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        values: list[ast.expr] = []
        if isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
            values = [e for k in keys for e in (k.elts if isinstance(k, ast.Tuple) else [k])]
        elif isinstance(node, ast.Set | ast.Tuple | ast.List):
            values = list(node.elts)
        elif isinstance(node, ast.Compare):
            values = [node.left, *node.comparators] * 2  # one code compared is a table of one
        named = [v.value for v in values if isinstance(v, ast.Constant) and v.value in codes]
        if len(named) >= 2:
            found.update(named)
    return found


def test_no_per_language_table_outside_the_registry() -> None:
    from babel.localedata import locale_identifiers

    codes = {c for c in locale_identifiers() if "_" not in c}
    package = Path(summarize.__file__).parent
    found = {
        (str(path.relative_to(package.parent)), frozenset(named))
        for path in sorted(package.rglob("*.py"))
        if path.name != "languages.py" and (named := _language_literals(path, codes))
    }
    assert found <= KEPT, sorted(found - KEPT)
