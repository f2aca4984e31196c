"""ROUGE of the weight-free summarisers against their references, scored as a run scores them.

    python -m summarize.tools.bench.extractive [--data ../shared/data] [--sets A.jsonl ...]
                                               [--select] [--json OUT.json]

Each set is a JSONL file in ``--data`` with ``text`` and ``reference`` (and ``lang``, default en);
a set that is not there is reported as skipped. Texts are normalised as the pipeline does
(``normalise_text``), every system sees the same sentences (``split_sentences``), and each pair is
scored with ``summarize.evaluate.rouge.rouge_pair``: the unicode tokenizer (Porter stemming for
English, as in runs) and, for English, rouge-score's own tokenizer with stemming (``compat``), the
one published CNN/DM tables use. Scores are the mean per-pair F1 x 100 over the whole set and over
its first and second half (a 2-fold view: nothing here is fitted, but the defaults of
``lead_words`` were chosen on CNN/DM dev, and each half is a check on the other).

``--select`` repeats that choice honestly: for every (words, sentences) on a small grid it scores
``lead_words`` on one half, picks the best R1+R2 there, and reports the pick on the other half
next to Lead-3 on that half.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from summarize.evaluate.rouge import rouge_pair
from summarize.summarise.extractive import centroid, lead, lead_words, word_count
from summarize.text.normalise import normalise_text
from summarize.text.sentences import split_sentences

DEFAULT_SETS = ("cnndm_frank_dev.jsonl", "orangesum_abstract_head50.jsonl")
DEFAULT_WORDS, DEFAULT_SENTENCES = 70, 3
TYPES = ("rouge1", "rouge2", "rougeL")
GRID_WORDS = (50, 55, 60, 65, 70, 75, 80)
GRID_SENTENCES = (3, 4, 5)

# name -> (sentences, lang) -> chosen sentences
System = Callable[[list[str], str], list[str]]
SYSTEMS: dict[str, System] = {
    "lead-2": lambda s, lang: lead(s, 2),
    "lead-3": lambda s, lang: lead(s, 3),
    "centroid (3 sentences)": lambda s, lang: centroid(s, 3, lang),
    f"centroid (3 sentences, {DEFAULT_WORDS} words)": lambda s, lang: centroid(
        s, DEFAULT_SENTENCES, lang, DEFAULT_WORDS
    ),
    f"lead_words ({DEFAULT_SENTENCES} sentences, {DEFAULT_WORDS} words; default)": (
        lambda s, lang: lead_words(s, DEFAULT_SENTENCES, DEFAULT_WORDS)
    ),
}


def load_set(path: Path) -> tuple[list[list[str]], list[str], list[str]]:
    """Sentences of each normalised text, the references, the languages."""
    sentences, references, langs = [], [], []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        lang = row.get("lang") or "en"
        sentences.append(split_sentences(normalise_text(row["text"], lang), lang))
        references.append(row["reference"])
        langs.append(lang)
    if not sentences:
        raise ValueError(f"{path}: no rows")
    return sentences, references, langs


def per_pair(
    predictions: Sequence[str], references: Sequence[str], langs: Sequence[str], tokenizer: str
) -> list[dict[str, float]]:
    stem = True if tokenizer == "compat" else None  # unicode: the run's rule (Porter for en)
    return [
        rouge_pair(p, r, lang=lang, tokenizer=tokenizer, stemmer=stem)
        for p, r, lang in zip(predictions, references, langs, strict=True)
    ]


def summarise(scores: list[dict[str, float]], rows: Sequence[int]) -> dict[str, float]:
    return {t: round(mean(scores[i][t] for i in rows), 2) for t in TYPES}


def score_set(path: Path) -> dict[str, Any]:
    sentences, references, langs = load_set(path)
    n = len(sentences)
    halves = {"all": range(n), "half 1": range(n // 2), "half 2": range(n // 2, n)}
    tokenizers = ["unicode"] + (["compat"] if set(langs) == {"en"} else [])
    systems: dict[str, Any] = {}
    for name, system in SYSTEMS.items():
        predictions = [" ".join(system(s, lang)) for s, lang in zip(sentences, langs, strict=True)]
        entry: dict[str, Any] = {"words": round(mean(word_count(p) for p in predictions), 1)}
        for tokenizer in tokenizers:
            scores = per_pair(predictions, references, langs, tokenizer)
            entry[tokenizer] = {half: summarise(scores, rows) for half, rows in halves.items()}
        systems[name] = entry
    return {"set": path.name, "articles": n, "langs": sorted(set(langs)), "systems": systems}


def select(path: Path) -> list[dict[str, Any]]:
    """2-fold choice of (words, sentences) for lead_words: pick on one half, score the other."""
    sentences, references, langs = load_set(path)
    n = len(sentences)
    folds = [range(n // 2), range(n // 2, n)]

    def r12(scores: list[dict[str, float]], rows: range) -> float:
        return mean(scores[i]["rouge1"] + scores[i]["rouge2"] for i in rows)

    grid = {
        (w, k): per_pair(
            [" ".join(lead_words(s, k, w)) for s in sentences], references, langs, "unicode"
        )
        for w in GRID_WORDS
        for k in GRID_SENTENCES
    }
    lead3 = per_pair([" ".join(lead(s, 3)) for s in sentences], references, langs, "unicode")
    picks = []
    for pick_on, score_on in ((0, 1), (1, 0)):
        best = max(grid, key=lambda g: r12(grid[g], folds[pick_on]))
        picks.append(
            {
                "picked_on": f"half {pick_on + 1}",
                "words": best[0],
                "sentences": best[1],
                "scored_on": f"half {score_on + 1}",
                "lead_words": summarise(grid[best], folds[score_on]),
                "lead-3": summarise(lead3, folds[score_on]),
            }
        )
    return picks


def table(result: dict[str, Any]) -> str:
    lines = [f"{result['set']}: {result['articles']} articles, lang {','.join(result['langs'])}"]
    width = max(len(name) for name in result["systems"])
    for tokenizer in ("unicode", "compat"):
        if tokenizer not in next(iter(result["systems"].values())):
            continue
        lines.append(f"  tokenizer {tokenizer}: ROUGE-1 / ROUGE-2 / ROUGE-L F1 (mean per article)")
        lines.append(f"  {'method':{width}}  words   all                  half 1        half 2")
        for name, entry in result["systems"].items():
            s = entry[tokenizer]
            lines.append(
                f"  {name:{width}}  {entry['words']:5.1f}  "
                f"{s['all']['rouge1']:5.2f} {s['all']['rouge2']:5.2f} {s['all']['rougeL']:5.2f}    "
                f"{s['half 1']['rouge1']:5.2f} {s['half 1']['rouge2']:5.2f}   "
                f"{s['half 2']['rouge1']:5.2f} {s['half 2']['rouge2']:5.2f}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "data")
    parser.add_argument("--sets", nargs="+", default=list(DEFAULT_SETS))
    parser.add_argument("--select", action="store_true", help="2-fold choice of the defaults")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"sets": [], "skipped": [], "select": {}}
    for name in args.sets:
        path = args.data / name
        if not path.is_file():
            report["skipped"].append(str(path))
            print(f"{path}: not there, skipped")
            continue
        result = score_set(path)
        report["sets"].append(result)
        print(table(result), end="\n\n")
        if args.select:
            picks = select(path)
            report["select"][name] = picks
            for p in picks:
                print(
                    f"  select on {p['picked_on']}: words={p['words']} sentences={p['sentences']}"
                    f" -> {p['scored_on']}: lead_words R1/R2 {p['lead_words']['rouge1']:.2f}/"
                    f"{p['lead_words']['rouge2']:.2f}, lead-3 {p['lead-3']['rouge1']:.2f}/"
                    f"{p['lead-3']['rouge2']:.2f}"
                )
            print()
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
