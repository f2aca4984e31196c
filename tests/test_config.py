"""Every config option composes against the schema; typos fail with the key's name."""

import dataclasses
import re
import typing
from collections.abc import Callable, Iterator
from enum import Enum

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf import DictConfig, OmegaConf

from summarize.config import CONF_DIR, Config, load_lang_config, validate

GROUPS = ["source", "summarizer", "translator", "chunking", "generation", "runtime", "output"]


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


@pytest.mark.parametrize(("group", "option"), [(g, o) for g in GROUPS for o in options(g)])
def test_every_option_composes(
    make_config: Callable[..., DictConfig], group: str, option: str
) -> None:
    overrides = [f"{group}={option}"]
    if group == "source" and option != "text":
        overrides.append("source.path=/data/in")
    if option == "custom":
        overrides.append(f"{group}.name_or_path=/models/x")
    cfg = make_config(*overrides)
    typed = OmegaConf.to_object(cfg)
    assert isinstance(typed, Config)


@pytest.mark.parametrize("lang", [p.stem for p in (CONF_DIR / "lang").glob("*.yaml")])
def test_every_language_composes_with_its_translator(
    make_config: Callable[..., DictConfig], lang: str
) -> None:
    cfg = make_config(f"+lang={lang}")
    assert list(cfg.langs) == [lang]
    assert cfg.langs[lang].translator.name_or_path
    assert load_lang_config(lang).code == lang


def test_several_languages_at_once(make_config: Callable[..., DictConfig]) -> None:
    cfg = make_config("+lang=[fa,fr]")
    assert list(cfg.langs) == ["fa", "fr"]
    assert cfg.langs.fa.codes.nllb == "pes_Arab"
    assert cfg.langs.fa.codes.m2m100 == "fa"
    assert cfg.langs.fa.codes.mbart50 == "fa_IR"
    assert cfg.langs.fa.codes.marian == ">>pes<<"
    assert cfg.langs.fa.direction == "rtl"


def test_no_lang_means_summaries_only(make_config: Callable[..., DictConfig]) -> None:
    assert dict(make_config().langs) == {}


def test_typo_in_a_key_fails_with_its_name(make_config: Callable[..., DictConfig]) -> None:
    with pytest.raises(ConfigCompositionException) as info:
        make_config("runtime.batch_tokenz=10")
    assert "batch_tokenz" in str(info.value.__cause__ or info.value)


def test_wrong_type_fails(make_config: Callable[..., DictConfig]) -> None:
    with pytest.raises(ConfigCompositionException):
        make_config("runtime.seed=many")


@pytest.mark.parametrize(
    "override",
    ["runtime.batch_tokens=many", "runtime.batch_tokens=10", "runtime.window_articles=0"],
)
def test_budgets_are_auto_or_a_number(
    make_config: Callable[..., DictConfig], override: str
) -> None:
    key = override.split("=")[0]
    with pytest.raises(ValueError, match=rf"{key}=.*use auto or a whole number"):
        validate(make_config(override))
    validate(make_config(f"{key}=auto"))
    validate(make_config(f"{key}=4096"))


def test_validate_explains_the_fix(make_config: Callable[..., DictConfig]) -> None:
    with pytest.raises(ValueError, match=r"\+lang=fa"):
        validate(make_config("task=translate"))
    with pytest.raises(ValueError, match="source.path"):
        validate(make_config("source=jsonl", "source.path=''"))


def test_extractive_defaults_to_lead_words_under_a_word_budget(
    make_config: Callable[..., DictConfig],
) -> None:
    cfg = make_config("summarizer=extractive")
    assert (cfg.summarizer.method, cfg.summarizer.sentences, cfg.summarizer.words) == (
        "lead_words",
        3,
        70,
    )
    validate(make_config("summarizer=extractive", "summarizer.words=null"))
    with pytest.raises(ConfigCompositionException) as refused:
        make_config("summarizer=extractive", "summarizer.method=textrank")
    assert "lead_words, lead, centroid" in str(refused.value.__cause__)
    with pytest.raises(ValueError, match="summarizer.words"):
        validate(make_config("summarizer=extractive", "summarizer.words=0"))


def choice_fields(schema: type, prefix: str = "") -> Iterator[tuple[str, type[Enum]]]:
    for name, kind in typing.get_type_hints(schema).items():
        if isinstance(kind, type) and issubclass(kind, Enum):
            yield f"{prefix}{name}", kind
        elif dataclasses.is_dataclass(kind):
            yield from choice_fields(kind, f"{prefix}{name}.")


def test_choices_are_enums_whose_names_are_their_values() -> None:
    """OmegaConf converts a command-line string by member name: names must equal values, so
    `source.kind=text` works and the resolved config holds the same strings as before."""
    fields = dict(choice_fields(Config))
    assert {
        "task",
        "source.kind",
        "source.encoding_errors",
        "source.duplicate_ids",
        "source.language_check",
        "summarizer.kind",
        "summarizer.method",
        "runtime.quantize",
        "runtime.backend",
        "runner.kind",
        "evaluation.rouge_tokenizer",
    } <= set(fields)
    for kind in fields.values():
        assert [m.name for m in kind] == [m.value for m in kind]
        for member in kind:  # still a full str: no member hides a str method (translate, replace)
            assert member.translate({}) == member.replace("", "") == member.value
            assert re.escape(member) == re.escape(member.value)


def test_a_wrong_choice_is_refused_when_composing_with_the_choices(
    make_config: Callable[..., DictConfig],
) -> None:
    from summarize.cli import one_line

    with pytest.raises(ConfigCompositionException) as refused:
        make_config("source.language_check=maybe")
    line = one_line(refused.value, OmegaConf.structured(Config))
    assert line == (
        "source.language_check=maybe: not a choice; choose one of process, skip, route, off"
    )
