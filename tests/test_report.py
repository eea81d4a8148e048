"""The partnership report (queries/report.py, queries/plots.py, `eikg report`) on the
fixture graph in a real Neo4j; the HTML version also in a real Chromium.

Expected answers are read off the fact list in tests/query_fixture.py.
"""

from __future__ import annotations

import dataclasses
import doctest
import re

import pytest
from query_fixture import extractions
from test_map_html import PAYLOAD_EVIDENCE, PAYLOAD_NAME
from typer.testing import CliRunner

from eikg.cli import app
from eikg.graph.loader import load
from eikg.queries import plots, report
from eikg.queries.report import read_report, to_html, to_markdown, write_report

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def graph(clean_db):
    load(clean_db, extractions())
    return clean_db


def hostile_extractions():
    """The fixture with article a3's title, Hill Valley College's name and a3's
    evidence sentences replaced by markup, as a hostile page could carry."""
    out = []
    for ex in extractions():
        if ex.article.id == "a3":
            article = dataclasses.replace(ex.article, title=PAYLOAD_NAME)
            entities = tuple(
                dataclasses.replace(e, name=PAYLOAD_NAME) if e.name == "Hill Valley College" else e
                for e in ex.entities
            )
            relations = tuple(
                dataclasses.replace(r, evidence=dataclasses.replace(r.evidence, sentence=PAYLOAD_EVIDENCE))
                for r in ex.relations
            )
            ex = dataclasses.replace(ex, article=article, entities=entities, relations=relations)
        out.append(ex)
    return out


def test_docstring_examples_hold():
    result = doctest.testmod(report)
    assert result.attempted >= 4
    assert result.failed == 0


def test_partnership_rows_equal_a_cypher_count(graph, neo4j_settings):
    found = read_report(graph, database=neo4j_settings.database)
    records, _, _ = graph.execute_query(
        "MATCH (a:Organization)-[r:PARTNERS_WITH]->(b:Organization) RETURN count(r) AS n",
        database_=neo4j_settings.database,
    )
    assert len(found.partnerships) == records[0]["n"] == 4
    ce, _, _ = graph.execute_query(
        "MATCH (c:College)-[r:PARTNERS_WITH]-(e:Enterprise) RETURN count(DISTINCT r) AS n",
        database_=neo4j_settings.database,
    )
    assert len(found.college_enterprise) == ce[0]["n"] == 2


def test_partnerships_carry_counts_dates_and_best_evidence(graph, neo4j_settings):
    found = read_report(graph, database=neo4j_settings.database)
    first = found.partnerships[0]
    # College-enterprise pairs first, the most reported first; the college named first.
    assert (first.a, first.b) == ("Riverside Polytechnic", "Acme Robotics Co., Ltd.")
    assert first.articles == 2
    assert (first.first_seen, first.last_seen) == ("2023-03-10", "2024-05-20")
    # Both sentences name both partners and say they work together: the shorter wins.
    assert first.evidence == "Riverside Polytechnic and Acme Robotics Co., Ltd. renewed their joint training programme."
    assert first.source_title == "Fixture article a2"
    assert first.source_date == "2024-05-20"
    kinds = [p.college_enterprise for p in found.partnerships]
    assert kinds == sorted(kinds, reverse=True)


def test_top_alliances_brokers_and_timeline(graph, neo4j_settings):
    found = read_report(graph, database=neo4j_settings.database)
    top = {o.name: o.partners for o in found.top}
    assert top["Hill Valley College"] == ("Blue River Software", "River City Education Bureau")
    assert top["River City Education Bureau"] == ("Hill Valley College", "Nova Machines Group")
    [alliance] = found.alliances
    assert alliance.name == "River City AI Education Alliance"
    assert alliance.leaders == ("Riverside Polytechnic",)
    assert set(alliance.members) == {"Hill Valley College", "Nova Machines Group"}
    # only organisations that broker a pair, strongest first (read off the fact list)
    assert [(b["name"], b["brokered_pairs"]) for b in found.brokers] == [
        ("River City AI Education Alliance", 2), ("River City Education Bureau", 1),
    ]
    assert found.timeline() == [
        ("2023", {"college–enterprise": 1}),
        ("2025", {"college–enterprise": 1, "college–government": 1, "enterprise–government": 1}),
    ]


