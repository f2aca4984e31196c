"""A Job built from explicit parts, no Hydra: a window in, one record per article out."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from summarize.choices import ExtractiveMethod, LanguageCheck
from summarize.config import load_lang_config
from summarize.evaluate.record import EvaluationSettings, RecordEvaluator
from summarize.generate.models import ModelCache
from summarize.records import Article, Work
from summarize.run.reuse import PreviousRecords
from summarize.run.window import Job, JobSettings, _attribute_seconds
from summarize.source.screening import Screen
from summarize.summarise.extractive import ExtractiveSummariser
from summarize.translate.translator import TranslatorSet

TEXT = "The council met on Tuesday. Members agreed to fund two schools. The vote was close."
RUNTIME = {"backend": "torch", "dtype": "float32", "device": "cpu", "quantize": "none"}


def make_job(previous: PreviousRecords | None = None, sentences: int = 1) -> Job:
    models = ModelCache(model_root=None, device=torch.device("cpu"), dtype=torch.float32)
    return Job(
        JobSettings(targets=("en",)),  # the articles' own language: passed through, no model
        models=models,
        summariser=ExtractiveSummariser(ExtractiveMethod.lead, sentences),
        translators=TranslatorSet({"en": load_lang_config("en")}, models),
        screen=Screen(language_check=LanguageCheck.off),
        evaluator=RecordEvaluator(EvaluationSettings(bootstrap=0, langid=False)),
        runtime=RUNTIME,
        previous=previous,
    )


def window() -> list[Article]:
    return [
        Article(id="a", text=TEXT, lang="en", origin="in.jsonl:1"),
        Article(id="b", text="", lang="en", origin="in.jsonl:2"),
    ]


def test_a_job_from_explicit_parts_writes_one_record_per_article() -> None:
    good, empty = make_job().process(window())
    assert good["error"] is None
    assert good["summary"] == "The council met on Tuesday."
    assert good["translations"] == {"en": {"summary": good["summary"]}}
    assert good["model"]["summarizer"]["name_or_path"] == "extractive:lead"
    assert empty["error"]["code"] == "empty_text"


def test_a_job_reuses_what_an_earlier_version_wrote_with_the_same_keys(tmp_path: Path) -> None:
    first = make_job().process(window())
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in first), "utf-8")
    again = make_job(PreviousRecords(path))
    (record, _) = again.process(window())
    assert first[0]["reused"] == {"summary": False, "translations": {"en": False}}
    assert record["reused"] == {"summary": True, "translations": {"en": True}}
    assert record["summary"] == first[0]["summary"]
    assert record["keys"] == first[0]["keys"]
    # Another setting of the summariser is another key: nothing is reused.
    other = make_job(PreviousRecords(path), sentences=2).process(window())[0]
    assert other["keys"]["summary"] != first[0]["keys"]["summary"]
    assert other["reused"]["summary"] is False
    assert other["summary"] == "The council met on Tuesday. Members agreed to fund two schools."


def test_a_batch_s_time_is_shared_by_characters() -> None:
    def work(text: str) -> Work:
        article = Article(id=text, text=text, lang="en", origin="x")
        return Work(article, text, "s", "k", [], 0.0, translate_s={"fr": 0.5})

    short, long = work("ab"), work("abcd")
    _attribute_seconds(3.0, "fr", [(short, "ab"), (long, "abcd")])
    assert (short.translate_s["fr"], long.translate_s["fr"]) == (1.5, 2.5)


def test_an_earlier_translation_is_taken_only_under_its_own_key(tmp_path: Path) -> None:
    records = [
        {
            "input_key": "i1",
            "error": None,
            "keys": {"summary": "s1", "translations": {"fr": {"summary": "t1", "article": "t2"}}},
            "translations": {"fr": {"summary": "Le chat.", "article": None}},
        },
        {
            "input_key": "i2",
            "error": None,
            "keys": {"translations": {"de": {"summary": "t3"}}},
            "translations": {},
        },
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    previous = PreviousRecords(path)
    assert previous.translation("t1", "fr", "summary") == "Le chat."
    assert previous.translation("t1", "fr", "article") is None  # its key for that part is t2
    assert previous.translation("t2", "fr", "article") is None  # held no text
    assert previous.translation("s1", "fr", "summary") is None  # the summary's key, not t1
    assert previous.translation("t3", "de", "summary") is None  # no translations written
    assert previous.translation("t9", "fr", "summary") is None
