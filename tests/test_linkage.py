"""Cross-article linkage (ingest/linkage.py) with the real Splink, and its scoring
against a gold (ingest/resolution_gold.py). Names are made up for the tests."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from eikg.cli import app
from eikg.ingest.linkage import Candidate, candidates_from_extractions, core, is_abbreviation, link
from eikg.ingest.resolution_gold import gold_clusters, gold_records, score_clusters
from eikg.ingest.resolve import Resolver
from eikg.records import EntityType

E = EntityType


def cand(key, name, etype, aliases=(), articles=("a1",), places=(), neighbours=()):
    return Candidate(key, name, etype, [name, *aliases], list(articles), set(places), set(neighbours))


def merged(linkage) -> dict[str, str]:
    return {d.drop: d.keep for d in linkage.decisions}


def test_core_strips_legal_forms_plurals_and_spaces():
    assert core("Pinewood Technologies Co., Ltd.") == "pinewoodtechnology"
    assert core("PinewoodTechnology Co.LTD") == "pinewoodtechnology"
    assert core("The Pinewood Technology Inc") == "pinewoodtechnology"
    assert core("Larkford Polytechnic") != core("Larkford Polytechnic University")


def test_abbreviations_are_told_from_names():
    assert is_abbreviation("LKPT")
    assert is_abbreviation("MoL")
    assert not is_abbreviation("Larkford")
    assert not is_abbreviation("Larkford Polytechnic")


def test_glued_spelling_and_legal_form_variants_merge():
    found = link([
        cand("college:larkford-polytechnic", "Larkford Polytechnic", E.COLLEGE, articles=("a1", "a2")),
        cand("college:larkfordpolytechnic", "LarkfordPolytechnic", E.COLLEGE, articles=("a3",)),
        cand("enterprise:pinewood-technologies-co-ltd", "Pinewood Technologies Co., Ltd.", E.ENTERPRISE),
        cand("enterprise:pinewood-technology-coltd", "Pinewood Technology Co.LTD", E.ENTERPRISE, articles=("a4",)),
        cand("enterprise:pinewood-technologies", "Pinewood Technologies", E.ENTERPRISE, articles=("a5",)),
    ])
    m = merged(found)
    assert m["college:larkfordpolytechnic"] == "college:larkford-polytechnic"  # more articles: kept
    firms = {m.get(k, k) for k in ("enterprise:pinewood-technologies-co-ltd",
                                    "enterprise:pinewood-technology-coltd",
                                    "enterprise:pinewood-technologies")}
    assert len(firms) == 1
    assert all(d.probability >= 0.9 for d in found.decisions)


def test_abbreviation_links_only_where_an_article_tied_it():
    tied = cand("college:larkford-polytechnic", "Larkford Polytechnic", E.COLLEGE, ["LKPT"])
    bare = cand("organization:lkpt", "LKPT", E.ORGANIZATION, articles=("a2",))
    untied = cand("college:larkford-polytechnic~", "Larkford Polytechnic", E.COLLEGE, articles=("a3",))
    found = link([tied, bare])
    assert merged(found) == {"organization:lkpt": "college:larkford-polytechnic"}
    assert found.decisions[0].type == E.COLLEGE  # the generic key takes the specific type
    # without an article tying them, initials and a name stay apart
    untied_only = cand("college:larkford-polytechnic", "Larkford Polytechnic", E.COLLEGE)
    assert merged(link([untied_only, bare])) == {}
    assert untied.key not in merged(link([bare, untied]))


def test_an_abbreviation_tied_to_two_names_links_neither():
    harlow = cand("college:iot-harlow", "IOT Harlow", E.COLLEGE, ["IOT"], articles=("a1",))
    dunmore = cand("college:iot-dunmore", "IOT Dunmore", E.COLLEGE, ["IOT"], articles=("a2",))
    bare = cand("college:iot", "IOT", E.COLLEGE, articles=("a3",))
    assert merged(link([harlow, dunmore, bare])) == {}


def test_a_typo_needs_more_evidence_than_the_name():
    right = cand("college:tollmere-university", "Tollmere University", E.COLLEGE, places={"lake town"})
    typo = cand("college:tollmeere-university", "Tollmeere University", E.COLLEGE, articles=("a2",))
    alone = link([right, typo])
    assert merged(alone) == {}
    assert [{p.a, p.b} for p in alone.review] == [{right.key, typo.key}]
    assert alone.review[0].name == "spelling variant"
    typo.places.add("lake town")
    assert len(link([right, typo]).decisions) == 1


def test_different_specific_types_and_kept_apart_pairs_never_merge():
    college = cand("college:meridian", "Meridian", E.COLLEGE)
    firm = cand("enterprise:meridian", "Meridian", E.ENTERPRISE, articles=("a2",))
    generic = cand("organization:meridian", "Meridian", E.ORGANIZATION, articles=("a3",))
    found = merged(link([college, firm, generic]))
    assert len({found.get(k, k) for k in (college.key, firm.key)}) == 2
    a = cand("college:north-lake-college", "North Lake College", E.COLLEGE)
    b = cand("college:northlake-college", "NorthLake College", E.COLLEGE, articles=("a2",))
    assert merged(link([a, b])) == {b.key: a.key}
    assert merged(link([a, b], apart=[(a.key, b.key)])) == {}
    assert link([a, b], apart=[(a.key, b.key)]).review == []


def test_events_people_and_places_are_not_linked_across_articles():
    resolver = Resolver()
    objs = []
    for aid in ("a1", "a2"):
        ents = [
            {"id": "e1", "name": "Signing Ceremony", "type": "EVENT"},
            {"id": "e2", "name": "Lake Town", "type": "PLACE"},
            {"id": "e3", "name": "North Lake College", "type": "COLLEGE"},
        ]
        for e in ents:
            e["key"] = resolver.resolve(e["name"], E(e["type"]), article_id=aid)
        objs.append({"id": aid, "entities": ents, "relations": [
            {"head": "e3", "type": "LOCATED_IN", "tail": "e2"},
            {"head": "e3", "type": "ORGANIZED", "tail": "e1"}]})
    found = candidates_from_extractions(objs)
    assert [c.key for c in found] == ["college:north-lake-college"]
    assert found[0].places == {"lake town"}
    assert found[0].articles == ["a1", "a2"]
    assert objs[0]["entities"][0]["key"] != objs[1]["entities"][0]["key"]  # two ceremonies


def test_pairwise_and_bcubed_scores():
    s = score_clusters({1: "a", 2: "a", 3: "a", 4: "b"}, {1: "x", 2: "x", 3: "y", 4: "y"})
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (3, 2, 1)
    assert s.pairwise_precision == 0.5
    assert s.pairwise_recall == 1 / 3
    assert round(s.bcubed_precision, 4) == 0.75
    assert round(s.bcubed_recall, 4) == round((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4, 4)


GOLD = [
    {"id": "g1", "published": None, "relations": [], "entities": [
        {"id": "e1", "name": "Larkford Polytechnic", "type": "COLLEGE", "aliases": ["LKPT"]},
        {"id": "e2", "name": "Pinewood Technologies Co., Ltd.", "type": "ENTERPRISE", "aliases": []},
        {"id": "e3", "name": "Quality Department", "type": "ENTERPRISE", "aliases": []}]},
    {"id": "g2", "published": None, "relations": [], "entities": [
        {"id": "e1", "name": "LKPT", "type": "ORGANIZATION", "aliases": []},
        {"id": "e2", "name": "Pinewood Technology Co.LTD", "type": "ENTERPRISE", "aliases": []},
        {"id": "e3", "name": "Quality Department", "type": "ENTERPRISE", "aliases": []}]},
]


def test_gold_clusters_follow_shared_forms_and_the_review():
    review = [{"link": [["g1", "e2"], ["g2", "e2"]]}, {"alone": [["g2", "e3"]]}]
    gold = gold_clusters(gold_records(GOLD), review)
    assert gold[("g1", "e1")] == gold[("g2", "e1")]  # shared abbreviation
    assert gold[("g1", "e2")] == gold[("g2", "e2")]  # linked by hand
    assert gold[("g1", "e3")] != gold[("g2", "e3")]  # kept alone by hand


def test_cli_eval_resolution_on_a_hand_made_gold(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(a) + "\n" for a in GOLD))
    review = tmp_path / "review.jsonl"
    review.write_text(json.dumps({"link": [["g1", "e2"], ["g2", "e2"]]}) + "\n"
                      + json.dumps({"alone": [["g2", "e3"]]}) + "\n")
    out = CliRunner().invoke(app, ["eval-resolution", str(gold), "--review", str(review), "--json"])
    assert out.exit_code == 0, out.output
    scores = json.loads(out.stdout)
    # gold pairs: LKPT and Pinewood; the resolver finds both, and wrongly joins the departments
    assert scores["resolver"]["true_pairs"] == 2
    assert scores["resolver"]["correct_pairs"] == 2
    assert scores["resolver"]["pairwise_recall"] == 1.0
    assert scores["resolver"]["pairwise_precision"] == 2 / 3
    assert scores["exact_keys"]["pairwise_recall"] == 0.0  # the bare abbreviation waits for linkage
    review.write_text(json.dumps({"alone": [["g2", "e9"]]}) + "\n")
    out = CliRunner().invoke(app, ["eval-resolution", str(gold), "--review", str(review)])
    assert out.exit_code == 1
    assert "review.jsonl:1" in out.output


def test_initials_are_suggested_never_merged():
    full = cand("college:northern-lakes-university", "Northern Lakes University", E.COLLEGE,
                places={"lake town"}, neighbours={"enterprise:pinewood"})
    bare = cand("college:nlu", "NLU", E.COLLEGE, articles=("a2",),
                places={"lake town"}, neighbours={"enterprise:pinewood"})
    found = link([full, bare])
    assert found.decisions == []
    assert [(p.a, p.b, p.name) for p in found.review] == [(bare.key, full.key, "initials")]
    assert found.review[0].shared_places == ("lake town",)
    assert found.review[0].shared_neighbours == ("enterprise:pinewood",)


def test_format_scores_aligns_one_row_per_label():
    from eikg.ingest.resolution_gold import format_scores

    gold = {("a", "1"): 1, ("a", "2"): 1, ("b", "3"): 2}
    s = score_clusters(gold, {("a", "1"): "x", ("a", "2"): "x", ("b", "3"): "y"})
    lines = format_scores({"resolver": s, "exact keys": s}).splitlines()
    assert lines[0].split() == ["pairs", "P", "R", "F1", "B3", "P", "B3", "R", "B3", "F1"]
    assert lines[1].split() == ["resolver", "1", "1.000", "1.000", "1.000", "1.000", "1.000", "1.000"]
    assert lines[2].startswith("exact keys") and len({len(line) for line in lines}) == 1