def test_window_keeps_partnerships_seen_in_it(graph, neo4j_settings):
    found = read_report(graph, until="2024-12-31", database=neo4j_settings.database)
    assert [(p.a, p.b) for p in found.partnerships] == [("Riverside Polytechnic", "Acme Robotics Co., Ltd.")]
    assert found.articles == 2
    assert found.alliances == []
    assert "up to 2024-12-31" in to_markdown(found)


def test_markdown_has_every_section_no_path_and_no_zero_row(graph, neo4j_settings):
    found = read_report(graph, database=neo4j_settings.database)
    md = to_markdown(found, [(n, c) for n, c, _ in plots.report_plots(found)])
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert headings == [
        "College–enterprise partnerships", "Other partnerships", "Organisations with most partners",
        "Alliances", "Brokers between education and industry", "New partnerships per year",
    ]
    assert "3 articles in the graph" in md
    assert "brokered pairs*: college-enterprise pairs" in md
    assert "/home/" not in md and "/work/" not in md and "/tmp/" not in md
    # no table row whose only number is zero (an empty type or a broker of nothing)
    assert not re.search(r"^\|[^|]*\| 0 \|$", md, re.M)
    # each plot above the table it draws
    assert md.index("(top-organisations.png)") > md.index("## Organisations with most partners")
    assert md.index("(top-organisations.png)") < md.index("## Alliances")
    assert md.index("(partnerships-per-year.png)") > md.index("## New partnerships per year")


def test_write_report_writes_md_html_and_plots(graph, neo4j_settings, tmp_path):
    found = read_report(graph, database=neo4j_settings.database)
    paths = write_report(found, tmp_path)
    names = sorted(p.name for p in paths)
    assert names == ["partnerships-per-year.png", "report.html", "report.md", "top-organisations.png"]
    for name in ("partnerships-per-year.png", "top-organisations.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2
    assert not re.search(r"""(src|href)=["'](?!data:)""", page), "the page links something outside"
    assert str(tmp_path) not in page


def test_plots_survive_dollar_signs_in_names():
    top = [report.Organisation("$x^{$ Holdings", "ENTERPRISE", ("A",))]
    assert plots.top_organisations(top).startswith(PNG)
    assert plots.partnerships_per_year([]).startswith(PNG)


def test_hostile_text_is_escaped(clean_db, neo4j_settings):
    load(clean_db, hostile_extractions())
    found = read_report(clean_db, database=neo4j_settings.database)
    page = to_html(found)
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned=&quot;name&quot;&lt;/script&gt;" in page
    md = to_markdown(found)
    assert "<script>" not in md and "<img" not in md


@pytest.mark.browser
def test_html_report_in_chromium_shows_payload_as_text_and_fetches_nothing(clean_db, neo4j_settings, tmp_path):
    from map_support import chromium, console_errors, foreign_requests
    from test_maps_browser import require_chromium, screenshot

    require_chromium()
    load(clean_db, hostile_extractions())
    write_report(read_report(clean_db, database=neo4j_settings.database), tmp_path, ["html"])
    page = tmp_path / "report.html"
    with chromium() as driver:
        driver.get_log("browser")
        driver.get_log("performance")
        driver.get(page.resolve().as_uri())
        assert driver.execute_script("return window.__pwned === undefined")
        assert PAYLOAD_NAME in driver.find_element("tag name", "body").text
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth])"
        )
        assert len(images) == 2 and all(done and width > 100 for done, width in images)
        assert foreign_requests(driver, page) == []
        assert console_errors(driver) == []
        screenshot(driver, "report.png")


def test_cli_report_writes_the_format_asked(graph, tmp_path):
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path), "--format", "html", "--since", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.html").exists()
    assert not (tmp_path / "report.md").exists()
    assert "3 partnerships" in result.output
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 1
    assert "error: --format must be md or html" in result.output
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path), "--since", "yesterday"])
    assert result.exit_code == 1
    assert "--since must be a date" in result.output
