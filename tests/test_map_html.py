"""queries/map_html.py without a browser: the page's data, its safety and its limits.

Graphs here are built by hand with sentences written for the tests; the browser
side (drawing, search, tooltips, script injection) is in test_maps_browser.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import networkx as nx
import pytest

from eikg.errors import InputError
from eikg.queries import map_html

PAYLOAD_NAME = '<script>window.__pwned="name"</script><img src=x onerror="window.__pwned=1">'
PAYLOAD_EVIDENCE = '</script><script>window.__pwned="evidence"</script> & <b>bold</b>'


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append(tag)


def small_graph() -> nx.MultiDiGraph:
    """A college, two companies, a person and an alliance; a chain out to a place."""
    g = nx.MultiDiGraph()
    g.graph["articles"] = {
        "a1": {"title": "Harbour Polytechnic signs with Tidewell", "published": "2025-04-02"},
        "a2": {"title": "Skills alliance founded", "published": "2025-05-10"},
    }
    g.add_node("college:harbour", name="Harbour Polytechnic", type="COLLEGE", aliases=["HP"])
    g.add_node("enterprise:tidewell", name="Tidewell Robotics", type="ENTERPRISE", aliases=[])
    g.add_node("enterprise:ferncastle", name="Ferncastle Foods", type="ENTERPRISE", aliases=[])
    g.add_node("person:mara", name="Mara Quill", type="PERSON", aliases=["Dr Quill"])
    g.add_node("alliance:skills", name="Coastal Skills Alliance", type="ALLIANCE", aliases=[])
    g.add_node("place:port", name="Port Elden", type="PLACE", aliases=[])
    g.add_edge(
        "college:harbour", "enterprise:tidewell", key="PARTNERS_WITH", type="PARTNERS_WITH",
        evidence=["Harbour Polytechnic and Tidewell Robotics signed a training agreement."],
        evidenceSources=["a1"], firstSeen="2025-04-02", lastSeen="2025-04-02",
    )  # fmt: skip
    g.add_edge(
        "person:mara", "college:harbour", key="HOLDS_POSITION", type="HOLDS_POSITION",
        title="Vice President",
        evidence=["Mara Quill, Vice President of Harbour Polytechnic, spoke at the signing."],
        evidenceSources=["a1"],
    )  # fmt: skip
    g.add_edge(
        "college:harbour", "alliance:skills", key="MEMBER_OF", type="MEMBER_OF",
        evidence=["Harbour Polytechnic is a founding member of the Coastal Skills Alliance."],
        evidenceSources=["a2"],
    )  # fmt: skip
    g.add_edge(
        "enterprise:ferncastle", "alliance:skills", key="MEMBER_OF", type="MEMBER_OF",
        evidence=["Ferncastle Foods joined the alliance."], evidenceSources=["a2"],
    )  # fmt: skip
    g.add_edge(
        "alliance:skills", "place:port", key="LOCATED_IN", type="LOCATED_IN",
        evidence=["The alliance is based in Port Elden."], evidenceSources=["a2"],
    )  # fmt: skip
    return g


def by_key(data):
    return {n["key"]: n for n in data["nodes"]}


def test_map_data_has_every_node_and_edge_with_their_attributes():
    data = map_html.map_data(small_graph())
    nodes = by_key(data)
    assert set(nodes) == {
        "college:harbour", "enterprise:tidewell", "enterprise:ferncastle",
        "person:mara", "alliance:skills", "place:port",
    }  # fmt: skip
    assert len(data["edges"]) == 5
    assert nodes["college:harbour"]["label"] == "Harbour Polytechnic"
    assert nodes["college:harbour"]["type"] == "COLLEGE"
    assert nodes["college:harbour"]["aliases"] == ["HP"]
    assert nodes["person:mara"]["aliases"] == ["Dr Quill"]


def test_positions_held_come_from_holds_position_edges():
    nodes = by_key(map_html.map_data(small_graph()))
    assert nodes["person:mara"]["positions"] == ["Vice President, Harbour Polytechnic"]
    assert nodes["college:harbour"]["holders"] == ["Mara Quill, Vice President"]
    assert nodes["enterprise:tidewell"]["positions"] == []


def test_evidence_names_its_article_title_and_date():
    data = map_html.map_data(small_graph())
    partners = [e for e in data["edges"] if e["type"] == "PARTNERS_WITH"]
    assert len(partners) == 1
    sentence, article = partners[0]["evidence"][0]
    assert sentence == "Harbour Polytechnic and Tidewell Robotics signed a training agreement."
    assert data["articles"][article] == ["Harbour Polytechnic signs with Tidewell", "2025-04-02"]
    assert partners[0]["firstSeen"] == "2025-04-02"


def test_evidence_is_capped_and_articles_stored_once():
    g = nx.MultiDiGraph()
    g.graph["articles"] = {"a1": {"title": "One article", "published": "2025-01-01"}}
    g.add_node("a", name="A", type="COLLEGE")
    g.add_node("b", name="B", type="ENTERPRISE")
    sentences = [f"A and B met, time {i}." for i in range(7)]
    g.add_edge("a", "b", key="PARTNERS_WITH", evidence=sentences, evidenceSources=["a1"] * 7)
    data = map_html.map_data(g)
    (edge,) = data["edges"]
    assert len(edge["evidence"]) == map_html.TOP_EVIDENCE
    assert edge["count"] == 7
    assert data["articles"] == [["One article", "2025-01-01"]]


def test_relation_type_comes_from_multigraph_key_and_direction_from_symmetry():
    edges = {e["type"]: e for e in map_html.map_data(small_graph())["edges"]}
    assert edges["PARTNERS_WITH"]["directed"] is False
    assert edges["HOLDS_POSITION"]["directed"] is True
    assert edges["HOLDS_POSITION"]["title"] == "Vice President"


def test_focus_is_the_index_of_its_node_or_none():
    data = map_html.map_data(small_graph(), focus="person:mara")
    assert data["nodes"][data["focus"]]["key"] == "person:mara"
    assert map_html.map_data(small_graph())["focus"] is None


def test_parallel_edges_are_numbered_so_they_do_not_overlap():
    g = nx.MultiDiGraph()
    g.add_node("a", name="A", type="COLLEGE")
    g.add_node("b", name="B", type="ENTERPRISE")
    g.add_edge("a", "b", key="PARTNERS_WITH")
    g.add_edge("b", "a", key="VISITED")
    edges = map_html.map_data(g)["edges"]
    assert [e.get("nth", 0) for e in edges] == [0, 1]


def test_size_by_degree_makes_the_hub_biggest():
    nodes = by_key(map_html.map_data(small_graph(), size_by="degree"))
    sizes = {k: n["size"] for k, n in nodes.items()}
    assert max(sizes, key=sizes.get) == "college:harbour"
    assert sizes["college:harbour"] == pytest.approx(map_html.MAX_NODE_SIZE)
    assert min(sizes.values()) == pytest.approx(map_html.MIN_NODE_SIZE)


def test_size_by_betweenness_picks_the_bridge_not_the_hubs():
    # Two 5-cliques whose attachment nodes a0 and c0 (degree 5) are joined only
    # through b (degree 2): 25 shortest paths run through b, 24 through a0.
    g = nx.Graph()
    for side in "ac":
        members = [f"{side}{i}" for i in range(5)]
        g.add_edges_from((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
    g.add_edge("a0", "b")
    g.add_edge("b", "c0")
    for v in g:
        g.nodes[v].update(name=v, type="ORGANIZATION")
    by_degree = by_key(map_html.map_data(g, size_by="degree"))
    by_between = by_key(map_html.map_data(g, size_by="betweenness"))
    assert max(by_degree, key=lambda k: by_degree[k]["score"]) in {"a0", "c0"}
    assert max(by_between, key=lambda k: by_between[k]["score"]) == "b"


def test_size_by_pagerank_scores_sum_to_one():
    nodes = map_html.map_data(small_graph(), size_by="pagerank")["nodes"]
    assert sum(n["score"] for n in nodes) == pytest.approx(1.0, abs=1e-4)


def test_precomputed_scores_are_used_when_every_node_has_them():
    g = small_graph()
    for i, v in enumerate(sorted(g)):
        g.nodes[v]["pagerank"] = float(i)
    nodes = by_key(map_html.map_data(g, size_by="pagerank"))
    assert nodes[sorted(g)[-1]]["score"] == len(g) - 1


def test_color_by_community_splits_two_groups():
    g = nx.Graph()
    for group in ("ab", "cd"):
        members = [f"{group}{i}" for i in range(5)]
        g.add_edges_from((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
    g.add_edge("ab0", "cd0")
    for v in g:
        g.nodes[v].update(name=v, type="COLLEGE")
    nodes = by_key(map_html.map_data(g, color_by="community"))
    left = {nodes[f"ab{i}"]["community"] for i in range(5)}
    right = {nodes[f"cd{i}"]["community"] for i in range(5)}
    assert len(left) == 1
    assert len(right) == 1
    assert left != right


def test_unknown_options_are_refused_naming_the_value():
    with pytest.raises(InputError, match="'closeness'"):
        map_html.map_data(small_graph(), size_by="closeness")
    with pytest.raises(InputError, match="'colour'"):
        map_html.map_data(small_graph(), color_by="colour")


def test_physics_only_up_to_the_limit_or_when_not_static():
    small = small_graph()
    assert map_html.map_data(small)["physics"] is True
    assert map_html.map_data(small, static_layout=True)["physics"] is False
    big = nx.empty_graph(map_html.PHYSICS_MAX_NODES + 1)
    for v in big:
        big.nodes[v].update(name=f"n{v}", type="PLACE")
    assert map_html.map_data(big)["physics"] is False


def test_over_the_cap_is_refused_with_a_hint():
    big = nx.empty_graph(map_html.MAX_NODES + 1)
    with pytest.raises(InputError, match="--focus"):
        map_html.build_html(big)


def test_escape_json_leaves_no_markup_and_round_trips():
    value = {"name": PAYLOAD_NAME, "evidence": PAYLOAD_EVIDENCE, "sep": "a\u2028b"}
    text = map_html.escape_json(value)
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text) == value


def test_page_is_self_contained():
    page = map_html.build_html(small_graph())
    assert page.startswith("<!DOCTYPE html>")
    # Nothing loads from elsewhere: no src/href attributes, no CSS url() but data:.
    assert re.search(r"<script[^>]*\ssrc\s*=", page, re.IGNORECASE) is None
    assert re.search(r"<link\b", page, re.IGNORECASE) is None
    assert re.search(r"@import", page) is None
    assert re.findall(r"url\(\s*(?!['\"]?data:)", page) == []
    assert "sourceMappingURL" not in page
    assert "vis.Network" in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    assert [p.startswith("'sha256-") for p in policy["script-src"].split()] == [True, True]
    assert policy["img-src"] == "data:"


def test_untrusted_text_cannot_close_the_data_block():
    g = small_graph()
    g.nodes["person:mara"]["name"] = PAYLOAD_NAME
    g.graph["articles"]["a1"]["title"] = "</title><script>window.__pwned='title'</script>"
    edge = g.edges["person:mara", "college:harbour", "HOLDS_POSITION"]
    edge["evidence"] = [PAYLOAD_EVIDENCE]
    page = map_html.build_html(g, title="<b>map</b> & </title>")
    # Tokenised as a browser does, the page has its three scripts (data,
    # vis-network, ours), no image, and the payload only inside the data block.
    tags = _StartTags()
    tags.feed(page)
    assert tags.seen.count("script") == 3
    assert "img" not in tags.seen
    assert "b" not in tags.seen
    assert "window.__pwned" in page
    assert "<title>&lt;b&gt;map&lt;/b&gt; &amp; &lt;/title&gt;</title>" in page
    block = re.search(
        r'<script id="eikg-data" type="application/json">(.*?)</script>', page, re.DOTALL
    )
    assert block is not None
    data = json.loads(block.group(1))
    assert by_key(data)["person:mara"]["label"] == PAYLOAD_NAME


def test_write_map_writes_the_file_and_says_what_it_wrote(tmp_path):
    out = tmp_path / "maps" / "small.html"
    summary = map_html.write_map(small_graph(), out)
    assert summary.path == out
    assert summary.nodes == 6
    assert summary.edges == 5
    assert summary.physics is True
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert summary.bytes == len(out.read_bytes())


def test_write_map_into_a_file_path_fails_with_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="file"):
        map_html.write_map(small_graph(), blocker / "map.html")


