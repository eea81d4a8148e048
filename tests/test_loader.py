"""The loader against a real Neo4j: idempotent, incremental, provenance, closed vocabulary.

Articles are invented for the tests (sentences written here); each test starts
from an empty database (``clean_db``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from eikg.graph import timeline
from eikg.graph.loader import load
from eikg.graph.ontology import vocabulary
from eikg.records import (
    Article,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Relation,
    RelationType,
    Span,
    from_json,
    to_json,
)
from eikg.workflow import read_extractions

ROOT = Path(__file__).resolve().parents[1]
E = EntityType
R = RelationType


@pytest.fixture
def db(driver, clean_db):
    return driver


def article(aid: str, published: str | None, entities, relations, text: str | None = None) -> Extraction:
    """entities: (local id, key, name, type, aliases[, date, place]);
    relations: (head, type, tail, sentence[, title])."""
    ents = []
    for e in entities:
        local, key, name, etype, aliases, *rest = e
        ents.append(
            Entity(
                id=local,
                key=key,
                name=name,
                type=etype,
                aliases=tuple(aliases),
                mentions=(Span(0, len(name)), Span(10, 10 + len(name))),
                date=rest[0] if rest else None,
                place=rest[1] if len(rest) > 1 else None,
            )
        )
    rels = []
    for r in relations:
        head, rtype, tail, sentence, *title = r
        rels.append(
            Relation(
                head=head,
                type=rtype,
                tail=tail,
                evidence=Evidence(sentence, 0, len(sentence)),
                title=title[0] if title else None,
                confidence=0.8,
            )
        )
    body = text if text is not None else " ".join(r[3] for r in relations) or aid
    return Extraction(
        Article(id=aid, text=body, title=f"Title {aid}", published=published, publisher="Test Daily"),
        tuple(ents),
        tuple(rels),
    )


HILL = ("c", "college:hill valley college", "Hill Valley College", E.COLLEGE, ["HVC"])
ACME = ("x", "enterprise:acme robotics", "Acme Robotics", E.ENTERPRISE, [])
LI = ("p", "person:li ming", "Li Ming", E.PERSON, [])
BUREAU = ("g", "government:river city education bureau", "River City Education Bureau", E.GOVERNMENT, [])
CITY = ("pl", "place:river city", "River City", E.PLACE, [])
FORUM = ("ev", "event:ai forum", "AI Forum", E.EVENT, [], "2024-05-18", "pl")

S1 = "Hill Valley College signed a cooperation agreement with Acme Robotics."
S2 = "Li Ming, President of Hill Valley College, spoke at the ceremony."
S3 = "Acme Robotics and HVC agreed to build a joint training base."
S4 = "The bureau held the AI Forum in River City, and HVC attended it."


def a1() -> Extraction:
    return article(
        "t-a1", "2023-03-10", [HILL, ACME, LI],
        [("c", R.PARTNERS_WITH, "x", S1), ("p", R.HOLDS_POSITION, "c", S2, "President")],
    )


def a2() -> Extraction:
    hill = ("h", HILL[1], "HVC", E.COLLEGE, ["Hill Valley"])
    return article(
        "t-a2", "2024-05-20", [ACME, hill, BUREAU, CITY, FORUM],
        [("x", R.PARTNERS_WITH, "h", S3), ("g", R.ORGANIZED, "ev", S4),
         ("h", R.PARTICIPATED_IN, "ev", S4)],
    )


def snapshot(driver) -> dict:
    """Every node and relationship with all labels and properties, comparable with ==."""
    with driver.session() as s:
        nodes = s.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
        ).data()
        rels = s.run(
            "MATCH (a)-[r]->(b) RETURN coalesce(a.key, a.id) AS a, type(r) AS type, "
            "coalesce(b.key, b.id) AS b, properties(r) AS props"
        ).data()
    def dump(value) -> str:  # the stored extraction is bytes
        return json.dumps(value, sort_keys=True, default=lambda b: bytes(b).hex())

    return {
        "nodes": sorted(dump([sorted(n["labels"]), n["props"]]) for n in nodes),
        "rels": sorted(dump([r["a"], r["type"], r["b"], r["props"]]) for r in rels),
    }


def rel(driver, rtype: str, head: str, tail: str) -> dict | None:
    with driver.session() as s:
        rec = s.run(
            f"MATCH (:Entity {{key: $h}})-[r:{vocabulary().check_relationship_type(rtype)}]->"
            "(:Entity {key: $t}) RETURN properties(r) AS p",
            h=head, t=tail,
        ).single()
    return rec["p"] if rec else None


def node(driver, key: str) -> dict | None:
    with driver.session() as s:
        rec = s.run(
            "MATCH (n:Entity {key: $k}) RETURN labels(n) AS labels, properties(n) AS p", k=key
        ).single()
    return {"labels": set(rec["labels"]), **rec["p"]} if rec else None


def test_load_writes_articles_entities_mentions_and_provenance(db):
    summary = load(db, [a1(), a2()])
    assert summary.articles_loaded == 2
    assert summary.articles_skipped == 0
    assert summary.nodes_created == 2 + 6  # articles + distinct entities
    hill = node(db, HILL[1])
    assert hill["labels"] == {"Entity", "Organization", "College"}
    assert hill["name"] == "Hill Valley College"
    assert set(hill["aliases"]) == {"HVC", "Hill Valley"}  # union across articles
    assert (hill["firstSeen"], hill["lastSeen"]) == ("2023-03-10", "2024-05-20")
    assert node(db, BUREAU[1])["labels"] == {"Entity", "Organization", "GovernmentBody"}
    forum = node(db, FORUM[1])
    assert forum["date"] == "2024-05-18"
    assert forum["type"] == "EVENT"
    # the event is linked to its organiser, participant and place
    assert rel(db, "ORGANIZED", BUREAU[1], FORUM[1]) is not None
    assert rel(db, "PARTICIPATED_IN", HILL[1], FORUM[1]) is not None
    assert rel(db, "LOCATED_IN", FORUM[1], CITY[1])["sources"] == ["t-a2"]
    position = rel(db, "HOLDS_POSITION", LI[1], HILL[1])
    assert position["title"] == "President"
    assert position["evidence"] == [S2]
    assert position["confidence"] == 0.8
    with db.session() as s:
        art = s.run("MATCH (a:Article {id: 't-a1'}) RETURN properties(a) AS p").single()["p"]
        mentions = s.run(
            "MATCH (:Article {id: 't-a1'})-[m:MENTIONS]->(e:Entity) RETURN e.key AS k, m.count AS n"
        ).data()
    assert art["contentHash"] == a1().article.content_hash
    assert art["published"] == "2023-03-10"
    assert art["publisher"] == "Test Daily"
    assert {m["k"] for m in mentions} == {HILL[1], ACME[1], LI[1]}
    assert {m["n"] for m in mentions} == {2}


def test_partners_with_is_one_relationship_per_pair_with_both_sources(db):
    load(db, [a1(), a2()])  # a1: Hill -> Acme, a2: Acme -> Hill
    head, tail = sorted([HILL[1], ACME[1]])
    forward = rel(db, "PARTNERS_WITH", head, tail)
    assert rel(db, "PARTNERS_WITH", tail, head) is None
    assert forward["sources"] == ["t-a1", "t-a2"]
    assert forward["evidence"] == [S1, S3]
    assert forward["evidenceSources"] == ["t-a1", "t-a2"]
    assert (forward["firstSeen"], forward["lastSeen"]) == ("2023-03-10", "2024-05-20")


def test_loading_twice_changes_nothing(db):
    first = load(db, [a1(), a2()])
    before = snapshot(db)
    second = load(db, [a1(), a2()])
    assert second.articles_skipped == 2
    assert second.articles_loaded == 0
    assert (second.nodes_created, second.relationships_created) == (0, 0)
    assert snapshot(db) == before
    assert first.nodes_created > 0


def test_forced_reload_gives_the_same_graph(db):
    load(db, [a1(), a2()])
    before = snapshot(db)
    again = load(db, [a1(), a2()], force=True)
    assert again.articles_loaded == 2
    assert again.articles_replaced == 2
    assert snapshot(db) == before


def test_loading_in_small_batches_gives_the_same_graph(db):
    load(db, [a1(), a2()], batch_size=10_000)
    together = snapshot(db)
    with db.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()
    load(db, [a1(), a2()], batch_size=1)
    assert snapshot(db) == together


def test_changed_article_replaces_only_its_own_contributions(db):
    load(db, [a1(), a2()])
    # a2 is edited: it no longer mentions the forum, and now says Acme is part of the bureau
    changed = article(
        "t-a2", "2024-05-21", [ACME, ("h", HILL[1], "HVC", E.COLLEGE, []), BUREAU],
        [("x", R.PART_OF, "g", "Acme Robotics is a unit of the bureau.")],
    )
    summary = load(db, [changed])
    assert summary.articles_replaced == 1
    head, tail = sorted([HILL[1], ACME[1]])
    shared = rel(db, "PARTNERS_WITH", head, tail)
    assert shared["sources"] == ["t-a1"]  # the shared fact keeps its other source
    assert shared["evidence"] == [S1]
    assert shared["evidenceSources"] == ["t-a1"]
    assert (shared["firstSeen"], shared["lastSeen"]) == ("2023-03-10", "2023-03-10")
    # facts only the old version supported are gone, with entities only it named
    assert rel(db, "ORGANIZED", BUREAU[1], FORUM[1]) is None
    assert node(db, FORUM[1]) is None
    assert node(db, CITY[1]) is None
    assert rel(db, "PART_OF", ACME[1], BUREAU[1])["sources"] == ["t-a2"]
    hill = node(db, HILL[1])
    assert set(hill["aliases"]) == {"HVC"}  # "Hill Valley" came only from the old text
    assert hill["lastSeen"] == "2024-05-21"
    # and the result is what loading both current versions from scratch gives
    after = snapshot(db)
    with db.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()
    load(db, [a1(), changed])
    assert snapshot(db) == after


def test_evidence_is_capped_and_sources_complete(db):
    items = [
        article(f"t-cap{i}", f"2024-01-{i + 1:02d}", [HILL, ACME], [("c", R.PARTNERS_WITH, "x", f"Sentence number {i}.")])
        for i in range(8)
    ]
    load(db, items, evidence_cap=3)
    head, tail = sorted([HILL[1], ACME[1]])
    r = rel(db, "PARTNERS_WITH", head, tail)
    assert len(r["sources"]) == 8
    assert r["evidence"] == ["Sentence number 0.", "Sentence number 1.", "Sentence number 2."]
    assert r["evidenceSources"] == ["t-cap0", "t-cap1", "t-cap2"]
    assert (r["firstSeen"], r["lastSeen"]) == ("2024-01-01", "2024-01-08")


def test_only_ontology_labels_and_types_are_written(db):
    v = vocabulary()
    every_type = [
        ("e" + t.value, f"{t.value.lower()}:sample", f"Sample {t.value.title()}", t, []) for t in EntityType
    ]
    rels = []
    for rt in RelationType:
        rels.append(("eORGANIZATION", rt, "eALLIANCE", f"A sentence about {rt.value}."))
    load(db, [article("t-all", "2024-02-02", every_type, rels)])
    with db.session() as s:
        labels = {r["l"] for r in s.run("CALL db.labels() YIELD label RETURN label AS l")}
        types = {r["t"] for r in s.run("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS t")}
    written_labels = {r for r in labels}
    # the timeline's counters are the one label outside the ontology (bookkeeping, never exported)
    assert written_labels <= v.labels | {timeline.LABEL}
    assert types <= v.all_relationship_types
    assert {"College", "GovernmentBody", "Platform", "Policy", "Article"} <= written_labels
    assert {t.value for t in RelationType} | {"MENTIONS"} <= types


def test_bad_rows_are_reported_with_file_and_line_and_the_rest_loads(db, tmp_path):
    good = to_json(a1())
    unknown_entity = to_json(a2())
    unknown_entity["entities"][0]["type"] = "SPACESHIP"
    unknown_relation = dict(to_json(a1()), id="t-a3")
    unknown_relation["relations"][0]["type"] = "LIKES"
    path = tmp_path / "x.jsonl"
    path.write_text(
        "\n".join([json.dumps(good), "{not json", json.dumps(unknown_entity), json.dumps(unknown_relation), "[1, 2]"]) + "\n",
        encoding="utf-8",
    )
    warnings: list[str] = []
    summary = load(db, read_extractions(path, warnings.append), warn=warnings.append)
    assert summary.articles_loaded == 3
    assert any(w.startswith(f"{path}:2: malformed JSON") for w in warnings), warnings
    assert any(w.startswith(f"{path}:3: entity") and "SPACESHIP" in w for w in warnings), warnings
    assert any(w.startswith(f"{path}:4: relation") and "LIKES" in w for w in warnings), warnings
    assert any(w.startswith(f"{path}:5:") for w in warnings), warnings
    # line 3 lost Acme (its bad entity), so its relation naming Acme is reported too
    assert any(w.startswith(f"{path}:3: relation x") for w in warnings), warnings
    assert node(db, FORUM[1]) is not None


def test_content_hash_from_extract_output_drives_skipping(db, tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(to_json(a1())) + "\n", encoding="utf-8")
    items = list(read_extractions(path))
    assert items[0].content_hash == a1().article.content_hash
    load(db, items)
    assert load(db, read_extractions(path)).articles_skipped == 1
    edited = to_json(a1())
    edited["content_hash"] = "f" * 64
    path.write_text(json.dumps(edited) + "\n", encoding="utf-8")
    assert load(db, read_extractions(path)).articles_replaced == 1


def _big_corpus(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            ents = [
                (f"o{j}", f"college:kill college {(i * 7 + j) % 40}", f"Kill College {(i * 7 + j) % 40}", E.COLLEGE, [f"KC{j}"])
                for j in range(6)
            ]
            rels = [(f"o{j}", R.PARTNERS_WITH, f"o{j + 1}", f"Sentence {j} of article {i}.") for j in range(5)]
            out.write(json.dumps(to_json(article(f"t-kill{i:04d}", f"2024-{1 + i % 12:02d}-01", ents, rels))) + "\n")


def test_killed_load_then_rerun_gives_the_uninterrupted_graph(db, tmp_path):
    path = tmp_path / "big.jsonl"
    _big_corpus(path, 600)
    load(db, read_extractions(path), batch_size=500)
    expected = snapshot(db)
    with db.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()

    eikg = str(Path(sys.executable).with_name("eikg"))
    proc = subprocess.Popen(
        [eikg, "load", str(path), "--batch-size", "20", "--merges", str(tmp_path / "none.jsonl")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.session() as s:
                loaded = s.run("MATCH (a:Article) RETURN count(a) AS n").single()["n"]
            if loaded >= 60:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with db.session() as s:
        part = s.run("MATCH (a:Article) RETURN count(a) AS n").single()["n"]
    assert 0 < part < 600, "the kill must land part-way"
    rerun = load(db, read_extractions(path), batch_size=20)
    assert rerun.articles_skipped == part  # every committed batch is whole
    assert snapshot(db) == expected


def test_unknown_entity_reference_is_reported_not_loaded(db):
    bad = article("t-bad", "2024-01-01", [HILL], [("c", R.PARTNERS_WITH, "nobody", "A sentence.")])
    warnings: list[str] = []
    load(db, [replace(bad, article=replace(bad.article, source="bad.jsonl:7"))], warn=warnings.append)
    assert warnings == ["bad.jsonl:7: relation c -PARTNERS_WITH-> nobody: no entity 'nobody'"]
    assert node(db, HILL[1]) is not None


def test_entity_seen_again_in_later_batches_still_updates_dates_and_aliases(db):
    def mention(aid: str, published: str | None, aliases=()):
        return article(aid, published, [("c", HILL[1], HILL[2], E.COLLEGE, list(aliases))], [])

    # one article per batch: the loader skips rows that add nothing it has already written
    load(db, [mention("t-m1", "2024-05-01"), mention("t-m2", "2024-05-01"),
              mention("t-m3", "2023-01-01"), mention("t-m4", None, ["HV College"]),
              mention("t-m5", "2025-02-02")], batch_size=1)
    hill = node(db, HILL[1])
    assert (hill["firstSeen"], hill["lastSeen"]) == ("2023-01-01", "2025-02-02")
    assert hill["aliases"] == ["HV College"]
    with db.session() as s:
        n = s.run("MATCH (:Article)-[m:MENTIONS]->(:Entity {key: $k}) RETURN count(m) AS n", k=HILL[1]).single()["n"]
    assert n == 5


def test_extractions_without_text_are_told_apart_by_what_was_extracted(db):
    first = a1()
    bare = replace(first, article=replace(first.article, text=""))
    load(db, [bare])
    assert load(db, [bare]).articles_skipped == 1
    fewer = replace(bare, relations=bare.relations[:1])
    assert load(db, [fewer]).articles_replaced == 1
    assert rel(db, "HOLDS_POSITION", LI[1], HILL[1]) is None


def test_an_input_error_met_while_reading_ahead_stops_the_load_after_the_batches_before_it(db):
    # input is read and planned in a thread one batch ahead of the writes: an error
    # there still reaches the caller, after the batches read before it were written
    class Broken(Exception):
        pass

    def items():
        yield a1()
        raise Broken("input ends badly")

    with pytest.raises(Broken, match="input ends badly"):
        load(db, items(), batch_size=1)
    assert load(db, [a1()]).articles_skipped == 1


def test_extract_output_decodes_to_the_same_record_and_content_hash():
    ex = a1()
    back = from_json(json.loads(json.dumps(to_json(ex))))
    assert back.content_hash == ex.content_hash
    assert to_json(back) == to_json(ex)
    problems: list[str] = []
    bad = dict(to_json(ex), relations=[{"head": "x", "type": "LIKES", "tail": "h"}, {"head": "x"}])
    assert from_json(bad, on_problem=problems.append).relations == ()
    assert problems == ["relation x -LIKES-> h: unknown type 'LIKES'", "relation x -None-> None: missing field 'type'"]
