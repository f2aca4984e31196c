import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.text.chunks import pack_chunks, tokenizer_counter
from summarize.text.sentences import sentence_spans


def count_words(text: str) -> int:
    """A stand-in tokenizer: one token per whitespace-separated word (the model tokenizer is tested elsewhere)."""
    return len(text.split())


def covered(text: str, chunks: list) -> bool:
    position = 0
    for chunk in chunks:
        if chunk.start > position:
            return False
        position = max(position, chunk.end)
    return position == len(text)


WORDS = st.sampled_from(
    [
        "the",
        "cat",
        "l'été",
        "« oui »",
        "کتاب\u200cها",
        "می\u200cروند",
        "؟",
        ".",
        "3.5",
        "aaaaaaaaaaaaaaaaaaaaaa",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(WORDS, st.sampled_from([" ", " ", "\n", ". ", "? ", "؟ ", ""])), max_size=120
    ),
    st.sampled_from(["en", "fr", "fa"]),
    st.integers(min_value=8, max_value=40),
    st.integers(min_value=0, max_value=2),
)
def test_every_character_lands_in_a_chunk_in_order(parts, lang, budget, overlap) -> None:
    text = "".join(w + s for w, s in parts)
    chunks = pack_chunks(
        text, sentence_spans(text, lang), count_words, budget, overlap_sentences=overlap
    )
    assert covered(text, chunks)
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    assert all(c.n_tokens <= budget for c in chunks)
    assert all(c.text == text[c.start : c.end].strip() for c in chunks)


def test_long_sentence_is_cut_not_truncated() -> None:
    text = " ".join(f"w{i}" for i in range(1000)) + "."
    chunks = pack_chunks(text, sentence_spans(text, "en"), count_words, 64)
    assert covered(text, chunks)
    assert len(chunks) == 16
    assert " ".join(c.text for c in chunks) == text


TEXT_PIECES = st.sampled_from(
    ["The council met. ", "L'été à Paris, « déjà » là ? ", "کتاب‌ها را می‌خوانم؟ ", "آیا ۳.۵ درصد است. ",
     "Verylongwordwithoutanyspaceatallrepeated" * 3, "\n\n", "M. Dupont est là. ", "!!! "]
)  # fmt: skip


@pytest.mark.parametrize("family", ["bart", "nllb", "t5"])
def test_real_tokenizer_chunks_cover_the_text_and_fit_the_budget(
    tiny_models: dict, family: str
) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_models[family])
    count = tokenizer_counter(tokenizer)

    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(TEXT_PIECES, min_size=1, max_size=40),
        st.sampled_from(["en", "fr", "fa"]),
        st.integers(8, 48),
    )
    def check(pieces: list[str], lang: str, budget: int) -> None:
        text = "".join(pieces)
        chunks = pack_chunks(text, sentence_spans(text, lang), count, budget, tokenizer=tokenizer)
        assert covered(text, chunks)
        assert all(count(c.text) <= budget for c in chunks)
        assert all(c.n_tokens <= budget for c in chunks)

    check()
