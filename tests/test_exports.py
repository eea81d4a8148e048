"""GraphML, GEXF and CSV exports: types, names and scores survive a read back."""

from __future__ import annotations

import csv
import doctest

import networkx as nx
import pytest
from query_fixture import ACME, RP, extractions
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError
from eikg.graph.loader import load
from eikg.queries import exports
from eikg.queries.exports import EDGE_COLUMNS, NODE_COLUMNS, write_graph


def test_docstring_examples_hold_exports():
    result = doctest.testmod(exports)
    assert result.attempted >= 1
    assert result.failed == 0


@pytest.fixture
def small() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("c", name="Riverside Polytechnic", type="COLLEGE", aliases=["RP", "Riverside Poly"])
    g.add_node("e", name="Acme, \"Robotics\"", type="ENTERPRISE", aliases=[])
    g.add_node("a", name="Alliance", type="ALLIANCE", aliases=[])
    g.add_edge("c", "e", key="PARTNERS_WITH", articles=2, firstSeen="2023-03-10", lastSeen="2024-05-20")
    g.add_edge("c", "a", key="MEMBER_OF", articles=1, firstSeen=None, lastSeen=None)
    g.add_edge("c", "a", key="LEADS", articles=1, firstSeen="2025-01-15", lastSeen="2025-01-15")
    return g


def test_graphml_keeps_types_names_scores_and_parallel_edges(small, tmp_path):
    (path,), note = write_graph(small, "graphml", tmp_path / "g.graphml")
    assert note == ""
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.nodes["c"]["name"] == "Riverside Polytechnic"
    assert back.nodes["c"]["type"] == "COLLEGE"
    assert back.nodes["c"]["aliases"] == "RP; Riverside Poly"
    assert back.nodes["c"]["degree"] == 2
    assert back.nodes["c"]["pagerank"] > back.nodes["a"]["pagerank"]
    assert "community" in back.nodes["e"]
    assert back.number_of_edges() == 3
    types = sorted(d["type"] for _, _, d in back.edges(data=True))
    assert types == ["LEADS", "MEMBER_OF", "PARTNERS_WITH"]
    member = [d for _, _, d in back.edges(data=True) if d["type"] == "MEMBER_OF"][0]
    assert "firstSeen" not in member  # missing dates are left out, not written empty


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_edge_ids_are_unique(graph, tmp_path, fmt):
    from xml.etree import ElementTree

    from eikg.queries.project import to_networkx

    (path,), _ = write_graph(to_networkx(graph), fmt, tmp_path / f"g.{fmt}")
    ids = [e.get("id") for e in ElementTree.parse(path).iter() if e.tag.rsplit("}", 1)[-1] == "edge"]
    assert len(ids) > 5
    assert None not in ids
    assert len(set(ids)) == len(ids)
    back = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    keys = [k for _, _, k in back.edges(keys=True)] if fmt == "graphml" else [d["id"] for _, _, d in back.edges(data=True)]
    assert len(set(keys)) == len(keys) == len(ids)


def test_gexf_reads_back_with_labels(small, tmp_path):
    (path,), _ = write_graph(small, "gexf", tmp_path / "g.gexf")
    back = nx.read_gexf(path)
    assert back.nodes["e"]["label"] == 'Acme, "Robotics"'
    assert back.nodes["e"]["type"] == "ENTERPRISE"
    assert back.number_of_edges() == 3


def test_csv_nodes_and_edges(small, tmp_path):
    paths, _ = write_graph(small, "csv", tmp_path / "out")
    nodes_path, edges_path = paths
    with nodes_path.open(encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with edges_path.open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert tuple(nodes[0]) == NODE_COLUMNS
    assert tuple(edges[0]) == EDGE_COLUMNS
    by_key = {n["key"]: n for n in nodes}
    assert by_key["e"]["name"] == 'Acme, "Robotics"'
    assert by_key["c"]["degree"] == "2"
    assert len(edges) == 3
    assert {(e["source"], e["target"], e["type"]) for e in edges} == {
        ("c", "e", "PARTNERS_WITH"), ("c", "a", "MEMBER_OF"), ("c", "a", "LEADS"),
    }


def test_unknown_format_and_unwritable_path(small, tmp_path):
    with pytest.raises(InputError, match="unknown export format 'dot'"):
        write_graph(small, "dot", tmp_path / "g.dot")
    with pytest.raises(InputError, match="cannot write"):
        write_graph(small, "graphml", tmp_path / "missing" / "dir" / "g.graphml")


@pytest.fixture
def graph(driver, clean_db):
    load(driver, extractions())
    return driver


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_cli_export_of_fixture_graph(graph, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    res = CliRunner().invoke(app, ["export", fmt, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "wrote 11 nodes, 16 relationships" in res.stderr
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert back.nodes[RP]["type"] == "COLLEGE"
    assert back.nodes[ACME]["name"] == "Acme Robotics Co., Ltd."


def test_cli_export_csv_with_filter(graph, tmp_path):
    res = CliRunner().invoke(
        app, ["export", "csv", "--out", str(tmp_path), "--relations", "PARTNERS_WITH",
              "--types", "COLLEGE,ENTERPRISE"],
    )
    assert res.exit_code == 0, res.output
    with (tmp_path / "edges.csv").open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert len(edges) == 2
    assert {e["type"] for e in edges} == {"PARTNERS_WITH"}
