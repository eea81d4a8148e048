"""Pure NetworkX analyses on small hand-built graphs with hand-checked answers."""

from __future__ import annotations

import doctest
import math

import networkx as nx
import pytest

from eikg.errors import QueryError
from eikg.queries import analysis


def typed_graph(nodes, edges) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for key, kind, *aliases in nodes:
        g.add_node(key, name=key.upper(), type=kind, aliases=list(aliases))
    for head, rel, tail in edges:
        g.add_edge(head, tail, key=rel)
    return g


@pytest.fixture
def partnership_graph() -> nx.MultiDiGraph:
    """Two colleges, three enterprises, an agency, an alliance and an event.

    c1 - e1 partner; gov partners c1, e1, e2; c2 partners e2 and e3;
    c1 and c2 are members of alliance al; e3 and c1 attended event ev.
    """
    return typed_graph(
        [
            ("c1", "COLLEGE", "First Poly"),
            ("c2", "COLLEGE"),
            ("e1", "ENTERPRISE"),
            ("e2", "ENTERPRISE"),
            ("e3", "ENTERPRISE"),
            ("gov", "GOVERNMENT", "Bureau"),
            ("al", "ALLIANCE"),
            ("ev", "EVENT"),
            ("p1", "PERSON"),
        ],
        [
            ("c1", "PARTNERS_WITH", "e1"),
            ("e1", "PARTNERS_WITH", "gov"),
            ("c1", "PARTNERS_WITH", "gov"),
            ("e2", "PARTNERS_WITH", "gov"),
            ("c2", "PARTNERS_WITH", "e2"),
            ("c2", "PARTNERS_WITH", "e3"),
            ("c1", "MEMBER_OF", "al"),
            ("c2", "MEMBER_OF", "al"),
            ("c2", "LEADS", "al"),
            ("e3", "PARTICIPATED_IN", "ev"),
            ("c1", "PARTICIPATED_IN", "ev"),
            ("p1", "HOLDS_POSITION", "c1"),
        ],
    )


def test_docstring_examples_hold():
    result = doctest.testmod(analysis)
    assert result.attempted >= 10
    assert result.failed == 0


def test_simple_view_merges_parallel_and_reverse_edges(partnership_graph):
    u = analysis.simple_view(partnership_graph)
    assert u.number_of_nodes() == 9
    # c2-al carries MEMBER_OF and LEADS: one undirected edge.
    assert u.number_of_edges() == 11


def test_pagerank_star_matches_closed_form():
    g = typed_graph([], [("c", "X", "x"), ("c", "X", "y"), ("c", "X", "z")])
    pr = analysis.pagerank(g)
    # c = 0.0375 + 2.55 x ; x = 0.0375 + 0.85 c / 3  =>  c = 0.133125 / 0.2775
    assert pr["c"] == pytest.approx(0.133125 / 0.2775, abs=1e-6)
    assert pr["x"] == pytest.approx(0.0375 + 0.85 * (0.133125 / 0.2775) / 3, abs=1e-6)
    assert sum(pr.values()) == pytest.approx(1.0)


def test_pagerank_isolated_node_still_sums_to_one():
    g = typed_graph([("lone", "PLACE")], [("a", "X", "b")])
    pr = analysis.pagerank(g)
    assert sum(pr.values()) == pytest.approx(1.0)
    # lone = 0.15/3 + 0.85 * lone/3 (its own rank spread evenly over three nodes)
    assert pr["lone"] == pytest.approx((0.15 / 3) / (1 - 0.85 / 3), abs=1e-6)


def test_centrality_hub_and_exact_betweenness(partnership_graph):
    result = analysis.centrality(partnership_graph)
    by_key = {r["key"]: r for r in result.rows}
    assert by_key["c1"]["degree"] == 5  # e1, gov, al, ev, p1
    assert by_key["p1"]["degree"] == 1
    assert by_key["p1"]["betweenness"] == 0.0
    assert result.rows[0]["key"] == "c1"  # highest PageRank
    assert result.betweenness_sampled is None
    assert result.note == ""


def test_centrality_samples_betweenness_above_threshold_and_says_so():
    g = nx.MultiDiGraph(nx.path_graph(30))
    nx.set_node_attributes(g, "PLACE", "type")
    result = analysis.centrality(g, exact_limit=10, sample=8)
    assert result.betweenness_sampled == 8
    assert "8 of 30" in result.note
    assert "sampled" in result.note


def test_communities_two_triangles_and_modularity():
    g = typed_graph(
        [],
        [("a", "X", "b"), ("b", "X", "c"), ("c", "X", "a"),
         ("d", "X", "e"), ("e", "X", "f"), ("f", "X", "d"), ("c", "X", "d")],
    )
    result = analysis.communities(g)
    assert sorted(sorted(c) for c in result.communities) == [["a", "b", "c"], ["d", "e", "f"]]
    assert result.modularity == pytest.approx(2 * (3 / 7 - 0.25))
    rows = result.rows(g)
    assert len(rows) == 6
    assert {r["size"] for r in rows} == {3}


def test_brokers_counts_unlinked_college_enterprise_pairs(partnership_graph):
    rows = analysis.brokers(partnership_graph)
    by_key = {r["key"]: r for r in rows}
    # gov: colleges {c1}, enterprises {e1, e2}; c1-e1 partner already -> (c1, e2) only.
    assert by_key["gov"]["brokered_pairs"] == 1
    assert by_key["gov"]["colleges"] == 1
    assert by_key["gov"]["enterprises"] == 2
    # al links c1 and c2 (colleges only): no college-enterprise pair.
    assert by_key.get("al", {"brokered_pairs": 0})["brokered_pairs"] == 0
    # People and events are never brokers.
    assert "p1" not in by_key
    assert "ev" not in by_key


