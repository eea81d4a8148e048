"""`eikg load --bulk`: Neo4j's importer builds the graph the Cypher loader builds.

Real importer (the Maven-fetched Neo4j's), real server (stopped and started by the
bulk load), compared with ``eikg load`` of the same input by a full dump of nodes,
relationships and every property (``test_loader.snapshot``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from test_loader import a1, a2, article, snapshot
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError
from eikg.graph.bulk import bulk_load, importer_command, write_import_files
from eikg.graph.connection import Settings
from eikg.graph.loader import Redirect, load
from eikg.workflow import read_extractions
from eikg.records import EntityType, RelationType, to_json

ROOT = Path(__file__).resolve().parents[1]
E, R = EntityType, RelationType


def _synthetic(articles: int, per_article: int):
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "benchmarks" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_corpus(articles, per_article)


def _awkward():
    """Fields a CSV can get wrong: quotes, commas, line breaks, no date, no sentence,
    an event's place (a LOCATED_IN no relation states), one key under two names."""
    hall = ("v", "event:open day@2024-06-01", "Open Day", E.EVENT, [], "2024-06-01", "pl")
    city = ("pl", "place:river city", "River City", E.PLACE, [])
    quoted = ("q", "enterprise:acme robotics", 'Acme "Robo", Inc', E.ENTERPRISE, ["ACME;R", "A,R"])
    same = ("q2", "enterprise:acme robotics", "Acme", E.ENTERPRISE, ["AR"])
    return [
        article("t-quote", "2022-01-05", [quoted, same, city, hall],
                [("q", R.PARTICIPATED_IN, "v", 'She said "yes, twice";\nthen left.\r\nEnd.'),
                 ("q2", R.LOCATED_IN, "pl", "")]),
        article("t-nodate", None, [quoted, city], [("q", R.LOCATED_IN, "pl", "Acme sits in River City.")]),
    ]


def _write(path: Path, extractions) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for ex in extractions:
            out.write(json.dumps(to_json(ex), ensure_ascii=False) + "\n")
    return path


