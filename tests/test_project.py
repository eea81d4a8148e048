"""Projection of the fixture graph into NetworkX, and `eikg analyze` on it (real Neo4j)."""

from __future__ import annotations

import json
import math

import pytest
from query_fixture import ACME, ALLIANCE, BLUE, BUREAU, CITY, FORUM, HVC, LI, NOVA, RP, ZHAO, extractions
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import QueryError
from eikg.graph.loader import load
from eikg.queries.analysis_runner import analyze
from eikg.queries.project import Projection, to_networkx

ALL_KEYS = {ACME, ALLIANCE, BLUE, BUREAU, CITY, FORUM, HVC, LI, NOVA, RP, ZHAO}


@pytest.fixture
def graph(driver, clean_db):
    load(driver, extractions())
    return driver


def test_projection_of_everything(graph):
    g = to_networkx(graph)
    assert set(g) == ALL_KEYS
    assert g.number_of_edges() == 16
    assert g.nodes[RP]["name"] == "Riverside Polytechnic"
    assert g.nodes[RP]["type"] == "COLLEGE"
    assert "RP" in g.nodes[RP]["aliases"]
    edge = g.edges[min(RP, ACME), max(RP, ACME), "PARTNERS_WITH"]
    assert edge["articles"] == 2
    assert edge["firstSeen"] == "2023-03-10"
    assert edge["lastSeen"] == "2024-05-20"


def test_projection_pages_give_the_same_graph(graph):
    # Pages of 2 entities: the fixture's 11 entities take 6 pages, the last one short.
    for projection in (Projection(), Projection.parse(["college,enterprise"], since="2024-01-01")):
        whole, paged = to_networkx(graph, projection), to_networkx(graph, projection, page=2)
        assert dict(paged.nodes(data=True)) == dict(whole.nodes(data=True))
        assert sorted(paged.edges(keys=True, data=True)) == sorted(whole.edges(keys=True, data=True))
    assert to_networkx(graph, page=2).number_of_edges() == 16


def test_projection_by_types_and_relations(graph):
    g = to_networkx(graph, Projection.parse(["college,enterprise"], ["partners_with"]))
    assert set(g) == {RP, HVC, ACME, BLUE, NOVA}
    assert {(a, b) for a, b in g.edges()} == {(min(RP, ACME), max(RP, ACME)), (min(HVC, BLUE), max(HVC, BLUE))}


def test_projection_date_window(graph):
    # Only relations seen in 2025 (article a3): alliance and partnerships of a3.
    g = to_networkx(graph, Projection.parse(since="2025-01-01"))
    assert set(g) == {RP, HVC, NOVA, ALLIANCE, BLUE, BUREAU}
    assert g.number_of_edges() == 7
    # Up to 2023: article a1 only.
    g = to_networkx(graph, Projection.parse(until="2023-12-31"))
    assert set(g) == {RP, ACME, LI, CITY}


def test_projection_refuses_unknown_types_and_bad_dates():
    with pytest.raises(QueryError, match="unknown entity type 'SCHOOL'"):
        Projection.parse(["school"])
    with pytest.raises(QueryError, match="unknown relation type 'KNOWS'"):
        Projection.parse(relation_types=["KNOWS"])
    with pytest.raises(QueryError, match="--since must be a date"):
        Projection.parse(since="last year")
    with pytest.raises(QueryError, match="after --until"):
        Projection.parse(since="2025-01-01", until="2024-01-01")


def test_injection_strings_in_filters_are_refused_or_inert(graph):
    with pytest.raises(QueryError, match="unknown entity type"):
        Projection.parse(["COLLEGE'] OR true //"])
    with pytest.raises(QueryError, match="no entity named"):
        analyze(graph, "ego", entity="x' OR 1=1 //")


def test_recommend_on_fixture_has_hand_checked_order(graph):
    result = analyze(graph, "recommend", entity="Riverside Polytechnic")
    got = [(r["key"], r["score"], r["reasons"]) for r in result.rows]
    a = round(1 / math.log(3), 4)  # the alliance links RP, HVC, Nova
    e = round(1 / math.log(5), 4)  # the forum links Bureau, RP, Blue River, Zhao Hua, River City
    assert got == [
        (HVC, a, "shared alliances: River City AI Education Alliance"),
        (NOVA, a, "shared alliances: River City AI Education Alliance"),
        (BLUE, e, "shared events: AI Education Forum"),
        (BUREAU, e, "shared events: AI Education Forum"),
    ]


