import csv
import json
from collections.abc import Callable
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from omegaconf import DictConfig

from summarize.config import FieldMap, SourceConfig
from summarize.records import Article, RecordError
from summarize.run.local import run
from summarize.source.files import InputFormatError, check_source, resolve_kind
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


def test_a_jsonl_file_without_source_is_read_as_jsonl(
    make_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    """Issue 22 item 2: `source.path=articles.jsonl` alone was one article of raw JSON, exit 0."""
    path = tmp_path / "articles.jsonl"
    rows = [
        {"id": f"a{i}", "text": f"Article {i} has one sentence. And a second one."} for i in (1, 2)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    result = run(make_config("summarizer=extractive", f"source.path={path}"))
    written = [json.loads(line) for line in (result.path / "records.jsonl").open()]
    assert [r["id"] for r in written] == ["a1", "a2"]
    assert [r["error"] for r in written] == [None, None]
    claim = json.loads((result.path / ".claim.json").read_text())
    assert claim["config"]["source"]["kind"] == "jsonl"  # what was read, not "auto"


@pytest.mark.parametrize(
    ("name", "kind", "compression"),
    [
        ("in.jsonl", "jsonl", "none"),
        ("in.JSONL.gz", "jsonl", "gzip"),
        ("in.csv", "csv", "none"),
        ("in.csv.gz", "csv", "gzip"),
        ("in.parquet", "parquet", "none"),
        ("one.txt", "text", "none"),
        ("folder", "text", "none"),
    ],
)
def test_source_auto_reads_a_file_by_its_name_and_a_folder_as_text(
    tmp_path: Path, name: str, kind: str, compression: str
) -> None:
    path = tmp_path / name
    if name == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"")
    cfg = SourceConfig(kind="auto", path=str(path))
    assert resolve_kind(cfg)
    assert (cfg.kind, cfg.compression) == (kind, compression)


def test_a_file_whose_name_says_nothing_or_a_jsonl_given_as_text_is_refused(
    tmp_path: Path,
) -> None:
    unnamed = tmp_path / "notes.json"
    unnamed.write_text('{"id": "x", "text": "y"}\n', "utf-8")
    with pytest.raises(
        InputFormatError, match="cannot tell how to read .*notes.json from its name"
    ):
        check_source(SourceConfig(kind="auto", path=str(unnamed)))
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"id": "x", "text": "y"}\n', "utf-8")
    with pytest.raises(InputFormatError, match="is jsonl by its name: use source=jsonl"):
        check_source(SourceConfig(kind="text", path=str(jsonl)))
    sample = SourceConfig(kind="auto")  # no path: the sample article, as text
    check_source(sample)
    assert sample.kind == "text"
