"""Packing sentences into model inputs, counted with the model's own tokenizer.

Invariant (tested with hypothesis): the chunks' spans, in order, cover every character of the text;
nothing is truncated. A sentence longer than the budget is cut at token boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from summarize.records import Chunk

TokenCounter = Callable[[str], int]
Span = tuple[int, int]


def tokenizer_counter(tokenizer: Any, prefix: str = "") -> TokenCounter:
    """Tokens a text costs as model input, without special tokens (the budget excludes them)."""

    def count(text: str) -> int:
        return len(tokenizer(prefix + text.strip(), add_special_tokens=False)["input_ids"])

    return count


def input_budget(tokenizer: Any, max_input_tokens: int, prefix: str = "") -> int:
    """Tokens left for text once special tokens and any task prefix are added."""
    specials = tokenizer.num_special_tokens_to_add(pair=False)
    prefix_tokens = len(tokenizer(prefix, add_special_tokens=False)["input_ids"]) if prefix else 0
    budget = max_input_tokens - specials - prefix_tokens
    if budget < 8:
        raise ValueError(
            f"input budget of {budget} tokens is too small: raise chunking.max_input_tokens"
        )
    return budget


def _cut_points_by_offsets(text: str, span: Span, tokenizer: Any, budget: int) -> list[int]:
    start, end = span
    encoded = tokenizer(text[start:end], add_special_tokens=False, return_offsets_mapping=True)
    offsets = encoded["offset_mapping"]
    return [start + offsets[i][0] for i in range(budget, len(offsets), budget) if offsets[i][0] > 0]


def _cut_points_by_bisection(text: str, span: Span, count: TokenCounter, budget: int) -> list[int]:
    """Longest prefixes that fit, preferring to cut at whitespace."""
    cuts, start, end = [], span[0], span[1]
    while count(text[start:end]) > budget:
        low, high = start + 1, end
        while low < high:  # largest cut with count(text[start:cut]) <= budget
            middle = (low + high + 1) // 2
            if count(text[start:middle]) <= budget:
                low = middle
            else:
                high = middle - 1
        cut = low
        space = text.rfind(" ", start + 1, cut)
        if space > start + (cut - start) // 2:
            cut = space
        cuts.append(cut)
        start = cut
    return cuts


def split_long_span(
    text: str, span: Span, count: TokenCounter, budget: int, tokenizer: Any | None = None
) -> list[Span]:
    """Cut one over-long sentence into pieces that each fit the budget."""
    cuts: list[int] = []
    if tokenizer is not None and getattr(tokenizer, "is_fast", False):
        cuts = _cut_points_by_offsets(text, span, tokenizer, budget)
    bounds = [span[0], *cuts, span[1]]
    pieces = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    # Re-tokenising a piece on its own can cost a token or two more than its share: re-cut those.
    fitted: list[Span] = []
    for piece in pieces:
        inner = _cut_points_by_bisection(text, piece, count, budget)
        inner_bounds = [piece[0], *inner, piece[1]]
        fitted.extend((a, b) for a, b in zip(inner_bounds, inner_bounds[1:], strict=False) if b > a)
    return fitted


def units(
    text: str,
    sentence_spans: Sequence[Span],
    count: TokenCounter,
    budget: int,
    tokenizer: Any | None = None,
) -> list[tuple[Span, int]]:
    """Sentences with their token counts; over-long ones already split into pieces that fit."""
    result: list[tuple[Span, int]] = []
    for span in sentence_spans:
        n = count(text[span[0] : span[1]])
        if n <= budget:
            result.append((span, n))
        else:
            result.extend(
                (piece, count(text[piece[0] : piece[1]]))
                for piece in split_long_span(text, span, count, budget, tokenizer)
            )
    return result


def pack_chunks(
    text: str,
    sentence_spans: Sequence[Span],
    count: TokenCounter,
    budget: int,
    *,
    tokenizer: Any | None = None,
    overlap_sentences: int = 0,
) -> list[Chunk]:
    """Greedily pack whole sentences into chunks of at most ``budget`` tokens."""
    pieces = units(text, sentence_spans, count, budget, tokenizer)
    chunks: list[Chunk] = []
    i = 0
    while i < len(pieces):
        j, total = i, 0
        while j < len(pieces) and total + pieces[j][1] <= budget:
            total += pieces[j][1]
            j += 1
        j = max(j, i + 1)
        # Summed sentence counts can differ from the joined text's count at the seams: verify.
        while True:
            start, end = pieces[i][0][0], pieces[j - 1][0][1]
            n = count(text[start:end])
            if n <= budget or j == i + 1:
                break
            j -= 1
        chunks.append(Chunk(start=start, end=end, text=text[start:end].strip(), n_tokens=n))
        if j >= len(pieces):
            break
        back = min(overlap_sentences, j - i - 1)
        overlap_cost = sum(p[1] for p in pieces[j - back : j])
        i = j - back if back and overlap_cost <= budget // 2 else j
    return chunks
