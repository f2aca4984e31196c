from summarize.text.normalise import normalise_text


def test_html_is_parsed_not_regexed() -> None:
    html = "<p>Hello &amp; <b>world</b></p><script>alert(1)</script><p>Next\u00a0 para</p>"
    assert normalise_text(html, "en") == "Hello & world\n\nNext para"


def test_plain_text_with_angle_brackets_is_kept() -> None:
    assert normalise_text("3 < 5 and 7 > 2", "en") == "3 < 5 and 7 > 2"


def test_persian_yeh_kaf_digits_and_zwnj() -> None:
    # Arabic yeh/kaf -> Persian, "mi" prefix joined with ZWNJ, Latin digits -> Persian digits.
    assert (
        normalise_text("مي روند ولي كتاب‌ها را 123", "fa") == "می\u200cروند ولی کتاب\u200cها را ۱۲۳"
    )


def test_persian_decimal_is_not_split() -> None:
    assert normalise_text("آیا ۳.۵ درصد؟", "fa") == "آیا ۳.۵ درصد؟"


def test_nfc_controls_and_whitespace() -> None:
    assert normalise_text("e\u0301te\u0301\x00  \t x\r\n\n\n\ny  ", "fr") == "été x\n\ny"


def test_zwnj_survives_in_other_languages() -> None:
    assert normalise_text("می\u200cروند", "en") == "می\u200cروند"
