"""Typed schema of the Hydra config (values live in conf/*.yaml).

The dataclasses are registered in Hydra's ConfigStore and merged under the YAML, so a misspelt key or a
wrong type fails at start-up with the key's path in the message, before any article is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

from summarize.choices import (
    Backend,
    DuplicateIds,
    EncodingErrors,
    ExtractiveMethod,
    LanguageCheck,
    Quantize,
    RougeTokenizer,
    RunnerKind,
    SourceKind,
    SummarizerKind,
    Task,
)

# The schema of generation.* lives beside the rules that apply it (one order of settings).
from summarize.generate.settings import GenerationConfig, GenerationSettings  # noqa: F401


@dataclass
class FieldMap:
    """Names of the input fields; a field set to null is not read."""

    id: str = "id"
    text: str = "text"
    title: str | None = "title"
    lang: str | None = "lang"
    reference: str | None = "reference"
    # A mapping {lang: text} in this field, or flat columns named "<references>.<lang>" (CSV).
    references: str | None = "references"
    # Parallel test sets (FLORES, TICO): the language `reference` is written in, for task=translate.
    target_lang: str | None = "tgt_lang"


@dataclass
class SourceConfig:
    kind: SourceKind = SourceKind.text  # conf/config.yaml picks source=auto (from source.path)
    # File, folder or saved dataset; null means the sample article shipped with the package.
    path: str | None = None
    # text: file name suffixes read from the folder.
    suffixes: list[str] = field(default_factory=lambda: [".txt", ".md"])
    # hf: the split of a DatasetDict (ignored for a plain Dataset).
    split: str | None = None
    # Language of articles whose record carries none. null: not declared; each such article is
    # read as the language lingua finds in its text (English when it cannot tell), and flagged.
    lang: str | None = None
    fields: FieldMap = field(default_factory=FieldMap)
    limit: int | None = None
    # Input bytes that are not UTF-8: "replace" decodes with U+FFFD and records it, "strict" rejects.
    encoding_errors: EncodingErrors = EncodingErrors.replace
    html: bool = True  # convert HTML to text when an article looks like HTML
    # A second record with an id already seen: "error" (an error record) or "suffix" (id#2).
    duplicate_ids: DuplicateIds = DuplicateIds.error
    # Declared language vs detected (lingua): "process" (note it), "skip" (error record) or
    # "route" (process as the detected language). "off" skips detection.
    language_check: LanguageCheck = LanguageCheck.process
    # jsonl/csv: "gzip" reads a gzip-compressed file as it is.
    compression: str = "none"
    # A record whose text is longer is an error record (record_too_large), never held whole.
    max_record_chars: int = 1_000_000
    # An input with no record at all is an error (exit 2, nothing published) unless this is true.
    allow_empty: bool = False
    # text: read files that are links to places outside source.path.
    follow_symlinks: bool = False


@dataclass
class SummarizerConfig:
    kind: SummarizerKind = SummarizerKind.seq2seq
    name_or_path: str | None = None
    revision: str | None = None
    prefix: str | None = None  # task prefix; null: the checkpoint's (T5 "summarize: ")
    generation: dict[str, Any] = field(default_factory=dict)  # the model card's; see settings.py
    languages: list[str] | None = None  # languages it summarises; null: any
    license: str | None = None
    # extractive only
    method: ExtractiveMethod = ExtractiveMethod.lead_words
    sentences: int = 3  # at most this many sentences (lead: exactly the first this many)
    words: int | None = 70  # lead_words, centroid: stop once the summary has this many words


@dataclass
class TranslatorConfig:
    # May contain {src} and {tgt}, replaced by the language's opus_mt code (one model per pair).
    name_or_path: str = MISSING
    revision: str | None = None
    license: str | None = None
    prefix: str = ""  # T5-style task prefix: "translate {src_name} to {tgt_name}: "
    generation: dict[str, Any] = field(default_factory=dict)  # as SummarizerConfig.generation


@dataclass
class LangCodes:
    """How each model family names this language."""

    nllb: str | None = None  # pes_Arab
    m2m100: str | None = None  # fa
    mbart50: str | None = None  # fa_IR
    marian: str | None = None  # >>pes<< (multi-target Marian models)
    opus_mt: str | None = None  # fa, as in Helsinki-NLP/opus-mt-en-{opus_mt}


@dataclass
class LangConfig:
    code: str = MISSING
    name: str = MISSING
    script: str = MISSING  # ISO 15924: Arab, Latn
    direction: str = "ltr"  # ltr | rtl
    normaliser: str = "none"  # persian | arabic | none
    splitter: str = "sentencex"
    codes: LangCodes = field(default_factory=LangCodes)
    translator: TranslatorConfig = field(default_factory=TranslatorConfig)
    # How to read the language (stopwords, number words, ...): summarize.text.languages.TextConfig,
    # checked there (this module cannot import it: the registry reads conf/lang through this one).
    text: dict[str, Any] = field(default_factory=dict)


@dataclass
class ChunkingConfig:
    # null: the model's own limit (max positions / tokenizer model_max_length) minus special tokens.
    max_input_tokens: int | None = None
    overlap_sentences: int = 0


@dataclass
class RuntimeConfig:
    device: str = "auto"  # auto | cpu | cuda | mps
    dtype: str = "auto"  # auto | float32 | bfloat16 | float16
    threads: int | None = None  # torch intra-op threads; null: torch's default
    # auto: 8192 and 32 on CPU; on CUDA sized from the free memory and the models (the dry run
    # prints what is chosen: summarize/generate/budget.py)
    batch_tokens: Any = "auto"  # padded input tokens per generate() batch: auto or a number
    window_articles: Any = "auto"  # articles whose chunks are batched together: auto or a number
    seed: int = 0
    quantize: Quantize = Quantize.none
    backend: Backend = Backend.torch
    ct2_compute_type: str = "auto"  # auto: int8 on CPU, int8_float16 on CUDA
    ct2_cache_dir: str | None = None  # null: ~/.cache/summarize/ct2


@dataclass
class OutputConfig:
    root: str = MISSING
    job: str = "summarize"
    progress_every_s: float = 30.0


@dataclass
class ModelPolicy:
    allow_pickle: bool = False  # .bin: tensors only (weights_only); true: full unpickling
    trust_remote_code: bool = False  # run code shipped with a checkpoint: only when you trust it
    hash_weights: bool = True  # sha256 of the weights in every record's model description
    convert_to_safetensors: bool = False  # write model.safetensors once beside a .bin


@dataclass
class ExportConfig:
    hf: bool = False  # at the end of a job, export the run as a Hugging Face dataset (+ card)
    push_to_hub: str | None = None  # a Hub repo id to push the exported dataset to (needs network)
    license: str | None = None  # dataset card licence; null: derived from the models' licences
    report: bool = True  # write report.html in the run folder


@dataclass
class RunOptions:
    # Continue an interrupted run in place: a version name (v0003) or "latest" (newest unfinished).
    resume: str | None = None
    # Reuse records of the job's latest finished version whose keys match (no model call).
    incremental: bool = True
    # Exit non-zero when more than this share of input records failed.
    max_failure_ratio: float = 0.05
    # A lock written by another host whose heartbeat is older than this is taken over.
    lock_stale_after_s: float = 3600.0
    dry_run: bool = False  # resolve input and models, generate nothing (exit 2: one missing)
    # Resume even though the config or the input differ from the version's claim (recorded).
    resume_force: bool = False
    # With run.resume: drop damaged or duplicated lines of records.jsonl; they are generated again.
    repair: bool = False
    # Only finish a version (v0003 or latest) from its records: derived files, manifest, latest.
    finish: str | None = None


@dataclass
class ShardConfig:
    index: int = 0
    count: int = 1


@dataclass
class RunnerConfig:
    kind: RunnerKind = RunnerKind.local
    # ray: "auto" joins a running cluster (ray start --head ...); null starts Ray on this machine.
    address: str | None = None
    concurrency: int = 1  # model actors (each loads the models once)
    num_cpus: float = 1.0  # per actor
    num_gpus: float = 0.0  # per actor; 1 on GPU clusters
    windows_in_flight: int = 8  # windows handed to Ray at a time (bounds driver memory)


@dataclass
class EvaluationConfig:
    rouge_tokenizer: RougeTokenizer = RougeTokenizer.unicode
    rouge_stemmer: bool | None = None  # null: Porter stemming for English only
    bleu_tokenize: str = "13a"
    bootstrap: int = 1000
    lead_k: int = 3
    langid: bool = True  # flag outputs not in the requested language


@dataclass
class TranslateConfig:
    article: bool = False  # also translate the full article, chunk by chunk


@dataclass
class Config:
    task: Task = Task.summarize
    source: SourceConfig = field(default_factory=SourceConfig)
    summarizer: SummarizerConfig = field(default_factory=SummarizerConfig)
    # Set to use one translator for every target language; null: each language's own preset.
    translator: TranslatorConfig | None = None
    langs: dict[str, LangConfig] = field(default_factory=dict)
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    generation: GenerationConfig = field(default_factory=GenerationConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    translate: TranslateConfig = field(default_factory=TranslateConfig)
    model: ModelPolicy = field(default_factory=ModelPolicy)
    export: ExportConfig = field(default_factory=ExportConfig)
    run: RunOptions = field(default_factory=RunOptions)
    shard: ShardConfig = field(default_factory=ShardConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig)
    # Folder of pre-downloaded models laid out as <root>/<hub id>; env SUMMARIZE_MODEL_ROOT.
    model_root: str | None = None


# The language of an article that declares none (no lang field, no source.lang).
DEFAULT_SOURCE_LANG = "en"


def source_language(source: Any) -> str:
    """``source.lang`` when set, else the default (an undeclared language is detected per article)."""
    return str(source.lang) if source.lang else DEFAULT_SOURCE_LANG


def register_configs() -> None:
    ConfigStore.instance().store(name="summarize_schema", node=Config)


def validate(cfg: Any) -> None:
    """Checks the schema cannot express (choices are Enums: OmegaConf refuses a wrong one when
    composing); messages say what to change."""
    if cfg.source.kind not in ("auto", "text") and not cfg.source.path:
        raise ValueError(f"source={cfg.source.kind} needs a path: add source.path=FILE")
    if (
        cfg.task == "summarize"
        and cfg.summarizer.kind == "seq2seq"
        and not cfg.summarizer.name_or_path
    ):
        raise ValueError(
            "summarizer.name_or_path is empty: pick a preset (summarizer=distilbart-cnn) or set it"
        )
    if cfg.task == "translate" and not cfg.langs:
        raise ValueError("task=translate needs a target language: add +lang=fa (or +lang=[fa,fr])")
    if cfg.summarizer.sentences < 1 or (
        cfg.summarizer.words is not None and cfg.summarizer.words < 1
    ):
        raise ValueError("summarizer.sentences must be >= 1 and summarizer.words >= 1 (or null)")
    for key, least in (("batch_tokens", 64), ("window_articles", 1)):
        value = cfg.runtime[key]
        if value != "auto" and (
            not isinstance(value, int) or isinstance(value, bool) or value < least
        ):
            raise ValueError(f"runtime.{key}={value}: use auto or a whole number >= {least}")
    if not 0 <= cfg.shard.index < cfg.shard.count:
        raise ValueError(
            f"shard.index={cfg.shard.index} must be in [0, shard.count={cfg.shard.count})"
        )
    missing = sorted(OmegaConf.missing_keys(cfg)) if isinstance(cfg, DictConfig) else []
    if missing:
        raise ValueError(
            f"missing config value(s): {', '.join(missing)}; set them on the command line, e.g. {missing[0]}=..."
        )


def _conf_dir() -> Path:
    """summarize/conf in an installed wheel; conf/ beside the package in a checkout or -e install."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "conf", package.parent / "conf"):
        if (candidate / "config.yaml").is_file():
            return candidate
    raise ImportError(f"summarize's config folder is missing beside {package}: reinstall summarize")


