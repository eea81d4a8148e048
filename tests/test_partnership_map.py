"""The partnership map (queries/partnership_map.py, `eikg map --view partnerships`) on
the fixture graph in a real Neo4j, and its side panel in a real Chromium.

Expected answers are read off the fact list in tests/query_fixture.py.
"""

from __future__ import annotations

import doctest
import time

import pytest
from query_fixture import ACME, ALLIANCE, BLUE, BUREAU, HVC, NOVA, RP, extractions
from test_map_query import edge_triples, keys, page_data
from test_map_html import PAYLOAD_NAME
from test_report import hostile_extractions
from typer.testing import CliRunner

from eikg.cli import app
from eikg.graph.loader import load
from eikg.queries import partnership_map
from eikg.queries.partnership_map import write_partnership_map

ORGS = {RP, HVC, ACME, BLUE, NOVA, ALLIANCE, BUREAU}


@pytest.fixture
def graph(clean_db):
    load(clean_db, extractions())
    return clean_db


def test_docstring_examples_hold():
    result = doctest.testmod(partnership_map)
    assert result.attempted >= 1
    assert result.failed == 0


def test_organisations_only_joined_by_partnerships_and_alliances(graph, neo4j_settings, tmp_path):
    summary = write_partnership_map(graph, tmp_path / "p.html", database=neo4j_settings.database)
    data = page_data(summary.path)
    assert keys(data) == ORGS
    assert {t for _, t, _ in edge_triples(data)} == {"PARTNERS_WITH", "MEMBER_OF", "LEADS"}
    assert len(edge_triples(data)) == summary.edges == 4 + 3 + 1
    assert data["sizeBy"] == "partners"
    assert data["colorBy"] == "type"
    assert data["hiddenIsolated"] == 0
    scores = {n["key"]: n["score"] for n in data["nodes"]}
    assert scores[HVC] == 2 and scores[ACME] == 1
    assert scores[ALLIANCE] == 3  # an alliance's partners are its members and leader
    order = [data["nodes"][i]["key"] for i in data["labelOrder"]]
    assert order[0] == ALLIANCE and set(order) == ORGS
    assert data["edgeLabels"] is False
    assert data["physics"] is False  # a still picture: labels stay apart, clicks land


def test_organisations_without_a_tie_are_hidden_and_counted(graph, neo4j_settings, tmp_path):
    # A college named in one article with no partnership nor alliance.
    graph.execute_query(
        "CREATE (:Entity:Organization:College {key: 'college:lonely', name: 'Lonely College', type: 'COLLEGE',"
        " firstSeen: '2024-01-01', lastSeen: '2024-01-01'})",
        database_=neo4j_settings.database,
    )
    data = page_data(write_partnership_map(graph, tmp_path / "p.html", database=neo4j_settings.database).path)
    assert "college:lonely" not in keys(data)
    assert data["hiddenIsolated"] == 1


def test_window(graph, neo4j_settings, tmp_path):
    data = page_data(write_partnership_map(graph, tmp_path / "p.html", until="2024-12-31",
                                           database=neo4j_settings.database).path)
    assert keys(data) == {RP, ACME}
    # Seen up to 2024: RP, Acme, Blue River (a forum in 2024) and the Bureau; two have no tie then.
    assert data["hiddenIsolated"] == 2
    assert "2024-12-31" in data["title"]


