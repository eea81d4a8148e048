"""Maps in a real headless Chromium: drawing, search, highlight, tooltips, safety.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` test
dependency. Without them these tests skip with one line saying so, except when
``CI=true``: there a missing browser is a failure, never a silent skip.
Screenshots land in ``out/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import networkx as nx
import pytest
from map_support import (
    chromium,
    console_errors,
    find_chromium,
    foreign_requests,
    open_map,
    synthetic_graph,
)
from test_map_html import PAYLOAD_EVIDENCE, PAYLOAD_NAME, small_graph

from eikg.queries import map_html

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "out" / "screenshots"


def require_chromium() -> None:
    """Skip (or, under CI=true, fail) when headless Chromium cannot run."""
    found = find_chromium()
    if isinstance(found, str):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {found}")
        pytest.skip(found)


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with chromium() as driver:
        yield driver


def js(driver, script, *args):
    return driver.execute_script(script, *args)


def node_id(driver, key):
    return js(driver, "return eikgMap.data.nodes.find(n => n.key === arguments[0]).id", key)


def ids(driver, keys):
    return sorted(node_id(driver, k) for k in keys)


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert driver.save_screenshot(str(path)), path
    assert path.stat().st_size > 5000  # a real picture, not an empty canvas
    return path


def pointer_at_node(driver, node):
    """Move the real mouse over a node (positions from the network itself)."""
    from selenium.webdriver.common.action_chains import ActionChains

    container = driver.find_element("id", "network")
    x, y, w, h = js(
        driver,
        """const p = eikgMap.network.canvasToDOM(eikgMap.network.getPosition(arguments[0]));
           const r = document.getElementById('network').getBoundingClientRect();
           return [p.x, p.y, r.width, r.height];""",
        node,
    )
    actions = ActionChains(driver)
    actions.move_to_element_with_offset(container, int(x - w / 2), int(y - h / 2))
    return actions


@pytest.fixture(scope="module")
def small_map(tmp_path_factory):
    path = tmp_path_factory.mktemp("maps") / "small.html"
    map_html.write_map(small_graph(), path, title="Test map", static_layout=True)
    return path


@pytest.mark.browser
def test_small_map_draws_offline_with_every_node_and_edge(browser, small_map):
    first_draw = open_map(browser, small_map)
    assert first_draw > 0
    assert console_errors(browser) == []
    assert foreign_requests(browser, small_map) == []
    assert js(browser, "return eikgMap.nodes.length") == 6
    assert js(browser, "return eikgMap.edges.length") == 5
    labels = js(browser, "return eikgMap.nodes.get().map(n => n.label)")
    assert "Harbour Polytechnic" in labels
    legend = browser.find_element("id", "types").text
    for etype in ("COLLEGE", "ENTERPRISE", "PERSON", "ALLIANCE", "PLACE"):
        assert etype in legend
    screenshot(browser, "map-small.png")


@pytest.mark.browser
def test_search_box_selects_matches_and_enter_highlights_the_first(browser, small_map):
    from selenium.webdriver.common.keys import Keys

    open_map(browser, small_map)
    box = browser.find_element("id", "search")
    box.send_keys("tidewell")
    assert browser.find_element("id", "search-count").text == "1 match"
    assert js(browser, "return eikgMap.network.getSelectedNodes()") == ids(
        browser, ["enterprise:tidewell"]
    )
    box.send_keys(Keys.ENTER)
    assert js(browser, "return eikgMap.highlighted") == ids(
        browser, ["enterprise:tidewell", "college:harbour"]
    )
    box.clear()
    box.send_keys("hp")  # an alias
    assert js(browser, "return eikgMap.network.getSelectedNodes()") == ids(
        browser, ["college:harbour"]
    )
    box.clear()
    box.send_keys("nobody by this name")
    assert browser.find_element("id", "search-count").text == "0 matches"
    assert console_errors(browser) == []


@pytest.mark.browser
def test_clicking_a_node_highlights_exactly_its_neighbours(browser, small_map):
    open_map(browser, small_map)
    harbour = node_id(browser, "college:harbour")
    pointer_at_node(browser, harbour).click().perform()
    expected = ids(
        browser, ["college:harbour", "enterprise:tidewell", "person:mara", "alliance:skills"]
    )
    assert js(browser, "return eikgMap.highlighted") == expected
    dimmed = js(
        browser,
        "return eikgMap.nodes.get().filter(n => n.color.background === '#ececec').map(n => n.id)",
    )
    assert sorted(dimmed) == ids(browser, ["enterprise:ferncastle", "place:port"])
    screenshot(browser, "map-highlight.png")
    # A click on empty canvas clears the highlight.
    from selenium.webdriver.common.action_chains import ActionChains

    container = browser.find_element("id", "network")
    ActionChains(browser).move_to_element_with_offset(container, -300, -250).click().perform()
    assert js(browser, "return eikgMap.highlighted") is None


@pytest.mark.browser
def test_type_filter_hides_that_type_and_its_relations(browser, small_map):
    open_map(browser, small_map)
    browser.find_element("css selector", 'input[data-type="PERSON"]').click()
    hidden_nodes = js(browser, "return eikgMap.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert hidden_nodes == ids(browser, ["person:mara"])
    hidden_edges = js(
        browser,
        "return eikgMap.edges.get({filter: e => e.hidden}).map(e => eikgMap.data.edges[e.id].type)",
    )
    assert hidden_edges == ["HOLDS_POSITION"]
    browser.find_element("css selector", 'input[data-relation="MEMBER_OF"]').click()
    assert js(browser, "return eikgMap.edges.get({filter: e => e.hidden}).length") == 3
    assert js(browser, "return eikgMap.find('mara')") == []  # hidden types are not found


@pytest.mark.browser
def test_hover_shows_a_plain_text_tooltip_with_positions_and_evidence(browser, small_map):
    open_map(browser, small_map)
    mara = node_id(browser, "person:mara")
    pointer_at_node(browser, mara).perform()
    tooltip = browser.find_element("id", "tooltip")
    deadline = time.monotonic() + 5
    while not tooltip.is_displayed() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tooltip.is_displayed()
    text = tooltip.text
    assert "Mara Quill" in text
    assert "Type: PERSON" in text
    assert "Also known as: Dr Quill" in text
    assert "Vice President, Harbour Polytechnic" in text
    assert "Mara Quill, Vice President of Harbour Polytechnic, spoke at the signing." in text
    assert "Harbour Polytechnic signs with Tidewell (2025-04-02)" in text
    screenshot(browser, "map-tooltip.png")


def xss_graph() -> nx.MultiDiGraph:
    g = small_graph()
    g.nodes["person:mara"]["name"] = PAYLOAD_NAME
    g.nodes["person:mara"]["aliases"] = ['<img src=x onerror="window.__pwned=\'alias\'">']
    g.graph["articles"]["a1"]["title"] = "</title><script>window.__pwned='title'</script>"
    edge = g.edges["person:mara", "college:harbour", "HOLDS_POSITION"]
    edge["evidence"] = [PAYLOAD_EVIDENCE]
    edge["title"] = "<svg onload=\"window.__pwned='position'\">"
    return g


@pytest.mark.browser
def test_untrusted_text_never_runs_and_shows_literally(browser, tmp_path):
    path = tmp_path / "xss.html"
    map_html.write_map(xss_graph(), path, title="<img src=x onerror=\"window.__pwned='map'\">", static_layout=True)
    open_map(browser, path)
    time.sleep(0.3)  # give an injected onerror handler time to fire
    assert js(browser, "return window.__pwned === undefined")
    assert js(browser, "return document.images.length") == 0
    assert js(browser, "return document.scripts.length") == 3
    assert js(browser, "return document.querySelectorAll('svg, b').length") == 0
    assert browser.find_element("id", "title").text == "<img src=x onerror=\"window.__pwned='map'\">"

    mara = node_id(browser, "person:mara")
    assert js(browser, "return eikgMap.nodes.get(arguments[0]).label", mara) == PAYLOAD_NAME
    pointer_at_node(browser, mara).perform()
    tooltip = browser.find_element("id", "tooltip")
    deadline = time.monotonic() + 5
    while not tooltip.is_displayed() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = js(browser, "return document.getElementById('tooltip').textContent")
    assert PAYLOAD_NAME in text
    assert PAYLOAD_EVIDENCE in text
    assert "</title><script>window.__pwned='title'</script>" in text
    assert "<svg onload=\"window.__pwned='position'\">" in text
    assert js(browser, "return document.querySelectorAll('#tooltip *').length") == js(
        browser, "return document.querySelectorAll('#tooltip div, #tooltip ul, #tooltip li, #tooltip span').length"
    )
    # The search box treats the payload as text too.
    assert js(browser, "return eikgMap.search('<img src=x')") == [mara]
    time.sleep(0.3)
    assert js(browser, "return window.__pwned === undefined")
    assert js(browser, "return document.images.length") == 0
    assert console_errors(browser) == []
    assert foreign_requests(browser, path) == []
    screenshot(browser, "map-xss.png")


@pytest.mark.browser
def test_physics_map_stabilises(browser, tmp_path):
    path = tmp_path / "physics.html"
    summary = map_html.write_map(synthetic_graph(300), path)
    assert summary.physics is True
    open_map(browser, path)
    deadline = time.monotonic() + 60
    while not js(browser, "return eikgMap.stabilized") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert js(browser, "return eikgMap.stabilized")
    assert js(browser, "return eikgMap.nodes.length") == 300
    assert console_errors(browser) == []
    screenshot(browser, "map-physics-300.png")


@pytest.mark.browser
@pytest.mark.slow
def test_five_thousand_node_map_opens_static_and_searchable(browser, tmp_path):
    graph = synthetic_graph(5000)
    path = tmp_path / "large.html"
    summary = map_html.write_map(graph, path)
    assert summary.physics is False
    first_draw = open_map(browser, path, timeout=120)
    assert js(browser, "return eikgMap.nodes.length") == 5000
    assert js(browser, "return eikgMap.edges.length") == graph.number_of_edges()
    assert js(browser, "return eikgMap.data.physics") is False
    # Generous on a shared CI machine; benchmarks/map.py measures against the 5 s target.
    assert first_draw < 20_000
    assert js(browser, "return eikgMap.search('Entity 4321', true)")[0] == node_id(browser, "k4321")
    assert console_errors(browser) == []
    assert foreign_requests(browser, path) == []
    screenshot(browser, "map-5000.png")


def test_missing_chromium_skips_locally_and_fails_on_ci(monkeypatch):
    monkeypatch.setenv("EIKG_CHROMIUM", "/nonexistent/chromium")
    assert isinstance(find_chromium(), str)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="Chromium not found"):
        require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        require_chromium()


@pytest.mark.browser
def test_payloads_ingested_from_articles_never_run(browser, clean_db, tmp_path):
    """Through the real pipeline: an article (spaCy extraction and loader) whose
    title and sentences carry payloads, and an extraction whose entity name and
    alias do (the NER never yields such names, the loader takes them as given)."""
    from eikg.graph.loader import load
    from eikg.queries.map_query import write_graph_map
    from eikg.workflow import ingest
    from eikg.records import Article, Entity, EntityType, Evidence, Extraction, Relation, RelationType

    title = "<script>window.__pwned='title'</script>Harbour news"
    sentence = (
        'Harbour Polytechnic signed a cooperation agreement <script>window.__pwned="evidence"</script> '
        "with Tidewell Robotics Co., Ltd. in Port Elden."
    )
    article = {
        "id": "xss-article", "title": title, "published": "2025-03-03",
        "text": sentence + ' Mara Quill, President of Harbour Polytechnic, said the <img src=x '
        'onerror="window.__pwned=1"> programme would train technicians.',
    }  # fmt: skip
    source = tmp_path / "articles.jsonl"
    source.write_text(json.dumps(article) + "\n", encoding="utf-8")
    summary = ingest(clean_db, [source])
    assert summary.articles_loaded == 1

    bad_name = PAYLOAD_NAME
    evidence = Evidence(f"{bad_name} visited Harbour Polytechnic.", 0, 10)
    load(
        clean_db,
        [
            Extraction(
                Article("xss-names", f"{bad_name} visited Harbour Polytechnic.", title=title,
                        published="2025-03-04"),
                (
                    Entity("e1", "organization:payload", bad_name, EntityType.ORGANIZATION,
                           aliases=("<img src=x onerror=\"window.__pwned='alias'\">",)),
                    Entity("e2", "college:harbour-polytechnic", "Harbour Polytechnic", EntityType.COLLEGE),
                ),
                (Relation("e1", RelationType.VISITED, "e2", evidence),),
            )
        ],
    )  # fmt: skip
    out = tmp_path / "ingested.html"
    write_graph_map(clean_db, out, static_layout=True)
    data = json.loads(
        re.search(r'type="application/json">(.*?)</script>', out.read_text(encoding="utf-8"), re.S).group(1)
    )
    names = {n["label"]: n["id"] for n in data["nodes"]}
    assert bad_name in names
    assert "Harbour Polytechnic" in names

    open_map(browser, out)
    time.sleep(0.3)
    assert js(browser, "return window.__pwned === undefined")
    assert js(browser, "return document.images.length") == 0
    assert js(browser, "return document.scripts.length") == 3
    college = names["Harbour Polytechnic"]
    text = js(browser, "return eikgMap.showNodeTooltip(arguments[0]).textContent", college)
    assert 'signed a cooperation agreement <script>window.__pwned="evidence"</script> with' in text
    assert title in text
    text = js(browser, "return eikgMap.showNodeTooltip(arguments[0]).textContent", names[bad_name])
    assert bad_name in text
    assert "<img src=x onerror=\"window.__pwned='alias'\">" in text
    assert js(browser, "return document.querySelectorAll('#tooltip img, #tooltip script').length") == 0
    time.sleep(0.3)
    assert js(browser, "return window.__pwned === undefined")
    assert console_errors(browser) == []
    assert foreign_requests(browser, out) == []
    screenshot(browser, "map-xss-ingested.png")


@pytest.mark.browser
def test_content_security_policy_stops_markup_that_got_in(browser, tmp_path):
    """Second line of defence: were escaping ever broken, injected script and
    handlers would still not run, and nothing would be fetched."""
    page = map_html.build_html(small_graph(), static_layout=True)
    injected = (
        '<script>window.__pwned="inline"</script>'
        '<img src=x onerror="window.__pwned=\'handler\'">'
        '<img src="https://example.org/pixel.png">'
    )
    path = tmp_path / "tampered.html"
    path.write_text(page.replace('<div id="tooltip"', injected + '<div id="tooltip"'), encoding="utf-8")
    open_map(browser, path)  # the map itself still draws
    time.sleep(0.3)
    assert js(browser, "return window.__pwned === undefined")
    assert js(browser, "return eikgMap.nodes.length") == 6
    errors = console_errors(browser)
    assert errors, "the blocked script should be reported"
    assert all("Content Security Policy" in e for e in errors), errors
    # The browser names the outside image, then refuses it for the policy.
    events = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    outside = {
        ev["params"]["requestId"]
        for ev in events
        if ev["method"] == "Network.requestWillBeSent"
        and ev["params"]["request"]["url"].startswith("http")
    }
    blocked = {
        ev["params"]["requestId"]
        for ev in events
        if ev["method"] == "Network.loadingFailed" and ev["params"].get("blockedReason") == "csp"
    }
    assert outside
    assert outside <= blocked


@pytest.mark.browser
def test_focused_map_opens_with_the_focus_selected_and_its_neighbours_lit(browser, tmp_path):
    path = tmp_path / "focus.html"
    map_html.write_map(small_graph(), path, focus="alliance:skills", static_layout=True)
    open_map(browser, path)
    alliance = node_id(browser, "alliance:skills")
    assert js(browser, "return eikgMap.network.getSelectedNodes()") == [alliance]
    assert js(browser, "return eikgMap.highlighted") == ids(
        browser, ["alliance:skills", "college:harbour", "enterprise:ferncastle", "place:port"]
    )
    assert console_errors(browser) == []
