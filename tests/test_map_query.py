"""queries/map_query.py and `eikg map` on the fixture graph in a real Neo4j.

The fixture (tests/query_fixture.py) is loaded through the real loader; the
expected neighbourhoods below are read off its fact list by hand.
"""

from __future__ import annotations

import json
import re

import pytest
from query_fixture import ACME, ALLIANCE, BLUE, CITY, FORUM, HVC, LI, NOVA, RP, extractions
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError, QueryError
from eikg.graph.loader import load
from eikg.queries import map_html, map_query
from eikg.queries.project import Projection


@pytest.fixture
def graph(clean_db):
    load(clean_db, extractions())
    return clean_db


def page_data(path) -> dict:
    """The JSON the page embeds (as the page's own JSON.parse would read it)."""
    html = path.read_text(encoding="utf-8")
    block = re.search(r'<script id="eikg-data" type="application/json">(.*?)</script>', html, re.S)
    assert block is not None, path
    return json.loads(block.group(1))


def keys(data) -> set[str]:
    return {n["key"] for n in data["nodes"]}


def edge_triples(data) -> set[tuple[str, str, str]]:
    key = [n["key"] for n in data["nodes"]]
    return {(key[e["from"]], e["type"], key[e["to"]]) for e in data["edges"]}


def test_focused_map_holds_exactly_the_neighbours(graph, tmp_path):
    summary = map_query.write_graph_map(graph, tmp_path / "rp.html", focus="Riverside Polytechnic")
    data = page_data(summary.path)
    assert keys(data) == {RP, ACME, LI, CITY, FORUM, ALLIANCE}
    # Every relation among them, including the forum's place, and nothing else.
    assert edge_triples(data) == {
        (RP, "PARTNERS_WITH", ACME),
        (LI, "HOLDS_POSITION", RP),
        (RP, "LOCATED_IN", CITY),
        (RP, "PARTICIPATED_IN", FORUM),
        (RP, "LEADS", ALLIANCE),
        (RP, "MEMBER_OF", ALLIANCE),
        (FORUM, "LOCATED_IN", CITY),
    }
    assert summary.nodes == 6
    assert summary.edges == 7
    assert "around Riverside Polytechnic (1 hop)" in data["title"]
    assert data["nodes"][data["focus"]]["key"] == RP


def test_focus_by_alias_and_depth_two_reaches_the_alliance_members(graph, tmp_path):
    summary = map_query.write_graph_map(graph, tmp_path / "rp2.html", focus="RP", depth=2)
    found = keys(page_data(summary.path))
    assert {HVC, NOVA, BLUE} <= found
    assert len(found) == 11


def test_evidence_carries_article_title_and_date(graph, tmp_path):
    summary = map_query.write_graph_map(graph, tmp_path / "all.html")
    data = page_data(summary.path)
    key = [n["key"] for n in data["nodes"]]
    (partners,) = [
        e for e in data["edges"]
        if e["type"] == "PARTNERS_WITH" and {key[e["from"]], key[e["to"]]} == {RP, ACME}
    ]  # fmt: skip
    shown = {(sentence, tuple(data["articles"][a])) for sentence, a in partners["evidence"]}
    assert shown == {
        (
            "Riverside Polytechnic and Acme Robotics Co., Ltd. signed an agreement to train robot technicians together.",
            ("Fixture article a1", "2023-03-10"),
        ),
        (
            "Riverside Polytechnic and Acme Robotics Co., Ltd. renewed their joint training programme.",
            ("Fixture article a2", "2024-05-20"),
        ),
    }
    assert partners["firstSeen"] == "2023-03-10"
    assert partners["lastSeen"] == "2024-05-20"


def test_positions_held_and_event_dates_reach_the_tooltips(graph, tmp_path):
    summary = map_query.write_graph_map(graph, tmp_path / "all.html")
    nodes = {n["key"]: n for n in page_data(summary.path)["nodes"]}
    assert nodes[LI]["positions"] == ["President, Riverside Polytechnic"]
    assert "Zhao Hua, Chief Engineer" in nodes[ACME]["holders"]
    assert nodes[FORUM]["date"] == "2024-05-18"
    assert nodes[RP]["aliases"] == ["RP"]


def test_type_and_relation_filters_reach_the_map(graph, tmp_path):
    projection = Projection.parse(["COLLEGE,ENTERPRISE"], ["PARTNERS_WITH"])
    summary = map_query.write_graph_map(graph, tmp_path / "f.html", projection=projection)
    data = page_data(summary.path)
    assert keys(data) == {RP, HVC, ACME, BLUE, NOVA}
    assert edge_triples(data) == {(RP, "PARTNERS_WITH", ACME), (HVC, "PARTNERS_WITH", BLUE)}
    assert "types COLLEGE, ENTERPRISE" in data["title"]


def test_unknown_focus_names_the_closest_entities(graph, tmp_path):
    with pytest.raises(QueryError, match="no entity named 'Riverside Polytech'.*Riverside Polytechnic"):
        map_query.write_graph_map(graph, tmp_path / "x.html", focus="Riverside Polytech")
    assert not (tmp_path / "x.html").exists()


def test_map_over_the_cap_is_refused_before_writing(graph, tmp_path, monkeypatch):
    monkeypatch.setattr(map_html, "MAX_NODES", 5)
    with pytest.raises(InputError, match="--focus NAME --depth N"):
        map_query.write_graph_map(graph, tmp_path / "big.html")
    assert not (tmp_path / "big.html").exists()


def test_cli_map_writes_the_file_and_reports(graph, tmp_path):
    out = tmp_path / "cli.html"
    result = CliRunner().invoke(
        app, ["map", "--view", "all", "--focus", "Riverside Polytechnic", "--depth", "1", "--size-by", "pagerank",
              "--color-by", "community", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 6 entities, 7 relations, physics layout" in result.output
    data = page_data(out)
    assert data["sizeBy"] == "pagerank"
    assert data["colorBy"] == "community"
    assert all("community" in n for n in data["nodes"])


def test_cli_map_static_layout_and_window(graph, tmp_path):
    out = tmp_path / "window.html"
    result = CliRunner().invoke(
        app, ["map", "--view", "all", "--since", "2025-01-01", "--static-layout", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "static layout" in result.output
    data = page_data(out)
    # Only article a3 (2025-01-15) is in the window: the alliance and its partners.
    assert LI not in keys(data)
    assert {RP, HVC, NOVA, ALLIANCE, BLUE} <= keys(data)
    assert data["physics"] is False


def test_cli_map_errors_are_one_line_exit_1(graph, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["map", "--view", "all", "--focus", "Nobody At All", "--out", str(tmp_path / "n.html")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: no entity named 'Nobody At All'")
    result = runner.invoke(app, ["map", "--view", "all", "--size-by", "closeness", "--out", str(tmp_path / "n.html")])
    assert result.exit_code == 1
    assert "error: --size-by must be one of degree, betweenness, pagerank" in result.output