def test_brokers_bridging_communities():
    # Two cliques joined only through the association "hub".
    g = typed_graph(
        [(k, "COLLEGE") for k in "abcd"] + [(k, "ENTERPRISE") for k in "wxyz"]
        + [("hub", "ORGANIZATION")],
        [(h, "PARTNERS_WITH", t) for h, t in
         [("a", "b"), ("a", "c"), ("b", "c"), ("a", "d"), ("b", "d"), ("c", "d"),
          ("w", "x"), ("w", "y"), ("x", "y"), ("w", "z"), ("x", "z"), ("y", "z"),
          ("hub", "a"), ("hub", "w")]],
    )
    rows = analysis.brokers(g)
    top = rows[0]
    assert top["key"] == "hub"
    assert top["brokered_pairs"] == 1  # (a, w)
    assert top["communities_bridged"] >= 1
    assert top["betweenness"] == max(r["betweenness"] for r in rows)


def test_ego_depths(partnership_graph):
    one = analysis.ego(partnership_graph, "p1", depth=1)
    assert [(r["key"], r["distance"]) for r in one] == [("p1", 0), ("c1", 1)]
    two = {r["key"]: r["distance"] for r in analysis.ego(partnership_graph, "p1", depth=2)}
    assert set(two) == {"p1", "c1", "e1", "gov", "al", "ev"}
    with pytest.raises(QueryError, match="nope"):
        analysis.ego(partnership_graph, "nope")


def test_path_keeps_relation_direction(partnership_graph):
    rows = analysis.path(partnership_graph, "p1", "e3")
    assert [r["key"] for r in rows][0] == "p1"
    assert [r["key"] for r in rows][-1] == "e3"
    assert len(rows) == 4  # p1 -> c1 -> (al | ev) -> ... e3 is 3 hops
    assert rows[0]["next"] == "-[HOLDS_POSITION]->"
    assert rows[-1]["next"] == ""


def test_path_between_parallel_relations_lists_both():
    g = typed_graph([], [("c2", "MEMBER_OF", "al"), ("c2", "LEADS", "al")])
    rows = analysis.path(g, "c2", "al")
    assert rows[0]["next"] == "-[LEADS]-> -[MEMBER_OF]->"


def test_path_without_connection_says_so():
    g = typed_graph([("x", "PLACE"), ("y", "PLACE")], [])
    with pytest.raises(QueryError, match="no connection"):
        analysis.path(g, "x", "y")


def test_recommend_reasons_and_exclusions(partnership_graph):
    recs = analysis.recommend(partnership_graph, "c1")
    keys = [r.key for r in recs]
    # e2: shared partner gov. c2: shared alliance al. e3: shared event ev.
    assert set(keys) == {"e2", "c2", "e3"}
    by_key = {r.key: r for r in recs}
    assert by_key["e2"].reasons == ["shared partners: GOV"]
    assert by_key["c2"].reasons == ["shared alliances: AL"]
    assert by_key["e3"].reasons == ["shared events: EV"]
    # Existing partners, non-organisations and c1 itself are never proposed.
    assert "e1" not in keys
    assert "gov" not in keys
    assert "p1" not in keys
    assert "c1" not in keys
    # gov has degree 3, al degree 2, ev degree 2: Adamic-Adar weights.
    assert by_key["e2"].score == pytest.approx(1 / math.log(3))
    assert by_key["c2"].score == pytest.approx(1 / math.log(2))
    assert recs[-1].key == "e2"


def test_recommend_adds_up_several_shared_contexts():
    g = typed_graph(
        [("a", "COLLEGE"), ("b", "ENTERPRISE"), ("p", "ENTERPRISE"), ("al", "ALLIANCE")],
        [("a", "PARTNERS_WITH", "p"), ("b", "PARTNERS_WITH", "p"),
         ("a", "MEMBER_OF", "al"), ("b", "MEMBER_OF", "al")],
    )
    (rec,) = analysis.recommend(g, "a")
    assert rec.key == "b"
    assert rec.score == pytest.approx(2 / math.log(2))
    assert rec.reasons == ["shared partners: P", "shared alliances: AL"]
    assert rec.row()["reasons"] == "shared partners: P; shared alliances: AL"


def test_find_node_by_key_name_alias_any_case(partnership_graph):
    assert analysis.find_node(partnership_graph, "c1") == "c1"
    assert analysis.find_node(partnership_graph, "GOV") == "gov"
    assert analysis.find_node(partnership_graph, "first poly") == "c1"
    assert analysis.find_node(partnership_graph, "bureau") == "gov"


def test_find_node_unknown_suggests_closest(partnership_graph):
    with pytest.raises(QueryError, match="did you mean 'First Poly'"):
        analysis.find_node(partnership_graph, "Frist Poly")


def test_find_node_ambiguous_alias_names_candidates():
    g = typed_graph([("x1", "COLLEGE", "NU"), ("x2", "COLLEGE", "NU")], [])
    with pytest.raises(QueryError, match="ambiguous.*x1, x2"):
        analysis.find_node(g, "nu")


def test_injection_like_names_are_just_names(partnership_graph):
    with pytest.raises(QueryError, match="no entity named"):
        analysis.find_node(partnership_graph, "x' OR 1=1 //")
