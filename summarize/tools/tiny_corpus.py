"""Text the tiny models' tokenizers are trained on: English, French and Persian lines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

BUILTIN_LINES: tuple[str, ...] = (
    "The committee will publish its annual report on Friday morning.",
    "Scientists say the new vaccine could be ready within two years.",
    "She asked whether the train to London was running late again.",
    "Heavy rain flooded several streets in the old part of the city.",
    "The company's profits rose by 12% in the first quarter of 2024.",
    "Doctors recommend drinking water and resting for a few days.",
    '"We are very proud of what the team achieved," he said.',
    "Why don't you read the summary before the meeting?",
    "Le comité publiera son rapport annuel vendredi matin.",
    "Les scientifiques affirment que le vaccin sera prêt d'ici deux ans.",
    "L'été dernier, nous sommes allés à la mer près de Nice.",
    "Il a déjà répondu : « Ce n'est pas possible. »",
    "Où est la bibliothèque ? Elle ferme à dix-huit heures.",
    "Noël approche et les enfants sont très impatients.",
    "Le garçon a reçu une lettre de sa sœur aînée.",
    "Ça coûte cher, mais la qualité est excellente !",
    "Une île, un hôtel, une forêt et un château âgé.",
    "کمیته گزارش سالانه خود را روز جمعه منتشر می‌کند.",
    "دانشمندان می‌گویند واکسن جدید تا دو سال دیگر آماده است.",
    "کتاب‌ها روی میز هستند و بچه‌ها آن‌ها را می‌خوانند.",
    "آیا قطار امروز دیر می‌رسد؟",
    "باران شدید خیابان‌های قدیمی شهر را فرا گرفت.",
    "پزشکان توصیه می‌کنند چند روز استراحت کنید.",
    "او گفت: «ما به کار این گروه افتخار می‌کنیم.»",
    "قیمت‌ها در سال ۱۴۰۲ حدود ۲۵٪ افزایش یافت.",
    "ژاله، پدر و گیتی چای خوردند؛ هوا سرد بود.",
    # Character coverage, so that tokenizers trained on these lines alone (a clone without the
    # dev data) know every letter, digit and sign tests and samples use: no <unk> in round trips.
    "THE QUICK BROWN FOX JUMPS OVER A LAZY DOG: 0123456789.",
    "Pack my box with five dozen liquor jugs; sphinx of black quartz, judge my vow!",
    "Mix: (a) [b] {c} <d> @e #f $g %h ^i &j *k _l +m =n |o \\p /q ~r `s 'u' \"v\" -w ?x.",
    "Typography: “quoted” ‘single’ – dash — long dash … ellipsis « guillemets » 3€ £5 ¥7 ° §.",
    "ÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ àâæçéèêëîïôœùûüÿ: À Paris, l’Œuvre d’Éric coûte 12 €.",
    "Äpfel, Öl, Übermut und die Straße: ä ö ü ß Ä Ö Ü ẞ.",
    "¿Dónde está el niño? ¡Mañana! á é í ó ú ñ ü Á É Í Ó Ú Ñ.",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأؤإئةى ٠١٢٣٤٥٦٧٨٩ ، ؛ ؟ ـ",
    "پچژگکی ۰۱۲۳۴۵۶۷۸۹ ٪ ٫ ٬ «نقل‌قول» ــ",
)


def default_corpus_lines(shared_data_dir: str | Path, n: int = 600) -> list[str]:
    """Up to `n` English, French and Persian lines from the shared JSONL data (equal thirds).

    Falls back to the built-in sentences when nothing can be read, so it never fails.
    """
    pools: dict[str, list[str]] = {"en": [], "fr": [], "fa": []}

    def rows(name: str) -> list[dict[str, Any]]:
        try:
            with (Path(shared_data_dir) / name).open(encoding="utf-8") as fh:
                return [json.loads(line) for line in fh if line.strip()]
        except (OSError, ValueError):  # missing or malformed file: use what else there is
            return []

    for name in ("flores200_devtest_dev.jsonl", "tico19_test_enfa.jsonl"):
        for row in rows(name):
            pools["en"].append(row.get("source", ""))
            pools.setdefault(row.get("tgt_lang", "fa"), []).append(row.get("reference", ""))
    for row in rows("cnndm_frank_dev.jsonl"):
        # Articles are thousands of characters; sentencepiece wants sentence-sized lines.
        pools["en"].extend(re.split(r"(?<=[.!?])\s+", row.get("text", "")))
    per_lang = max(n // 3, 1)
    picked = [
        line
        for lang in ("en", "fr", "fa")
        for line in [" ".join(s.split()) for s in pools[lang]][:per_lang]
        if line
    ]
    return picked[:n] if picked else list(BUILTIN_LINES)
