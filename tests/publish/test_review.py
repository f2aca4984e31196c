"""The needs-review queue of report.html: least supported first, bounded, spans highlighted."""

from typing import Any

from summarize.publish.review import ReviewQueue, highlight


def record(n: int, support: float, flags: list[str] | None = None) -> dict[str, Any]:
    summary = f"Summary {n} says 12 things."
    return {
        "id": f"r{n}",
        "lang": "en",
        "summary": summary,
        "translations": {"fr": {"summary": f"Résumé {n}."}},
        "checks": {
            "summary": {
                "support": support,
                "flag": support < 0.88,
                "sentences": [
                    {"start": 0, "end": len(summary), "support": support, "evidence": "Source."}
                ],
                "unsupported": [
                    {
                        "start": summary.index("12"),
                        "end": summary.index("12") + 2,
                        "text": "12",
                        "kind": "number",
                    }
                ]
                if support < 0.88
                else [],
            },
            "translations": {"fr": {"summary": {"flags": flags or []}}},
            "needs_review": support < 0.88 or bool(flags),
        },
    }


def test_highlight_cuts_text_at_unsupported_spans() -> None:
    text = "The mayor Paul Durand paid 9,500 euros."
    spans = [
        {"start": 27, "end": 32, "kind": "number"},
        {"start": 10, "end": 21, "kind": "entity"},
    ]
    assert highlight(text, spans) == [
        ("The mayor ", None),
        ("Paul Durand", "entity"),
        (" paid ", None),
        ("9,500", "number"),
        (" euros.", None),
    ]
    assert "".join(piece for piece, _ in highlight(text, spans)) == text


def test_queue_keeps_the_least_supported_in_bounded_memory() -> None:
    queue = ReviewQueue(size=3)
    supports = [0.9, 0.5, 0.95, 0.2, 0.7, 0.6, 1.0]
    for n, support in enumerate(supports):
        queue.add(record(n, support))
    queue.add(record(99, 1.0, flags=["numbers"]))  # a translation flag alone
    assert queue.checked == 8
    assert queue.flagged == 5  # 0.5, 0.2, 0.7, 0.6 and the translation
    items = queue.items()
    assert [item["id"] for item in items] == ["r3", "r1", "r5"]
    assert items[0]["summary"][1] == ("12", "number")
    assert items[0]["evidence"][0]["source"] == "Source."


def test_translation_reasons_say_what_failed() -> None:
    queue = ReviewQueue()
    flagged = record(1, 1.0, flags=["numbers", "wrong_language"])
    flagged["checks"]["translations"]["fr"]["summary"]["numbers"] = {
        "missing": [{"start": 0, "end": 2, "text": "12"}],
        "added": [],
    }
    queue.add(flagged)
    (item,) = queue.items()
    assert item["translations"][0]["reasons"] == ["numbers: missing 12", "wrong language"]
    assert item["summary"] == [("Summary 1 says 12 things.", None)]
