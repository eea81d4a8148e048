"""The timeline counters (graph/timeline.py) agree with the relationships themselves
after every kind of write: first load, reload, replacing an article, merge, split,
and a graph written before the counters existed (real Neo4j)."""

from __future__ import annotations

import doctest
import threading

import pytest
from test_loader import ACME, HILL, LI, R, a1, a2, article, rel, snapshot
from typer.testing import CliRunner

from eikg.cli import app
from eikg.graph import timeline
from eikg.graph.loader import load
from eikg.graph.merges import merge_entities, split_entity
from eikg.queries import runner

LARK = ("l", "college:larkford college", "Larkford College", HILL[3], [])
HILL2 = ("c", "college:hill valley", "Hill Valley", HILL[3], [])


@pytest.fixture
def db(driver, clean_db):
    return driver


def test_moves_doctest():
    result = doctest.testmod(timeline)
    assert result.attempted >= 1 and result.failed == 0


def counters(driver) -> dict[tuple[str, str], int]:
    with driver.session() as s:
        return {
            (r["relation"], r["year"]): r["count"]
            for r in s.run("MATCH (c:TimelineCount) RETURN c.relation AS relation, c.year AS year, c.count AS count")
        }


def scanned(driver) -> dict[tuple[str, str], int]:
    """What the counters should say, counted from every relationship between entities."""
    with driver.session() as s:
        return {
            (r["relation"], r["year"]): r["n"]
            for r in s.run(
                "MATCH (:Entity)-[r]->(:Entity) "
                "RETURN type(r) AS relation, coalesce(left(toString(r.firstSeen), 4), '') AS year, count(*) AS n"
            )
        }


def timeline_rows(driver) -> dict[tuple[str, str], int]:
    return {(r["year"], r["relation"]): r["relations"] for r in runner.run_query(driver, "timeline").rows}


def test_counters_follow_loads_replacements_and_deletions(db):
    load(db, [a1(), a2()])
    assert counters(db) == scanned(db)
    assert counters(db)[("PARTNERS_WITH", "2023")] == 1
    # an older article moves the HILL-ACME partnership from 2023 back to 2021
    older = article("t-old", "2021-06-01", [HILL, ACME], [("c", R.PARTNERS_WITH, "x", "They signed an agreement.")])
    load(db, [older])
    assert counters(db) == scanned(db)
    assert counters(db).get(("PARTNERS_WITH", "2021")) == 1
    # replacing the old article with one that no longer names the partnership moves it back to 2023
    replaced = article("t-old", "2021-06-01", [HILL, LI], [("p", R.HOLDS_POSITION, "c", "Li Ming leads it.", "Dean")])
    load(db, [replaced])
    assert counters(db) == scanned(db)
    assert ("PARTNERS_WITH", "2021") not in counters(db)  # a counter at zero is deleted
    assert counters(db)[("HOLDS_POSITION", "2021")] == 1
    # an undated article counts under '' and stays out of the timeline query
    undated = article("t-undated", None, [HILL, LARK], [("c", R.PARTNERS_WITH, "l", "They partner.")])
    load(db, [undated])
    assert counters(db) == scanned(db)
    assert counters(db)[("PARTNERS_WITH", "")] == 1
    assert all(year for year, _ in timeline_rows(db))
    # reloading everything changes nothing
    before = snapshot(db)
    load(db, [a1(), a2(), replaced, undated])
    assert snapshot(db) == before


def test_several_rows_of_one_relationship_in_one_batch_count_once(db):
    items = [
        article(f"t-{year}", f"{year}-01-01", [HILL, ACME], [("c", R.PARTNERS_WITH, "x", f"In {year}.")])
        for year in (2024, 2022, 2023)
    ]
    load(db, items)
    assert counters(db) == {("PARTNERS_WITH", "2022"): 1} == scanned(db)
    head, tail = sorted([HILL[1], ACME[1]])
    assert rel(db, "PARTNERS_WITH", head, tail)["countedYear"] == "2022"


