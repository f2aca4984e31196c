"""The settings that are choices, as Enums of the structured config (summarize/config.py).

OmegaConf converts a command-line string by member NAME, so each name equals its value:
`source.kind=text` works, a wrong value fails at compose time with the choices listed, and a
resolved config (manifest, claim, fingerprints) holds the same strings as before (StrEnum is a str).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Choice(StrEnum):
    """A member named like a str method (task=translate, encoding_errors=replace) would hide that
    method on every member (re.escape calls .translate, html.escape .replace); Enum keeps a
    property of a base class working on members and the member on the class."""

    @property
    def translate(self) -> Any:
        return str.translate.__get__(self)

    @property
    def replace(self) -> Any:
        return str.replace.__get__(self)


class Task(Choice):
    summarize = "summarize"
    translate = "translate"


class SourceKind(Choice):
    auto = "auto"  # from source.path: a folder is text, a file is read by its name
    text = "text"
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    hf = "hf"


class EncodingErrors(Choice):
    replace = "replace"  # decode with U+FFFD and record it
    strict = "strict"  # reject the record


class DuplicateIds(Choice):
    error = "error"  # an error record
    suffix = "suffix"  # keep both: id#2


class LanguageCheck(Choice):
    process = "process"  # note a mismatch
    skip = "skip"  # an error record
    route = "route"  # process as the detected language
    off = "off"  # no detection


class SummarizerKind(Choice):
    seq2seq = "seq2seq"
    extractive = "extractive"


class ExtractiveMethod(Choice):
    lead_words = "lead_words"
    lead = "lead"
    centroid = "centroid"


class Quantize(Choice):
    none = "none"
    dynamic_int8 = "dynamic_int8"  # CPU only: torch dynamic quantisation of Linear


class Backend(Choice):
    torch = "torch"
    ct2 = "ct2"  # CTranslate2, converted once into ct2_cache_dir


class RunnerKind(Choice):
    local = "local"
    ray = "ray"


class RougeTokenizer(Choice):
    unicode = "unicode"  # right for every language
    compat = "compat"  # rouge-score's ASCII tokenizer: only to reproduce published tables
