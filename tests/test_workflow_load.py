"""workflow.LoadJob: extraction files checked before connecting, then loaded with bad rows counted (real Neo4j)."""

from __future__ import annotations

import json
import re

import pytest
from query_fixture import extractions

from eikg.errors import InputError
from eikg.workflow import LoadJob
from eikg.records import to_json


def _write(path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_read_counts_articles_and_reads_no_merges_when_there_are_none(tmp_path):
    first = _write(tmp_path / "a.jsonl", [json.dumps(to_json(ex)) for ex in extractions()[:2]])
    second = _write(tmp_path / "b.jsonl", ["", json.dumps(to_json(extractions()[2])), "   "])
    job = LoadJob.read([first, second], tmp_path / "merges.jsonl")
    assert job.files == (first, second)
    assert job.articles == 3
    assert dict(job.redirects) == {}


def test_read_names_an_unreadable_file(tmp_path):
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(InputError, match=f"^{re.escape(str(missing))}: cannot read: No such file or directory$"):
        LoadJob.read([str(missing)], tmp_path / "merges.jsonl")


def test_run_loads_counts_bad_rows_and_loads_nothing_twice(clean_db, tmp_path):
    lines = [json.dumps(to_json(ex)) for ex in extractions()]
    path = _write(tmp_path / "x.jsonl", [lines[0], "not json", "[1, 2]", *lines[1:]])
    job = LoadJob.read([path], tmp_path / "merges.jsonl")
    warned: list[str] = []
    report = job.run(clean_db, warn=warned.append)
    assert report.bad_rows == 2
    assert report.summary.articles_loaded == 3
    assert str(report).endswith("; bad rows 2")
    assert [w.split(": ")[0] for w in warned] == [f"{path}:2", f"{path}:3"]
    again = job.run(clean_db)
    assert again.summary.articles_loaded == 0
    assert again.summary.articles_skipped == 3
