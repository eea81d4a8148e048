"""The main job end to end on a real Neo4j and the real spaCy model."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from eikg.cli import app
from eikg.demo import SAMPLE_CORPUS, run_demo
from eikg.graph.counts import count_graph


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, request):
    """One demo over the sample corpus into an empty database, then a second run."""
    driver = request.getfixturevalue("empty_test_database")()
    settings = request.getfixturevalue("neo4j_settings")
    out = tmp_path_factory.mktemp("demo")
    first = run_demo(driver, SAMPLE_CORPUS, out, database=settings.database)
    counts_after_first = count_graph(driver, settings.database)
    second = run_demo(driver, SAMPLE_CORPUS, out, database=settings.database)
    return first, counts_after_first, second, out


def test_demo_loads_every_sample_article(demo_run):
    first, counts, _, _ = demo_run
    articles = [p for p in SAMPLE_CORPUS.rglob("*") if p.suffix in {".txt", ".html"}]
    jsonl_lines = sum(1 for line in (SAMPLE_CORPUS / "more.jsonl").read_text().splitlines() if line.strip())
    assert first.load.articles_loaded == len(articles) + jsonl_lines
    assert counts.labels["Article"] == len(articles) + jsonl_lines
    assert first.warnings == []


def test_demo_finds_every_kind_of_thing(demo_run):
    first, _, _, _ = demo_run
    entities = first.entity_counts()
    for kind in ("PERSON", "COLLEGE", "ENTERPRISE", "ALLIANCE", "GOVERNMENT", "EVENT", "PLACE"):
        assert entities[kind] > 0, kind
    relations = first.relation_counts()
    for kind in ("HOLDS_POSITION", "PARTNERS_WITH", "MEMBER_OF", "ORGANIZED", "PARTICIPATED_IN"):
        assert relations[kind] > 0, kind
    assert first.partnerships.rows, "no partnerships found"
    assert first.brokers.rows, "no brokers found"


def test_second_run_duplicates_nothing(demo_run, driver, neo4j_settings):
    first, counts, second, _ = demo_run
    assert second.load.articles_loaded == 0
    assert second.load.articles_skipped == first.load.articles_loaded
    assert count_graph(driver, neo4j_settings.database) == counts


def test_demo_writes_its_outputs(demo_run):
    first, _, _, out = demo_run
    for name in ("map.html", "map-all.html", "graph.ttl", "report.md", "report.html",
                 "partnerships-per-year.png", "top-organisations.png"):
        assert (out / name).stat().st_size > 0, name
    assert first.map.nodes > 0 and first.map.edges > 0
    assert first.map_all.nodes > first.map.nodes
    assert first.rdf_triples > 0
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## College–enterprise partnerships" in report
    assert "## Brokers between education and industry" in report
    # no machine path, no empty row (a type or a broker at zero)
    assert str(out) not in report and str(SAMPLE_CORPUS) not in report
    assert not re.search(r"^\|[^|]*\| 0 \|$", report, re.M)
    assert len(first.report.partnerships) == first.relation_counts()["PARTNERS_WITH"]


def test_summary_names_counts_tables_and_outputs(demo_run):
    first, _, _, _ = demo_run
    text = first.summary()
    assert re.search(r"articles in the graph: \d+", text)
    assert "entities per type:" in text
    assert "relations per type:" in text
    assert "top partnerships" in text
    assert "map.html" in text and "map-all.html" in text and "graph.ttl" in text and "report.md" in text


def test_demo_command_on_the_real_dev_articles(clean_db, corpus_dir, tmp_path):
    articles = corpus_dir / "dev" / "articles"
    result = CliRunner().invoke(app, ["demo", "--corpus", str(articles), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"articles in the graph: 15 \(15 loaded now", result.output)
    assert (tmp_path / "map.html").stat().st_size > 0
    assert (tmp_path / "graph.ttl").stat().st_size > 0


def test_demo_on_a_missing_corpus_is_one_line(clean_db, tmp_path):
    result = CliRunner().invoke(app, ["demo", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "nowhere" in result.output
    assert "Traceback" not in result.output
