"""Before any model loads: the languages the input is in, and whether the models can handle them.

How the input's languages are known before reading it all: from a sample, its first ``SAMPLE``
records, screened exactly as the run will screen them (a record's own ``lang`` is taken at its
word, ``source.lang`` likewise, an undeclared language is detected). When more than
``run.max_failure_ratio`` of the sampled articles could not be summarised (a summariser with
``languages: [en]`` given French), the job stops with exit 2 and the sentence that says which
summariser to use, before any model loads and before a version is claimed: the run would fail
anyway, after loading every model. Articles past the sample, or a few in it, keep the per-record
error (``unsupported_language``): one stray article must not stop a nightly run, and the failure
ratio still decides its exit status. The sampled languages also decide which translators are
needed (one per source and target language), so that offline every missing one is named at once.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice

from omegaconf import DictConfig

from summarize.config import source_language
from summarize.records import RecordError
from summarize.run.build import build_screen
from summarize.source.readers import read_source

SAMPLE = 64
UNSUPPORTED = "unsupported_language"


def input_languages(cfg: DictConfig) -> list[str]:
    """The languages the first ``SAMPLE`` articles will be processed in, most frequent first
    (the configured source language when none could be read); ValueError in one line when more
    than ``run.max_failure_ratio`` of them cannot be processed in their language."""
    screen = build_screen(cfg, dedupe=False)
    found: Counter[str] = Counter()
    refused: list[RecordError] = []
    for item in islice(read_source(cfg.source), SAMPLE):
        if isinstance(item, RecordError):  # unreadable records fail alone, as in the run
            continue
        try:
            screened = screen.check(item, "")
        except Exception:  # the run makes it this record's error (screening_failed)
            continue
        if isinstance(screened, RecordError):
            if screened.code == UNSUPPORTED:
                refused.append(screened)
            continue
        found[screened.article.lang] += 1
    sampled = sum(found.values()) + len(refused)
    if refused and len(refused) / sampled > cfg.run.max_failure_ratio:
        raise ValueError(
            f"{len(refused)} of the first {sampled} articles cannot be processed, so nothing was "
            f"loaded or written: {refused[0].message}"
        )
    return [lang for lang, _ in found.most_common()] or [source_language(cfg.source)]