CONF_DIR = _conf_dir()


@cache
def known_languages() -> frozenset[str]:
    """Language codes with a conf/lang/<code>.yaml: the only values a record's lang may take."""
    found = (p.stem for p in (CONF_DIR / "lang").glob("*.yaml"))
    return frozenset(code for code in found if re.match(r"^[a-z]{2,3}$", code))


def lang_config_path(code: str) -> Path:
    return CONF_DIR / "lang" / f"{code}.yaml"


def load_lang_config(code: str) -> LangConfig:
    """A language's settings from conf/lang/<code>.yaml without its translator preset (for sources)."""
    if not re.match(r"^[a-z]{2,3}$", code):  # a record's language is never used as a path
        raise ValueError(f"{code!r} is not a language code (two or three lower-case letters)")
    path = lang_config_path(code)
    if not path.is_file():
        raise ValueError(
            f"no language config for {code!r}: add conf/lang/{code}.yaml (copy conf/lang/fr.yaml)"
        )
    values = OmegaConf.load(path)
    assert isinstance(values, DictConfig), f"{path} must be a mapping"
    values.pop("defaults", None)
    values["translator"] = {"name_or_path": ""}
    merged = OmegaConf.merge(OmegaConf.structured(LangConfig), values)
    return OmegaConf.to_object(merged)  # type: ignore[return-value]