def _differences(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """What only one side holds (the first few, cut short: an Article's extraction is long)."""
    return sorted(x[:400] for x in set(a) - set(b))[:5], sorted(x[:400] for x in set(b) - set(a))[:5]


REDIRECTS = {
    "person:li ming": Redirect("person:ming li", "Ming Li", E.PERSON),
}


@pytest.fixture
def fresh_bookmarks(driver, clean_db):
    """The shared driver, its execute_query bookmarks dropped after the test: an import
    starts the database's transaction ids afresh, so a bookmark from before it would
    make the server wait for a transaction that never comes."""
    yield driver
    driver._query_bookmark_manager = GraphDatabase.bookmark_manager()


def test_bulk_load_builds_the_graph_the_cypher_loader_builds(fresh_bookmarks, neo4j_settings, tmp_path):
    driver = fresh_bookmarks
    corpus = [a1(), a2(), *_awkward(), *_synthetic(40, 12)]
    path = _write(tmp_path / "extract.jsonl", corpus)
    changed = article("t-a1", "2021-02-02", [("c", "college:hill valley college", "Hill Valley College",
                                              E.COLLEGE, ["Hill"])],
                      [])  # one article edited: it now names one entity and no relation
    summary = bulk_load(read_extractions(path), neo4j_settings, redirects=REDIRECTS)
    assert summary.articles == len(corpus)
    bulk = snapshot(driver)
    load(driver, [changed], redirects=REDIRECTS)  # later loads stay incremental
    bulk_then_changed = snapshot(driver)

    with driver.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
    load(driver, read_extractions(path), redirects=REDIRECTS, batch_size=50)
    cypher = snapshot(driver)
    load(driver, [changed], redirects=REDIRECTS)
    cypher_then_changed = snapshot(driver)

    assert len(bulk["rels"]) == summary.relationships_imported
    assert _differences(bulk["nodes"], cypher["nodes"]) == ([], [])
    assert _differences(bulk["rels"], cypher["rels"]) == ([], [])
    assert bulk_then_changed == cypher_then_changed
    with driver.session() as session:
        constraints = session.run("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names").single()
    assert "entity_key_key" in constraints["names"]


def test_bulk_refuses_a_database_that_holds_nodes(driver, clean_db, neo4j_settings, tmp_path):
    driver.execute_query("CREATE (:Article {id: 'already-here'})")
    path = _write(tmp_path / "extract.jsonl", [a1()])
    with pytest.raises(InputError, match="eikg load"):
        bulk_load(read_extractions(path), neo4j_settings)
    result = CliRunner().invoke(app, ["load", "--bulk", str(path), "--merges", str(tmp_path / "m.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "`eikg load`" in result.stderr


def test_bulk_refuses_a_remote_server_without_touching_it(tmp_path):
    path = _write(tmp_path / "extract.jsonl", [a1()])
    remote = Settings("bolt://192.0.2.1:7687", "neo4j", "x", local=False)
    with pytest.raises(InputError, match="eikg load"):
        bulk_load(read_extractions(path), remote)


def test_an_article_repeated_with_other_content_is_refused_naming_the_file(tmp_path):
    edited = article("t-a1", "2023-03-10", [], [])
    path = _write(tmp_path / "twice.jsonl", [a1(), a1(), edited])
    with pytest.raises(InputError, match=r"twice\.jsonl:3: article 't-a1' appears again"):
        write_import_files(read_extractions(path), tmp_path / "csv")


def test_files_have_ontology_labels_and_one_relationship_file_per_type(tmp_path):
    files = write_import_files([a1(), a2()], tmp_path / "csv")
    names = sorted(p.name for p in files.relationships)
    assert names == ["mentions.csv", "rel-HOLDS_POSITION.csv", "rel-LOCATED_IN.csv", "rel-ORGANIZED.csv",
                     "rel-PARTICIPATED_IN.csv", "rel-PARTNERS_WITH.csv"]
    entities = (tmp_path / "csv" / "entities.csv").read_text(encoding="utf-8")
    assert "Entity\x1fOrganization\x1fCollege" in entities


def test_the_database_name_comes_before_the_file_lists(tmp_path):
    """After --relationships=FILE the importer would take a name as one more file."""
    files = write_import_files([a1()], tmp_path / "csv")
    assert files.multiline == []
    command = importer_command(files, "neo4j", tmp_path / "report")
    assert command[command.index("full") + 1] == "neo4j"


def test_text_holding_the_array_delimiter_is_refused_naming_the_line(tmp_path):
    odd = article("t-odd", "2024-01-01", [("c", "college:odd", "Odd\x1fCollege", E.COLLEGE, [])], [])
    path = _write(tmp_path / "odd.jsonl", [a1(), odd])
    with pytest.raises(InputError, match=r"odd\.jsonl:2: text holds the control character U\+001F"):
        write_import_files(read_extractions(path), tmp_path / "csv")


def test_planning_in_worker_processes_writes_the_same_files_and_warnings(tmp_path):
    """`eikg load --bulk` plans big inputs in worker processes: same files, byte for
    byte, and the same warnings in the same order as planning in this process."""
    from eikg.workflow import planned_in_processes

    bad = article("t-dangling", "2024-02-02", [("c", "college:hill", "Hill College", E.COLLEGE, [])],
                  [("c", R.PARTNERS_WITH, "nobody", "A sentence.")])
    path = _write(tmp_path / "in.jsonl", [*_synthetic(300, 6), *_awkward(), bad])
    with path.open("a", encoding="utf-8") as out:
        out.write("not json\n")
    serial_warnings: list[str] = []
    serial = write_import_files(read_extractions(path, serial_warnings.append), tmp_path / "serial",
                                redirects=REDIRECTS, warn=serial_warnings.append)
    worker_warnings: list[str] = []
    planned = planned_in_processes([str(path)], REDIRECTS, worker_warnings.append, workers=2, chunk=16)
    parallel = write_import_files(planned, tmp_path / "workers", redirects=REDIRECTS)
    assert len(serial_warnings) == 2 and worker_warnings == serial_warnings
    written = [p.name for p in serial.nodes + serial.relationships]
    assert written == [p.name for p in parallel.nodes + parallel.relationships]
    for name in written:
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "workers" / name).read_bytes(), name
