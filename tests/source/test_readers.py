import csv
import json
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

from summarize.config import FieldMap, SourceConfig
from summarize.records import Article, RecordError
from summarize.source.readers import read_source

ROWS = [
    {
        "id": "a",
        "text": "First article. It is short.",
        "lang": "en",
        "reference": "First.",
        "references": {"fa": "اول"},
    },
    {"id": "b", "text": "L'été est là.", "lang": "fr"},
]


def test_default_is_the_shipped_sample_article() -> None:
    (article,) = read_source(SourceConfig())
    assert isinstance(article, Article)
    assert article.id == "article.txt"
    assert article.title == "Stampede Kills Dozens Of Mourners At Iranian Commander's Burial"
    assert article.text.startswith("Massive crowds are seen mourning")


def test_text_folder_ids_are_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.md").write_text("One.", "utf-8")
    (tmp_path / "two.txt").write_bytes(b"Two \xff.")
    (tmp_path / "skip.json").write_text("{}", "utf-8")
    items = list(read_source(SourceConfig(path=str(tmp_path))))
    assert [i.id for i in items] == ["sub/one.md", "two.txt"]
    assert items[1].notes == ("invalid UTF-8 at byte 4 replaced",)


def test_jsonl_bad_lines_are_errors_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps(ROWS[0])
        + "\n{broken\n\n[1]\n"
        + json.dumps({"id": "c"})
        + "\n"
        + json.dumps(ROWS[1])
        + "\n",
        "utf-8",
    )
    items = list(read_source(SourceConfig(kind="jsonl", path=str(path))))
    assert [type(i).__name__ for i in items] == [
        "Article",
        "RecordError",
        "RecordError",
        "RecordError",
        "Article",
    ]
    assert items[0].references == {"fa": "اول"}
    assert items[0].reference == "First."
    broken = items[1]
    assert isinstance(broken, RecordError)
    assert broken.code == "malformed_json"
    assert broken.origin.endswith(":2")
    assert items[3].code == "missing_text"
    assert items[3].id == "c"


def test_csv_flat_reference_columns(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "references.fa"])
        writer.writeheader()
        writer.writerow(
            {"id": "x", "text": "Text, with comma\nand newline.", "references.fa": "متن"}
        )
    (article,) = read_source(SourceConfig(kind="csv", path=str(path)))
    assert article.text == "Text, with comma\nand newline."
    assert article.references == {"fa": "متن"}


def test_parquet_and_saved_hf_dataset(tmp_path: Path) -> None:
    table = pa.Table.from_pylist([{"id": r["id"], "body": r["text"]} for r in ROWS])
    pq.write_table(table, tmp_path / "in.parquet")
    fields = FieldMap(text="body")
    parquet_items = list(
        read_source(SourceConfig(kind="parquet", path=str(tmp_path / "in.parquet"), fields=fields))
    )
    datasets.Dataset.from_list([{"id": r["id"], "body": r["text"]} for r in ROWS]).save_to_disk(
        str(tmp_path / "ds")
    )
    hf_items = list(read_source(SourceConfig(kind="hf", path=str(tmp_path / "ds"), fields=fields)))
    assert (
        [(a.id, a.text) for a in parquet_items]
        == [(a.id, a.text) for a in hf_items]
        == [(r["id"], r["text"]) for r in ROWS]
    )


def test_limit(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), "utf-8")
    assert len(list(read_source(SourceConfig(kind="jsonl", path=str(path), limit=1)))) == 1
