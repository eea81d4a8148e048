"""The hand annotation of the project's own fictional sample articles
(data/sample-gold.jsonl): it is well formed, it names articles the reader finds,
and the extractor scores above floors on it.

The rules were first tuned on the real dev articles only; the error patterns
this annotation then revealed were fixed with general rules tested on invented
sentences (no names from either gold), so it is no longer fully held out for
them. The learned layers (``eikg train``) never trained on it. Each floor is the
last measured score minus 0.05, rounded down.
"""

import math
from pathlib import Path

import pytest

from eikg.ingest.evaluate import ENTITIES, RELATIONS, evaluate, gold_articles, read_gold
from eikg.ingest.sources import read_articles
from eikg.records import EntityType, RelationType

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SAMPLE_GOLD = DATA / "sample-gold.jsonl"
SAMPLE_ARTICLES = DATA / "sample" / "articles"

ENTITY_TYPES = {t.value for t in EntityType}
RELATION_TYPES = {t.value for t in RelationType}
ORG_TYPES = ENTITY_TYPES - {"PERSON", "EVENT", "PLACE", "PLATFORM", "POLICY"}

#: Scores measured on 2026-12-06 with the learned layers (per type: F1), kept here so a
#: failure shows how far it fell. The layers never trained on these articles; the
#: rules alone, tuned on them, measured 0.980 / 0.945 (untuned: 0.932 / 0.797).
MEASURED = {
    ENTITIES: 0.942,
    RELATIONS: 0.848,
    "PERSON": 1.000,
    "COLLEGE": 0.950,
    "ENTERPRISE": 0.868,
    "EVENT": 0.857,
    "PLACE": 0.815,
    "rel:HOLDS_POSITION": 0.995,
    "rel:PARTICIPATED_IN": 0.759,
    "rel:PARTNERS_WITH": 0.840,
    "rel:MEMBER_OF": 0.920,
    "rel:LOCATED_IN": 0.727,
    "rel:ORGANIZED": 0.773,
}


def floor_of(measured: float) -> float:
    return math.floor((measured - 0.05) * 100) / 100


@pytest.fixture(scope="module")
def gold():
    return read_gold(SAMPLE_GOLD)


@pytest.fixture(scope="module")
def sample_scores():
    """One real extraction pass over the sample articles for the whole module."""
    return evaluate(SAMPLE_GOLD)


def test_gold_parses_one_object_per_file_article(gold):
    lines = [line for line in SAMPLE_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(gold) == len(lines) == 28
    ids = [g["id"] for g in gold]
    assert len(set(ids)) == len(ids)
    for g in gold:
        assert set(g) == {"id", "text_file", "source", "published", "entities", "relations"}, g["id"]
        assert g["text_file"] == f"sample/articles/{g['source']}"


def test_every_article_file_is_annotated(gold):
    """A sample .txt/.html article added later makes this fail until it is annotated."""
    files = sorted(p.name for p in SAMPLE_ARTICLES.iterdir() if p.suffix in {".txt", ".html"})
    assert sorted(Path(g["text_file"]).name for g in gold) == files


def test_the_reader_finds_each_article_under_its_gold_id(gold):
    found = gold_articles(gold, SAMPLE_GOLD.parent)
    assert [a.id for a in found] == [g["id"] for g in gold]
    for g, article in zip(gold, found):
        [own] = list(read_articles([SAMPLE_GOLD.parent / g["text_file"]]))
        assert own.id == g["id"]  # the id the reader gives the file is the gold id
        assert own.text == article.text and article.text.strip()
        assert article.published == g["published"], g["id"]


def test_names_and_aliases_are_surface_forms_of_the_visible_text(gold):
    """Annotated over the text the reader extracts (HTML markup, navigation and scripts dropped)."""
    for g, article in zip(gold, gold_articles(gold, SAMPLE_GOLD.parent)):
        for e in g["entities"]:
            for form in (e["name"], *e["aliases"]):
                assert form in article.text, (g["id"], form)
            assert e["name"] not in e["aliases"], (g["id"], e["name"])


def test_entities_and_relations_are_consistent(gold):
    for g in gold:
        ents = {e["id"]: e for e in g["entities"]}
        assert len(ents) == len(g["entities"]), g["id"]
        assert len({(e["type"], e["name"]) for e in g["entities"]}) == len(ents), g["id"]
        for e in ents.values():
            assert set(e) == {"id", "name", "type", "aliases"} and e["type"] in ENTITY_TYPES, (g["id"], e)
        seen = set()
        for r in g["relations"]:
            where = (g["id"], r)
            assert r["type"] in RELATION_TYPES and r["head"] in ents and r["tail"] in ents, where
            assert r["head"] != r["tail"], where
            key = (r["type"], *sorted((r["head"], r["tail"]))) if r["type"] == "PARTNERS_WITH" else (
                r["type"], r["head"], r["tail"])
            assert key not in seen, where
            seen.add(key)
            head, tail = ents[r["head"]]["type"], ents[r["tail"]]["type"]
            if r["type"] == "HOLDS_POSITION":
                assert head == "PERSON" and tail in ORG_TYPES and "title" in r, where
            else:
                assert "title" not in r, where
            if r["type"] in {"MEMBER_OF", "LEADS"}:
                assert head in ORG_TYPES and tail == "ALLIANCE", where
            if r["type"] == "LEADS":
                assert {"head": r["head"], "type": "MEMBER_OF", "tail": r["tail"]} in g["relations"], where
            if r["type"] in {"PARTNERS_WITH", "PART_OF"}:
                assert head in ORG_TYPES and tail in ORG_TYPES, where
            if r["type"] == "PART_OF":
                assert head == tail, where  # a unit has the type of its parent
            if r["type"] == "ORGANIZED":
                assert head in ORG_TYPES and tail == "EVENT", where
            if r["type"] == "PARTICIPATED_IN":
                assert head in ORG_TYPES | {"PERSON"} and tail == "EVENT", where
            if r["type"] == "VISITED":
                assert head in ORG_TYPES | {"PERSON"} and tail in ORG_TYPES, where
            if r["type"] == "LOCATED_IN":
                assert tail == "PLACE" or (head == "EVENT" and tail in {"COLLEGE", "ORGANIZATION"}), where


def test_gold_covers_every_scored_type(gold):
    ents = {e["type"] for g in gold for e in g["entities"]}
    rels = {r["type"] for g in gold for r in g["relations"]}
    assert ents >= ENTITY_TYPES - {"POLICY"}
    assert rels == RELATION_TYPES


@pytest.mark.parametrize("key", sorted(MEASURED))
def test_extractor_stays_above_the_floor(sample_scores, key):
    s = sample_scores[key]
    assert s.gold >= 10
    assert s.f1 >= floor_of(MEASURED[key]), f"{key}: F1 {s.f1:.3f} (measured {MEASURED[key]:.3f})"


def test_overall_precision_and_recall_floors(sample_scores):
    ents, rels = sample_scores[ENTITIES], sample_scores[RELATIONS]
    assert (ents.gold, rels.gold) == (299, 328)
    assert ents.p >= 0.88 and ents.r >= 0.88
    assert rels.p >= 0.77 and rels.r >= 0.71

