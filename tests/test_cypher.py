"""Ad-hoc Cypher runs read-only: every write form is refused and leaves the database unchanged."""

from __future__ import annotations

import json

import pytest
from query_fixture import RP, extractions
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import QueryError
from eikg.graph.loader import load
from eikg.queries.cypher import run_cypher


@pytest.fixture
def graph(driver, clean_db):
    load(driver, extractions())
    return driver


def snapshot(driver) -> dict:
    """Everything a write could change: nodes, relationships, properties, labels, indexes."""
    with driver.session() as s:
        nodes, props = s.run(
            "MATCH (n) RETURN count(n) AS n, sum(size(keys(n))) AS p"
        ).single().values()
        rels = s.run("MATCH ()-[r]->() RETURN count(r) AS r").single()["r"]
        labels = sorted(r["label"] for r in s.run("CALL db.labels() YIELD label RETURN label"))
        names = sorted(r["name"] for r in s.run("MATCH (n:Entity) RETURN n.name AS name"))
        indexes = s.run("SHOW INDEXES YIELD name RETURN count(*) AS c").single()["c"]
    return {"nodes": nodes, "props": props, "rels": rels, "labels": labels,
            "names": names, "indexes": indexes}


def test_read_query_returns_rows(graph):
    result = run_cypher(graph, "MATCH (e:College) RETURN e.name AS name ORDER BY name")
    assert result.columns == ["name"]
    assert [r["name"] for r in result.rows] == ["Hill Valley College", "Riverside Polytechnic"]


def test_nodes_and_relationships_come_back_as_plain_values(graph):
    result = run_cypher(
        graph,
        "MATCH (a:Entity {key: $k})-[r:HOLDS_POSITION]-(p) RETURN a, r, p",
        {"k": RP},
    )
    row = result.rows[0]
    assert row["a"]["key"] == RP
    assert "College" in row["a"]["labels"]
    assert row["r"]["type"] == "HOLDS_POSITION"
    assert row["r"]["title"] == "President"
    json.dumps(result.rows)  # JSON-ready


def test_read_only_procedure_is_allowed(graph):
    result = run_cypher(graph, "CALL db.labels() YIELD label RETURN label ORDER BY label")
    assert {"College", "Entity", "Article"} <= {r["label"] for r in result.rows}


@pytest.mark.parametrize("text", ["CALL dbms.components()",
                                  "CALL dbms.components() YIELD name, edition RETURN name, edition"])
def test_read_only_dbms_procedure_is_allowed(graph, text):
    result = run_cypher(graph, text)
    assert result.rows and result.rows[0]["name"] == "Neo4j Kernel"


WRITES = {
    "create": "CREATE (n:Injected {x: 1}) RETURN n",
    "merge": "MERGE (n:Entity {key: 'injected'}) RETURN n",
    "set": "MATCH (n:Entity) SET n.name = 'owned' RETURN count(n)",
    "set-label": "MATCH (n:Entity) SET n:Injected RETURN count(n)",
    "delete": "MATCH (n:Entity) DETACH DELETE n",
    "delete-rel": "MATCH ()-[r:PARTNERS_WITH]->() DELETE r",
    "remove": "MATCH (n:Entity) REMOVE n.name RETURN count(n)",
    "foreach": "FOREACH (i IN [1, 2] | CREATE (:Injected {i: i}))",
    "load-csv": "LOAD CSV FROM 'file:///etc/hostname' AS row RETURN row",
    "write-procedure": "CALL db.createLabel('Injected')",
    "dbms-procedure": "CALL db.clearQueryCaches()",
    "schema": "CREATE INDEX injected IF NOT EXISTS FOR (n:Entity) ON (n.injected)",
    "read-then-write": "MATCH (n:Entity) WITH n LIMIT 1 CREATE (m:Injected) RETURN m",
    "subquery-write": "CALL { CREATE (n:Injected) RETURN n } RETURN count(*)",
    "kill-connections": "CALL dbms.killConnections(['bolt-1'])",
    "tx-metadata": "CALL tx.setMetaData({injected: true})",
    "apoc-procedure": "CALL apoc.create.node(['Injected'], {})",
    "report-then-write": "CALL dbms.components() YIELD name CREATE (:Injected {name: name})",
    "explain-prefix": "EXPLAIN CREATE (n:Injected)",
    "profile-prefix": "PROFILE CREATE (n:Injected)",
}


@pytest.mark.parametrize("form", sorted(WRITES))
def test_write_forms_are_refused_and_change_nothing(graph, form):
    before = snapshot(graph)
    with pytest.raises(QueryError, match="refused|EXPLAIN or PROFILE"):
        run_cypher(graph, WRITES[form])
    assert snapshot(graph) == before


def test_load_csv_is_caught_by_the_plan_not_the_query_type(graph):
    # LOAD CSV ... RETURN is classified read-only by the server; the plan scan refuses it.
    with pytest.raises(QueryError, match="LoadCSV step"):
        run_cypher(graph, WRITES["load-csv"])


def test_injection_strings_travel_as_parameters(graph):
    before = snapshot(graph)
    for text in ["x' OR 1=1 //", "'}) DETACH DELETE n //", "\") MATCH (n) DETACH DELETE n //"]:
        result = run_cypher(graph, "MATCH (e:Entity) WHERE e.name = $name RETURN e.key AS k",
                            {"name": text})
        assert result.rows == []
    assert snapshot(graph) == before


def test_timeout_stops_a_long_query(graph):
    with pytest.raises(QueryError, match="timeout"):
        run_cypher(
            graph,
            "UNWIND range(1, 500000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS c",
            timeout=0.5,
        )


def test_syntax_error_is_one_clear_line(graph):
    with pytest.raises(QueryError, match="cannot be planned") as info:
        run_cypher(graph, "MATCH (n RETURN n")
    assert "\n" not in str(info.value)


def test_limit_caps_rows_and_says_so(graph):
    result = run_cypher(graph, "UNWIND range(1, 10) AS x RETURN x", limit=3)
    assert [r["x"] for r in result.rows] == [1, 2, 3]
    assert result.notes == ["showing the first 3 rows"]


def test_cli_cypher_read_and_refusal(graph):
    cli = CliRunner()
    res = cli.invoke(app, ["cypher", "MATCH (a:Article) RETURN a.id AS id ORDER BY id",
                           "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == ["id", "a1", "a2", "a3"]
    res = cli.invoke(app, ["cypher", "MATCH (e:Entity {key: $k}) RETURN e.name AS n",
                           "--param", f"k={RP}", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"n": "Riverside Polytechnic"}]
    before = snapshot(graph)
    res = cli.invoke(app, ["cypher", "MATCH (n) DETACH DELETE n"])
    assert res.exit_code == 1
    assert res.stderr.startswith("error: query refused")
    assert snapshot(graph) == before
