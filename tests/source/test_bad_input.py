"""Every bad input gets an error record with the right code; every good article its output."""

import csv
import json
from collections.abc import Callable
from pathlib import Path

from fixtures.bad_input import MIXED, write_bad_jsonl
from omegaconf import DictConfig

from summarize.run.local import run


def records(version: Path) -> list[dict]:
    return [
        json.loads(line) for line in (version / "records.jsonl").read_text("utf-8").splitlines()
    ]


def test_bad_corpus_is_fully_accounted_for(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = tmp_path / "bad.jsonl"
    lines = write_bad_jsonl(source)
    result = run(
        make_config(
            "source=jsonl",
            f"source.path={source}",
            "summarizer=extractive",
            "source.language_check=skip",
            "run.max_failure_ratio=1.0",
            "evaluation.langid=false",
            "source.max_record_chars=10000000",  # the 1.5 MB article is processed whole
        )
    )
    written = records(result.path)
    assert len(written) == len(lines)  # one record per input line, in order
    assert [r["error"]["code"] if r["error"] else None for r in written] == [
        code for _, code in lines
    ]
    assert result.read == len(lines)
    assert result.ok + result.failed == result.read
    assert result.failed == sum(code is not None for _, code in lines)
    # Good ones have outputs, bad ones none.
    assert all(r["summary"] for r in written if r["error"] is None)
    assert all(r["summary"] is None for r in written if r["error"] is not None)
    # Errors name the file and line, and land in errors.jsonl and the manifest.
    broken = next(r for r in written if (r["error"] or {}).get("code") == "malformed_json")
    assert broken["error"]["origin"] == f"{source}:10"
    errors = [
        json.loads(line) for line in (result.path / "errors.jsonl").read_text("utf-8").splitlines()
    ]
    assert [e["code"] for e in errors] == [code for _, code in lines if code]
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert manifest["counts"] == {"read": len(lines), "ok": result.ok, "failed": result.failed}
    by_id = {r["id"]: r for r in written if r["error"] is None}
    latin1_line = next(line for line, _ in lines if b"latin1" in line)
    offset = latin1_line.index(b"\xe9")
    assert by_id["latin1"]["notes"] == [f"invalid UTF-8 at byte {offset} replaced"]
    assert "\ufffd" in by_id["latin1"]["summary"]
    ((start, end),) = by_id["big"]["chunks"]["spans"]  # processed whole, not rejected
    assert start == 0
    assert end > 1_500_000
    assert MIXED in by_id["mixed"]["summary"]  # RTL/LTR and ZWNJ byte-exact
    assert "می\u200cروند" in (result.path / "records.jsonl").read_text("utf-8")


def test_duplicates_can_be_kept_with_suffixed_ids(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = tmp_path / "dupes.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": "a", "text": f"Text number {i}. It is fine."}) + "\n"
            for i in range(3)
        ),
        "utf-8",
    )
    result = run(
        make_config(
            "source=jsonl",
            f"source.path={source}",
            "summarizer=extractive",
            "source.duplicate_ids=suffix",
        )
    )
    assert [r["id"] for r in records(result.path)] == ["a", "a#2", "a#3"]
    assert result.failed == 0


def test_wrong_language_policies(make_config: Callable[..., DictConfig], tmp_path: Path) -> None:
    source = tmp_path / "fr.jsonl"
    text = "Le conseil s'est réuni mardi pour discuter du nouveau budget. Les membres ont accepté de financer deux écoles."
    source.write_text(json.dumps({"id": "x", "text": text, "lang": "en"}) + "\n", "utf-8")
    processed = records(
        run(make_config("source=jsonl", f"source.path={source}", "summarizer=extractive")).path
    )[0]
    assert processed["error"] is None
    assert "declared 'en' but the text reads as 'fr'" in processed["notes"][0]
    routed = records(
        run(
            make_config(
                "source=jsonl",
                f"source.path={source}",
                "summarizer=extractive",
                "source.language_check=route",
            )
        ).path
    )[0]
    assert routed["lang"] == "fr"
    assert routed["error"] is None


def test_csv_with_a_missing_column(make_config: Callable[..., DictConfig], tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "body"])
        writer.writerow(["1", "Text in the wrong column."])
    result = run(
        make_config(
            "source=csv",
            f"source.path={source}",
            "summarizer=extractive",
            "run.max_failure_ratio=1.0",
        )
    )
    (record,) = records(result.path)
    assert record["error"]["code"] == "missing_text"
    assert record["error"]["origin"] == f"{source}:2"
    assert result.failure_ratio_exceeded is False


def test_strict_utf8_rejects_with_the_byte_offset(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    source = tmp_path / "latin1.jsonl"
    line = b'{"id": "x", "text": "Caf\xe9."}\n'
    source.write_bytes(line)
    result = run(
        make_config(
            "source=jsonl",
            f"source.path={source}",
            "summarizer=extractive",
            "source.encoding_errors=strict",
            "run.max_failure_ratio=1.0",
        )
    )
    (record,) = records(result.path)
    assert record["error"]["code"] == "invalid_utf8"
    offset = line.index(b"\xe9")
    assert f"byte {offset}" in record["error"]["message"]
