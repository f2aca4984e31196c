"""The config is unpacked in one place: build_job hands each step the settings it uses."""

from __future__ import annotations

from collections.abc import Callable

from omegaconf import DictConfig

from summarize.run.build import build_job, build_screen
from summarize.run.window import JobSettings


def test_build_job_hands_each_step_its_settings(make_config: Callable[..., DictConfig]) -> None:
    cfg = make_config(
        "summarizer=extractive",
        "summarizer.method=centroid",
        "+lang=en",  # the source language: passed through, no translator loads
        "translate.article=true",
        "source.duplicate_ids=suffix",
        "source.language_check=off",
        "source.html=false",
        "chunking.overlap_sentences=1",
        "evaluation.lead_k=2",
    )
    job = build_job(cfg)
    assert job.settings == JobSettings(
        task="summarize",
        targets=("en",),
        translate_article=True,
        chunking=job.settings.chunking,
        max_reduce_levels=cfg.generation.max_reduce_levels,
        html=False,
    )
    assert job.settings.chunking.overlap_sentences == 1
    assert (job.screen.duplicate_ids, job.screen.language_check) == ("suffix", "off")
    assert job.screen.html is False
    assert job.screen.summariser_languages is None  # extractive: any language
    assert job.summariser.method == "centroid"  # type: ignore[union-attr]
    assert job.evaluator.settings.lead_k == 2
    assert job.runtime == {"backend": "torch", "dtype": "auto", "device": "cpu", "quantize": "none"}
    assert job.models.loaded() == []


def test_a_seq2seq_summariser_limits_the_languages_screening_lets_through(
    make_config: Callable[..., DictConfig],
) -> None:
    screen = build_screen(make_config())  # distilbart-cnn: English only
    assert screen.summariser_languages == ["en"]
    assert screen.summariser_name == "sshleifer/distilbart-cnn-12-6"
    translating = build_screen(make_config("task=translate", "+lang=fr"))
    assert translating.summariser_languages is None  # no summariser
    assert translating.target_langs == {"fr"}
