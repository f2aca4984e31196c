from hypothesis import given
from hypothesis import strategies as st

from summarize.text.sentences import sentence_spans, split_sentences


def test_persian_splits_on_question_mark_and_full_stop_but_not_decimals() -> None:
    text = "این یک جمله است؟ و این جمله دوم است. آیا ۳.۵ درصد؟"
    assert split_sentences(text, "fa") == [
        "این یک جمله است؟",
        "و این جمله دوم است.",
        "آیا ۳.۵ درصد؟",
    ]


def test_french_guillemets_elisions_and_abbreviations() -> None:
    text = "« Bonjour », dit-il. L'homme répondit : « Bien. » M. Dupont est là. C'est l'été."
    assert split_sentences(text, "fr") == [
        "« Bonjour », dit-il.",
        "L'homme répondit : « Bien. »",
        "M. Dupont est là.",
        "C'est l'été.",
    ]


def test_english_abbreviations_and_paragraphs() -> None:
    assert split_sentences("Dr. Smith paid $3.5 million. He left.\n\nNew para", "en") == [
        "Dr. Smith paid $3.5 million.",
        "He left.",
        "New para",
    ]


@given(
    st.text(alphabet=st.sampled_from(list("ab .?!؟\n«»'کیآ۳3é")), max_size=200),
    st.sampled_from(["en", "fr", "fa"]),
)
def test_spans_tile_the_text(text: str, lang: str) -> None:
    spans = sentence_spans(text, lang)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(a < b for a, b in spans)