def test_brokers_on_fixture(graph):
    rows = analyze(graph, "brokers").rows
    by_key = {r["key"]: r for r in rows}
    # The bureau partners HVC and Nova, which are not partners: one brokered pair.
    assert by_key[BUREAU]["brokered_pairs"] == 1
    # The alliance has colleges RP, HVC and enterprise Nova as members; HVC-Nova and RP-Nova unlinked.
    assert by_key[ALLIANCE]["brokered_pairs"] == 2


def test_ego_and_path_on_fixture(graph):
    ego = analyze(graph, "ego", entity="Li Ming", depth=1).rows
    assert [(r["key"], r["distance"]) for r in ego] == [(LI, 0), (RP, 1)]
    path = analyze(graph, "path", source="Li Ming", target="Nova").rows
    assert [r["key"] for r in path] == [LI, RP, ALLIANCE, NOVA]


def test_centrality_and_write_back(graph):
    result = analyze(graph, "centrality", write=True)
    by_key = {r["key"]: r for r in result.rows}
    # RP: Acme, Li Ming, River City, the forum, the alliance (LEADS and MEMBER_OF count once).
    assert by_key[RP]["degree"] == 5
    # The forum: the bureau, RP, Blue River, Zhao Hua, River City.
    assert by_key[FORUM]["degree"] == 5
    assert max(r["degree"] for r in result.rows) == 5
    assert by_key[LI]["betweenness"] == 0.0
    assert result.rows[0]["key"] in {RP, FORUM}  # highest PageRank is one of the two hubs
    assert result.notes[-1] == "wrote degree, betweenness, pagerank on 11 nodes"
    with graph.session() as s:
        stored = s.run("MATCH (e:Entity {key: $k}) RETURN e.degree AS d, e.pagerank AS p", k=RP).single()
    assert stored["d"] == 5
    assert stored["p"] == pytest.approx(by_key[RP]["pagerank"])


def test_write_back_refused_for_ego(graph):
    with pytest.raises(QueryError, match="--write-back works with"):
        analyze(graph, "ego", write=True, entity="RP")


def test_cli_analyze_communities_json_and_recommend_table(graph):
    cli = CliRunner()
    res = cli.invoke(app, ["analyze", "communities", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert {r["key"] for r in rows} == ALL_KEYS
    assert "modularity" in res.stderr
    res = cli.invoke(app, ["analyze", "recommend", "rp", "--relations", "PARTNERS_WITH,MEMBER_OF,LEADS"])
    assert res.exit_code == 0, res.output
    assert "Hill Valley College" in res.stdout
    assert "shared alliances" in res.stdout
    res = cli.invoke(app, ["analyze", "ego", "Nobody"])
    assert res.exit_code == 1
    assert res.stderr.startswith("error: no entity named 'Nobody'")


def test_cli_write_back_stores_communities(graph):
    res = CliRunner().invoke(app, ["analyze", "communities", "--write-back", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "wrote community on 11 nodes" in res.stderr
    with graph.session() as s:
        stored = s.run("MATCH (e:Entity) WHERE e.community IS NOT NULL RETURN count(e) AS n").single()
    assert stored["n"] == 11
    res = CliRunner().invoke(app, ["analyze", "ego", "RP", "--write-back"])
    assert res.exit_code != 0  # ego has no --write-back option


def test_cli_top_prints_the_best_rows_and_writes_back_all(graph):
    full = json.loads(CliRunner().invoke(app, ["analyze", "centrality", "--format", "json"]).stdout)
    res = CliRunner().invoke(app, ["analyze", "centrality", "--top", "3", "--write-back", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == full[:3]
    assert "showing the first 3 of 11 rows" in res.stderr
    assert "wrote degree, betweenness, pagerank on 11 nodes" in res.stderr
