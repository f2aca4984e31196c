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


def test_quoted_speech_is_split_into_its_sentences_in_english() -> None:
    # sentencex keeps a quotation whole; a news quote can run for a paragraph.
    text = (
        "Locke said: 'I had a taste of it at Hearts. I'm fortunate. It's a fantastic chance.' "
        "He left. \u201cWe won. It was great,\u201d he said."
    )
    assert split_sentences(text, "en") == [
        "Locke said: 'I had a taste of it at Hearts.",
        "I'm fortunate.",
        "It's a fantastic chance.'",
        "He left.",
        "\u201cWe won.",
        "It was great,\u201d he said.",
    ]


def test_quoted_speech_is_split_in_french_with_guillemets_and_curly_quotes() -> None:
    text = (
        "Il a déclaré : « Nous sommes prêts. Le pays attend. » Puis il est parti. "
        "Elle a répondu : \u201cC\u2019est faux. Nous verrons.\u201d"
    )
    assert split_sentences(text, "fr") == [
        "Il a déclaré : « Nous sommes prêts.",
        "Le pays attend. »",
        "Puis il est parti.",
        "Elle a répondu : \u201cC\u2019est faux.",
        "Nous verrons.\u201d",
    ]


def test_persian_guillemets_are_split_too() -> None:
    assert split_sentences("او گفت: «این خوب است. ما بردیم.» سپس رفت.", "fa") == [
        "او گفت: «این خوب است.",
        "ما بردیم.»",
        "سپس رفت.",
    ]


def test_no_split_inside_quotes_after_abbreviations_initials_or_lower_case() -> None:
    text = (
        '"Gen. Petraeus met Mr. Smith and J. K. Rowling in the U.S. on Friday, e.g. Fred. '
        'it was fine. We ate," she said.'
    )
    assert split_sentences(text, "en") == [
        '"Gen. Petraeus met Mr. Smith and J. K. Rowling in the U.S. on Friday, e.g. Fred. '
        "it was fine.",
        'We ate," she said.',
    ]
    assert split_sentences("« M. Dupont arrive. Mme Durand aussi. »", "fr") == [
        "« M. Dupont arrive.",
        "Mme Durand aussi. »",
    ]


def test_glued_sentences_of_scraped_text_are_split_but_not_decimals_or_initials() -> None:
    text = 'Il est mort.Lorsque les secours sont arrivés. Un médecin."L\'unité" coûte 3.5 M.Dupont.'
    assert split_sentences(text, "fr") == [
        "Il est mort.",
        "Lorsque les secours sont arrivés.",
        "Un médecin.",
        '"L\'unité" coûte 3.5 M.Dupont.',
    ]


def test_a_blank_line_ends_a_sentence_without_punctuation() -> None:
    assert split_sentences("Headline without a stop\n\nBody starts here. Next.", "en") == [
        "Headline without a stop",
        "Body starts here.",
        "Next.",
    ]


@given(
    st.text(alphabet=st.sampled_from(list("ab AB.?!؟\n«»'\"“”‘’(…کیآ۳3éÉ")), max_size=200),
    st.sampled_from(["en", "fr", "fa"]),
)
def test_spans_tile_the_text(text: str, lang: str) -> None:
    spans = sentence_spans(text, lang)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(a < b for a, b in spans)
    # Whitespace belongs to the sentence before it: only the first span may start with it.
    assert all(not text[a].isspace() for a, _ in spans[1:])
