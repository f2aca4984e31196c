"""How to ask a translator for one language pair, whichever family it is.

Family quirks (source/target language tokens, forced first token, task prefixes) are chosen from
the loaded checkpoint's config and tokenizer (``LoadedModel.family``), never from its Hub name.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarize.config import LangCodes, LangConfig
from summarize.generate.models import LoadedModel


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
