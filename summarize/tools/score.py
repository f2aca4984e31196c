"""Score predictions against references: ``python -m summarize.tools.score predictions=P.jsonl ...``.

key=value arguments (Hydra style) are checked against the ``ScoreConfig`` dataclass with
OmegaConf, without starting a Hydra app: no run directory, no logging setup, no output folder.
The metrics are printed as ONE JSON object on the last line of stdout (a table before it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import MISSING

from summarize.cli import parse_options
from summarize.evaluate import (
    TOKENIZER_MODES,
    MetricResult,
    ReferenceFreeStats,
    is_wrong_language,
    lead_k,
    score_rouge,
    score_translation,
)
from summarize.store.atomic import write_text_atomic
from summarize.store.layout import MANIFEST, RECORDS
from summarize.store.reader import parse_line
from summarize.store.verify import open_finished
from summarize.tools.score_checks import check_lines, source_checks, write_rows

USAGE = """\
usage: python -m summarize.tools.score predictions=PRED.jsonl references=REF.jsonl [key=value ...]

Joins two JSONL files on their id and scores the predictions.
  predictions=FILE         JSONL with the outputs (required)
  references=FILE          JSONL with the references (default, or null: the predictions file's
                           reference_field; where no row has it, nothing is scored against
                           references and source_field gives the source-based checks alone)
  id_field=id              field both files are joined on ("id,tgt_lang": on several)
  prediction_field=prediction
  reference_field=reference
  source_field=null        source text field (references file, else predictions file); adds
                           the weight-free checks (faithfulness of summaries, translation
                           flags), and for summaries the Lead-3 baseline and statistics
  source_lang=en           language of the sources (translation checks)
  per_row=null             write one JSONL line per prediction: id, and its faithfulness
                           (summaries) or checks (translations)
  task=summarization       summarization (ROUGE) | translation (BLEU, chrF, chrF++)
  lang=en                  language of predictions and references (ISO 639-1)
  rouge.tokenizer=unicode  unicode | compat (rouge-score's ASCII-only tokenizer, to reproduce
                           published English tables; it scores Persian 0.0)
  rouge.stemmer=null       Porter stemming; null means true for English only
  bleu.tokenize=13a        any sacrebleu tokenizer (13a, intl, zh, char, none, flores200 ...)
  bootstrap=1000           resamples for the 95 % intervals (0: none)
  seed=0
  langid=true              flag predictions that are not in `lang` (lingua + script check)
  out=null                 also write the JSON to this file (atomically)
