import json
import os
from pathlib import Path

import pytest

from summarize.run.versions import claim_version, point_latest, safe_name
from summarize.store.atomic import RecordWriter, write_json_atomic


def test_versions_are_claimed_once_and_grow(tmp_path: Path) -> None:
    first, second = claim_version(tmp_path / "job"), claim_version(tmp_path / "job")
    assert (first.name, second.name) == ("v0001", "v0002")
    second.rmdir()  # a deleted latest version is not reused if a later one exists
    (tmp_path / "job" / "v0007").mkdir()
    assert claim_version(tmp_path / "job").name == "v0008"


def test_latest_points_to_the_finished_version(tmp_path: Path) -> None:
    job = tmp_path / "job"
    one, two = claim_version(job), claim_version(job)
    point_latest(job, one)
    point_latest(job, two)
    assert os.readlink(job / "latest") == "v0002"
    assert not [p for p in job.iterdir() if p.name.endswith(".tmp")]


def test_atomic_json_leaves_no_temp_files_and_is_readable(tmp_path: Path) -> None:
    write_json_atomic(tmp_path / "m.json", {"fa": "می\u200cروند"})
    assert json.loads((tmp_path / "m.json").read_text("utf-8")) == {"fa": "می\u200cروند"}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
    assert (tmp_path / "m.json").stat().st_mode & 0o044  # readable by others, unlike mkstemp's 0600


def test_record_writer_appends_whole_lines(tmp_path: Path) -> None:
    with RecordWriter(tmp_path / "r.jsonl") as writer:
        writer.write_many([{"id": "1"}, {"id": "2"}])
        writer.write_many([{"id": "3"}])
    lines = (tmp_path / "r.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["1", "2", "3"]


@pytest.mark.parametrize("name", ["../x", "/abs", "a/b", "..", "a\x00b", "", ".hidden"])
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a safe folder name"):
        safe_name(name, "output.job")


def test_a_record_that_cannot_be_serialised_becomes_its_own_error(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    with RecordWriter(path) as writer:
        writer.write_many(
            [
                {"id": "a", "input_key": "k1", "error": None},
                {"id": "b\ud800", "input_key": "k2", "error": None},  # lone surrogate
                {"id": "c", "input_key": "k3", "error": None, "value": object()},
                {"id": "d", "input_key": "k4", "error": None},
            ]
        )
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert [r["id"] for r in lines] == ["a", "b\\ud800", "c", "d"]
    assert [r["input_key"] for r in lines] == ["k1", "k2", "k3", "k4"]
    assert [(r["error"] or {}).get("code") for r in lines] == [
        None,
        "serialisation_failed",
        "serialisation_failed",
        None,
    ]
