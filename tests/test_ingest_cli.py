"""`eikg ingest` and `eikg load` end to end: real spaCy model, real Neo4j, dev corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyshacl import validate
from test_loader import a1, snapshot
from typer.testing import CliRunner

from eikg.cli import app
from eikg.graph import rdf, rdf_export
from eikg.graph.ontology import ontology_graph, shapes_graph
from eikg.records import to_json

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev" / "articles"


@pytest.fixture
def db(driver, clean_db):
    return driver


def counts(driver) -> tuple[int, int]:
    with driver.session() as s:
        nodes = s.run("MATCH (n) RETURN count(n) AS n").single()["n"]
        rels = s.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]
    return nodes, rels


@pytest.mark.slow
def test_ingest_dev_corpus_twice_is_idempotent_and_shacl_valid(db, tmp_path):
    runner = CliRunner()
    merges = str(tmp_path / "merges.jsonl")
    first = runner.invoke(app, ["ingest", str(DEV), "--merges", merges])
    assert first.exit_code == 0, first.output
    assert "articles loaded 15" in first.output
    after_first = counts(db)
    graph_first = snapshot(db)
    assert after_first[0] > 15 and after_first[1] > 15
    second = runner.invoke(app, ["ingest", str(DEV), "--merges", merges])
    assert second.exit_code == 0, second.output
    assert "articles loaded 0 (replaced 0), skipped 15" in second.output
    assert counts(db) == after_first
    assert snapshot(db) == graph_first
    print(f"dev corpus ingested twice: {after_first[0]} nodes, {after_first[1]} relationships")
    ok, _, report = validate(
        rdf.to_graph(rdf_export.iter_quads(db)),
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
    )
    assert ok, report


def test_load_reports_bad_lines_and_loads_the_rest(db, tmp_path):
    path = tmp_path / "extract.jsonl"
    bad_type = to_json(a1())
    bad_type["id"] = "t-b"
    bad_type["entities"][2]["type"] = "ROBOT"
    path.write_text(
        json.dumps(to_json(a1())) + "\nnot json at all\n" + json.dumps(bad_type) + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["load", str(path), "--merges", str(tmp_path / "m.jsonl")])
    assert result.exit_code == 0, result.output
    assert f"{path}:2: malformed JSON" in result.stderr
    assert f"{path}:3: entity" in result.stderr and "ROBOT" in result.stderr
    assert "articles loaded 2" in result.stderr
    with db.session() as s:
        ids = {r["id"] for r in s.run("MATCH (a:Article) RETURN a.id AS id")}
    assert ids == {"t-a1", "t-b"}


def test_load_unreachable_server_is_one_line_and_exit_1(tmp_path):
    path = tmp_path / "extract.jsonl"
    path.write_text(json.dumps(to_json(a1())) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["load", str(path), "--uri", "bolt://127.0.0.1:9", "--password", "x"]
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "127.0.0.1:9" in lines[0]


def test_load_missing_file_is_one_line_and_exit_1(tmp_path):
    result = CliRunner().invoke(app, ["load", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'missing.jsonl'}: cannot read: No such file or directory"


def test_ingest_with_nothing_readable_exits_1(db, tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--merges", str(tmp_path / "m.jsonl")])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr


def test_ingest_with_workers_loads_the_same_graph(db, tmp_path):
    """--workers 2 runs spaCy in two processes; the graph is the one a single process loads."""
    files = sorted(DEV.glob("*.txt"))[:3]
    for f in files:
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    merges = str(tmp_path / "merges.jsonl")
    runner = CliRunner()
    one = runner.invoke(app, ["ingest", str(tmp_path), "--merges", merges, "--workers", "1"])
    assert one.exit_code == 0, one.output
    single = snapshot(db)
    with db.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()
    two = runner.invoke(app, ["ingest", str(tmp_path), "--merges", merges, "--workers", "2"])
    assert two.exit_code == 0, two.output
    assert "articles loaded 3" in two.output
    assert snapshot(db) == single