Exit status: 0 scored, 2 bad arguments or input (the message names the file and field)."""

TASKS = ("summarization", "translation")
_FIRST_IDS = 10


@dataclass
class RougeOptions:
    tokenizer: str = "unicode"
    stemmer: bool | None = None


@dataclass
class BleuOptions:
    tokenize: str = "13a"


@dataclass
class ScoreConfig:
    predictions: str = MISSING
    references: str | None = None
    id_field: str = "id"
    prediction_field: str = "prediction"
    reference_field: str = "reference"
    source_field: str | None = None
    source_lang: str = "en"
    per_row: str | None = None
    task: str = "summarization"
    lang: str = "en"
    rouge: RougeOptions = field(default_factory=RougeOptions)
    bleu: BleuOptions = field(default_factory=BleuOptions)
    bootstrap: int = 1000
    seed: int = 0
    langid: bool = True
    out: str | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ScoreError(f"task={self.task!r}: choose one of {', '.join(TASKS)}")
        if self.rouge.tokenizer not in TOKENIZER_MODES:
            choices = ", ".join(TOKENIZER_MODES)
            raise ScoreError(f"rouge.tokenizer={self.rouge.tokenizer!r}: choose one of {choices}")
        if self.bootstrap < 0:
            raise ScoreError(f"bootstrap={self.bootstrap}: must be 0 (no intervals) or more")


class ScoreError(Exception):
    """Bad arguments or input; the message is the one line printed before exit status 2."""


def parse_args(argv: Sequence[str]) -> ScoreConfig:
    return parse_options(argv, ScoreConfig)


def _verify_if_a_run(path: Path) -> None:
    """records.jsonl of a finished version is verified against its manifest before it is read."""
    version = path.resolve().parent
    if path.name != RECORDS or not (version / MANIFEST).is_file():
        return
    try:
        open_finished(version)
    except ValueError as exc:  # Damaged, RunNotFinished: one line naming the file and line
        raise ScoreError(str(exc)) from None


# id -> (line number, record)
Records = dict[Any, tuple[int, dict[str, Any]]]


def read_jsonl(path: str, id_field: str) -> Records:
    """id -> (line number, record); duplicate or missing ids are errors.

    ``id_field`` may name several fields ("id,tgt_lang"): the key is then the tuple of their values
    (FLORES files repeat an id once per target language).
    """
    names = [n.strip() for n in id_field.split(",")]
    records: Records = {}
    _verify_if_a_run(Path(path))
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise ScoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            # The last line of a hand-made JSONL file may lack its newline.
            record, damage = parse_line(raw if raw.endswith(b"\n") else raw + b"\n")
            if record is None:
                raise ScoreError(f"{path}:{number}: {damage}")
            for name in names:
                if name not in record:
                    raise ScoreError(
                        f"{path}:{number}: record has no field {name!r} (set id_field=...)"
                    )
                if isinstance(record[name], list | dict):
                    raise ScoreError(f"{path}:{number}: field {name!r} must be a string or number")
            key = record[names[0]] if len(names) == 1 else tuple(record[n] for n in names)
            if key in records:
                raise ScoreError(
                    f"{path}:{number}: duplicate {id_field} {key!r} (first on line "
                    f"{records[key][0]}); ids must be unique (join on several fields with "
                    "id_field=id,other_field)"
                )
            records[key] = (number, record)
    return records


def _text(path: str, entry: tuple[int, dict[str, Any]], name: str, option: str) -> str:
    number, record = entry
    value = record.get(name)
    if not isinstance(value, str):
        problem = (
            "has no field"
            if name not in record
            else f"has a non-string ({type(value).__name__}) field"
        )
        raise ScoreError(
            f"{path}:{number}: record {problem} {name!r} (choose the field with {option}=...)"
        )
    return value


def _unmatched(ids: list[Any]) -> dict[str, Any]:
    return {"count": len(ids), "first": ids[:_FIRST_IDS]}


def score(cfg: ScoreConfig) -> dict[str, Any]:
    """Everything ``main`` prints, as one JSON-ready dict."""
    ref_path = cfg.references or cfg.predictions
    preds = read_jsonl(cfg.predictions, cfg.id_field)
    refs = read_jsonl(ref_path, cfg.id_field)
    ids = [key for key in refs if key in preds]  # the references file's order
    only_preds = [key for key in preds if key not in refs]
    only_refs = [key for key in refs if key not in preds]
    if not ids:
        raise ScoreError(f"no {cfg.id_field} is in both {cfg.predictions} and {ref_path}")
    predictions = [
        _text(cfg.predictions, preds[k], cfg.prediction_field, "prediction_field") for k in ids
    ]
    # Without a references file and with no row carrying reference_field: reference-free.
    with_references = cfg.references is not None or any(
        cfg.reference_field in refs[k][1] for k in ids
    )
    if not with_references and not cfg.source_field:
        raise ScoreError(
            f"{ref_path} has no {cfg.reference_field!r} field: set references=FILE, "
            "reference_field=..., or source_field=... for the source-based checks alone"
        )
    references = (
        [_text(ref_path, refs[k], cfg.reference_field, "reference_field") for k in ids]
        if with_references
        else []
    )
    if only_preds or only_refs:
        print(
            f"warning: {len(only_preds)} ids only in {cfg.predictions}, {len(only_refs)} only in "
            f"{ref_path}; they are not scored (see 'unmatched' in the JSON)",
            file=sys.stderr,
        )

    result: dict[str, Any] = {
        "task": cfg.task,
        "lang": cfg.lang,
        "n": len(ids),
        "predictions": {"path": cfg.predictions, "field": cfg.prediction_field},
        "references": {"path": ref_path, "field": cfg.reference_field} if with_references else None,
        "unmatched": {
            "only_in_predictions": _unmatched(only_preds),
            "only_in_references": _unmatched(only_refs),
        },
    }
    metrics: dict[str, MetricResult] = {}
    rouge_args: dict[str, Any] = {
        "lang": cfg.lang,
        "tokenizer": cfg.rouge.tokenizer,
        "stemmer": cfg.rouge.stemmer,
        "bootstrap": cfg.bootstrap,
        "seed": cfg.seed,
    }
    if not with_references:
        pass
    elif cfg.task == "summarization":
        metrics = score_rouge(predictions, references, **rouge_args)
    else:
        metrics = score_translation(
            predictions,
            references,
            tokenize=cfg.bleu.tokenize,
            bootstrap=cfg.bootstrap,
            seed=cfg.seed,
        )
    result["metrics"] = {name: m.as_dict() for name, m in metrics.items()}

    wrong: list[bool | None] = [None] * len(ids)
    if cfg.langid:
        wrong = [is_wrong_language(p, cfg.lang) if p.strip() else None for p in predictions]
        flagged = [k for k, w in zip(ids, wrong, strict=True) if w]
        checked = sum(w is not None for w in wrong)
        result["wrong_language"] = {
            "count": len(flagged),
            "of": checked,
            "share": len(flagged) / checked if checked else None,
            "first": flagged[:_FIRST_IDS],
        }
    if not cfg.source_field:
        return result
    sources = [_source(cfg, preds, refs, ref_path, k) for k in ids]
    summary, rows = source_checks(
        cfg.task, ids, predictions, sources, cfg.lang, cfg.source_lang, wrong
    )
    result["faithfulness" if cfg.task == "summarization" else "checks"] = summary
    if cfg.per_row:
        write_rows(cfg.per_row, rows)
    # Summaries only: a translation's source is in another language, so its words, coverage and
    # novel n-grams against the source would mean nothing.
    if cfg.task == "summarization":
        if references:
            lead = [lead_k(s, cfg.lang, 3) for s in sources]
            result["lead3"] = {
                name: m.as_dict() for name, m in score_rouge(lead, references, **rouge_args).items()
            }
        stats = ReferenceFreeStats(check_language=False)
        for source, prediction, flag in zip(sources, predictions, wrong, strict=True):
            stats.add(source, prediction, cfg.lang, wrong_language=flag)
        result["stats"] = stats.result()
    return result


def _source(cfg: ScoreConfig, preds: Records, refs: Records, ref_path: str, key: Any) -> str:
    """The source text: from the references file when it has the field, else the predictions'."""
    assert cfg.source_field is not None
    if cfg.source_field in refs[key][1]:
        return _text(ref_path, refs[key], cfg.source_field, "source_field")
    return _text(cfg.predictions, preds[key], cfg.source_field, "source_field")


def table(result: dict[str, Any]) -> list[str]:
    lines = [f"{'metric':<16}{'score':>8}  {'95% CI':<18}{'n':>6}  signature"]
    blocks = [("", result["metrics"]), ("lead3/", result.get("lead3", {}))]
    for prefix, metrics in blocks:
        for name, m in metrics.items():
            ci = f"[{m['ci95'][0]:.2f}, {m['ci95'][1]:.2f}]" if m["ci95"] else "-"
            lines.append(
                f"{prefix + name:<16}{m['score']:>8.2f}  {ci:<18}{m['n']:>6}  {m['signature']}"
            )
    if "wrong_language" in result:
        w = result["wrong_language"]
        lines.append(f"wrong language: {w['count']} of {w['of']} checked predictions")
    return lines + check_lines(result)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or any(a in ("-h", "--help", "help") for a in args):
        print(USAGE)
        return 0 if args else 2
    try:
        cfg = parse_args(args)
        result = score(cfg)
    except (ScoreError, ValueError) as exc:  # TokenizerUnavailableError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in table(result):
        print(line)
    line = json.dumps(result, ensure_ascii=False)
    if cfg.out:
        write_text_atomic(Path(cfg.out), line + "\n")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