def test_cli_view_partnerships_is_the_default(graph, tmp_path):
    out = tmp_path / "m.html"
    result = CliRunner().invoke(app, ["map", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 7 organisations, 8 ties" in result.output
    assert page_data(out)["partnershipView"] is True
    result = CliRunner().invoke(app, ["map", "--focus", "RP", "--out", str(out)])
    assert result.exit_code == 1
    assert "--focus only apply to --view all" in result.output
    result = CliRunner().invoke(app, ["map", "--view", "people", "--out", str(out)])
    assert result.exit_code == 1
    assert "--view must be one of partnerships, all" in result.output


@pytest.mark.browser
def test_side_panel_lists_exactly_the_partners_and_payload_stays_text(clean_db, neo4j_settings, tmp_path):
    from map_support import chromium, console_errors, foreign_requests, open_map
    from test_maps_browser import require_chromium, screenshot

    require_chromium()
    load(clean_db, hostile_extractions())
    page = write_partnership_map(clean_db, tmp_path / "p.html", database=neo4j_settings.database).path
    with chromium() as driver:
        open_map(driver, page)
        time.sleep(1.0)
        assert driver.execute_script("return window.__pwned === undefined")
        for key, partners in ((BUREAU, {HVC, NOVA}), (RP, {ACME}), (ALLIANCE, set())):
            node = driver.execute_script(
                "const n = eikgMap.data.nodes.find(n => n.key === arguments[0]);"
                "const p = eikgMap.network.canvasToDOM(eikgMap.network.getPosition(n.id));"
                "return [n.id, p.x, p.y];", key)
            from selenium.webdriver.common.action_chains import ActionChains

            net = driver.find_element("id", "network")
            rect = driver.execute_script("return document.getElementById('network').getBoundingClientRect().toJSON()")
            ActionChains(driver).move_to_element_with_offset(
                net, int(node[1] - rect["width"] / 2), int(node[2] - rect["height"] / 2)).click().perform()
            time.sleep(0.6)  # the panel narrows the canvas: let vis redraw before the next click
            assert driver.execute_script("return eikgMap.panelFor") == node[0], key
            shown = driver.execute_script(
                "return Array.from(document.querySelectorAll('#panel li.partner')).map(li => li.dataset.key)")
            assert set(shown) == partners, key
            assert len(shown) == len(partners)
        panel = driver.find_element("id", "panel").text
        assert "Fixture article" in panel or PAYLOAD_NAME in panel
        driver.execute_script("eikgMap.showPanel(eikgMap.data.nodes.find(n => n.key === arguments[0]).id)", BUREAU)
        panel = driver.find_element("id", "panel").text
        assert PAYLOAD_NAME in panel  # the hostile name and article title, as text
        assert driver.execute_script("return window.__pwned === undefined")
        assert driver.execute_script("return document.querySelectorAll('#panel script, #panel img').length") == 0
        assert foreign_requests(driver, page) == []
        assert console_errors(driver) == []
        screenshot(driver, "partnership-map.png")


@pytest.mark.browser
def test_labels_largest_first_at_opening_zoom(tmp_path):
    from map_support import chromium, open_map, synthetic_graph
    from test_maps_browser import require_chromium, screenshot

    from eikg.queries import map_html as maps

    require_chromium()
    g = synthetic_graph(600)
    for _, _, k, d in g.edges(keys=True, data=True):
        d["type"] = k
    extra = {"partnershipView": True, "hiddenIsolated": 3, "labelOrder": list(range(600)), "labelLimit": 10}
    page = maps.write_map(g, tmp_path / "s.html", extra=extra, scripts=("partnership_panel.js",),
                          size_by="partners", static_layout=True).path  # as the partnership view
    with chromium() as driver:
        open_map(driver, page)
        time.sleep(1.0)
        scale, big, small, threshold = driver.execute_script(
            "eikgMap.setLabels(); const s = eikgMap.network.getScale();"
            "const b = eikgMap.network.body.nodes[0].options, m = eikgMap.network.body.nodes[20].options;"
            "return [s, b.font.size, m.font.size, m.scaling.label.drawThreshold];")
        assert big * scale >= 13  # labelled: legible now
        if small * scale * 1.25 <= 13:
            assert small * scale < threshold - 1  # the others wait for a zoom
        labelled = driver.execute_script("return eikgMap.labelled")
        assert 0 in labelled and 0 < len(labelled) <= 10
        boxes = driver.execute_script("return eikgMap.labelBoxes")
        assert sorted(b[4] for b in boxes) == sorted(labelled)
        for i, a in enumerate(boxes):  # no two labels on top of each other
            for b in boxes[i + 1:]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
        assert "3 organisations with no relation in view not shown" in driver.find_element("id", "summary").text
        screenshot(driver, "partnership-map-labels.png")
