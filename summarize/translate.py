"""Translation: one target language, whichever family the translator is.

Family quirks (source/target language tokens, forced first token, task prefixes) are chosen from
the loaded checkpoint's config and tokenizer (``LoadedModel.family``), never from its Hub name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarize.backends import TextGenerator
from summarize.chunks import input_budget, tokenizer_counter, units
from summarize.config import LangCodes, LangConfig
from summarize.models import LoadedModel
from summarize.records import Generated
from summarize.sentences import sentence_spans


class LanguageNotSupportedError(ValueError):
    pass


@dataclass(frozen=True)
class Direction:
    """How to ask one translator for one language pair."""

    prefix: str = ""  # prepended to every input (Marian target token, T5 task prefix)
    src_lang: str | None = None  # tokenizer.src_lang
    forced_bos_token_id: int | None = None


def _token_id(loaded: LoadedModel, token: str | None) -> int | None:
    if not token:
        return None
    tokenizer = loaded.tokenizer
    token_id = tokenizer.convert_tokens_to_ids(token)
    if token_id is None or token_id == tokenizer.unk_token_id:
        return None
    return int(token_id)


def direction_for(
    loaded: LoadedModel,
    source: LangCodes,
    source_name: str,
    target: LangConfig,
    prefix_template: str = "",
) -> Direction:
    family = loaded.family
    where = f"translator {loaded.spec.name_or_path!r} ({family})"
    if family in ("nllb", "m2m100", "mbart50"):
        field = {"nllb": "nllb", "m2m100": "m2m100", "mbart50": "mbart50"}[family]
        src_code, tgt_code = getattr(source, field), getattr(target.codes, field)
        wrap = (lambda c: f"__{c}__") if family == "m2m100" else (lambda c: c)
        tgt_id = _token_id(loaded, wrap(tgt_code)) if tgt_code else None
        if tgt_id is None:
            raise LanguageNotSupportedError(
                f"{where} has no token for {target.name} (codes.{field}={tgt_code!r})"
            )
        if not src_code or _token_id(loaded, wrap(src_code)) is None:
            raise LanguageNotSupportedError(
                f"{where} has no token for the source language {source_name} ({src_code!r})"
            )
        return Direction(src_lang=src_code, forced_bos_token_id=tgt_id)
    if family == "marian":
        marian_token = target.codes.marian
        # Multi-target Marian models (opus-mt-en-ROMANCE, en-iir, ...) carry >>xxx<< tokens in their
        # vocabulary and expect one at the start of every input; single-target models have none.
        if marian_token and _token_id(loaded, marian_token) is not None:
            return Direction(prefix=f"{marian_token} ")
        return Direction()
    if prefix_template:
        return Direction(prefix=prefix_template.format(src_name=source_name, tgt_name=target.name))
    return Direction()


class Translator:
    """Translates texts into one language, sentence by sentence, batched across texts."""

    def __init__(self, generator: TextGenerator, direction: Direction, source_lang: str) -> None:
        self.generator = generator
        self.direction = direction
        self.source_lang = source_lang
        loaded = generator.loaded
        self.count = tokenizer_counter(loaded.tokenizer, direction.prefix)
        self.budget = input_budget(loaded.tokenizer, loaded.max_input_tokens, direction.prefix)

    def segments(self, text: str) -> list[str]:
        """Sentences (over-long ones cut at token boundaries): the units sent to the model."""
        spans = sentence_spans(text, self.source_lang)
        pieces = units(text, spans, self.count, self.budget, self.generator.loaded.tokenizer)
        return [s for (a, b), _ in pieces if (s := text[a:b].strip())]

    def translate(self, texts: Sequence[str]) -> list[tuple[str, list[Generated]]]:
        """Each text's translation (segments joined by a space) and the per-segment outputs."""
        segmented = [self.segments(t) for t in texts]
        flat = [s for segs in segmented for s in segs]
        outputs = self.generator.generate(
            flat,
            prefix=self.direction.prefix,
            src_lang=self.direction.src_lang,
            forced_bos_token_id=self.direction.forced_bos_token_id,
        )
        results, position = [], 0
        for segs in segmented:
            mine = outputs[position : position + len(segs)]
            position += len(segs)
            results.append((" ".join(g.text for g in mine if g.text), mine))
        return results