def test_merge_and_split_keep_counters_true(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    other = article("t-b", "2020-02-02", [HILL2, LI], [("p", R.HOLDS_POSITION, "c", "Li Ming teaches at Hill Valley.", "Dean")])
    load(db, [a1(), a2(), other])
    before = snapshot(db)
    assert counters(db)[("HOLDS_POSITION", "2020")] == 1
    merge_entities(db, HILL[1], HILL2[1], merges)
    assert counters(db) == scanned(db)
    # Li Ming's two positions at the two nodes became one relationship, first seen in 2020
    assert counters(db)[("HOLDS_POSITION", "2020")] == 1
    assert ("HOLDS_POSITION", "2023") not in counters(db)
    split_entity(db, HILL2[1], merges)
    assert counters(db) == scanned(db)
    assert snapshot(db) == before


def test_a_graph_without_counters_is_rebuilt_by_the_next_load(db):
    load(db, [a1(), a2()])
    expected = counters(db)
    with db.session() as s:  # as a graph written before the counters existed
        s.run("MATCH (c:TimelineCount) DELETE c").consume()
        s.run("MATCH (:Entity)-[r]->(:Entity) REMOVE r.countedYear").consume()
    assert set(timeline.stale_types(db)) == {rtype for rtype, _ in expected}
    warnings: list[str] = []
    load(db, [a1()], warn=warnings.append)
    assert counters(db) == expected == scanned(db)
    assert len(warnings) == 1 and "timeline counters rebuilt for" in warnings[0]
    assert timeline.stale_types(db) == []
    # every relationship is marked again, so later moves are counted right
    load(db, [article("t-old", "2019-01-01", [HILL, LI], [("p", R.HOLDS_POSITION, "c", "Li Ming.", "Dean")])])
    assert counters(db) == scanned(db)


def test_a_counter_changed_behind_the_loader_is_found_and_rebuilt(db):
    load(db, [a1(), a2()])
    with db.session() as s:
        s.run("MATCH (c:TimelineCount {relation: 'PARTNERS_WITH'}) SET c.count = c.count + 5").consume()
    assert timeline.ensure_timeline(db) == ["PARTNERS_WITH"]
    assert counters(db) == scanned(db)
    assert timeline.ensure_timeline(db) == []


def test_concurrent_loads_keep_counters_true(db):
    """Two loads at once, sharing entities (so their transactions touch the same nodes
    and counters): the counters still equal a full count afterwards."""
    def items(prefix: str, year0: int):
        return [
            article(f"{prefix}-{i}", f"{year0 + i % 4}-0{1 + i % 9}-01", [HILL, ACME, LI],
                    [("c", R.PARTNERS_WITH, "x", f"Sentence {prefix} {i}."),
                     ("p", R.HOLDS_POSITION, "c", f"Li Ming {prefix} {i}.", "Dean")])
            for i in range(40)
        ]

    errors: list[BaseException] = []

    def run(prefix: str, year0: int) -> None:
        try:
            load(db, items(prefix, year0), batch_size=3)
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=a) for a in (("t-x", 2020), ("t-y", 2018))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert counters(db) == scanned(db) == {("PARTNERS_WITH", "2018"): 1, ("HOLDS_POSITION", "2018"): 1}


def test_cli_timeline_says_when_counters_are_stale(db):
    load(db, [a1(), a2()])
    res = CliRunner().invoke(app, ["query", "timeline"])
    assert res.exit_code == 0 and "note:" not in res.stderr
    with db.session() as s:
        s.run("MATCH (c:TimelineCount {relation: 'PARTNERS_WITH'}) DETACH DELETE c").consume()
    res = CliRunner().invoke(app, ["query", "timeline"])
    assert res.exit_code == 0
    assert "timeline counters do not match the graph for PARTNERS_WITH" in res.stderr
