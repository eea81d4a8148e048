"""Entity merges: scoring (pure), the merge file, and merge/split against a real Neo4j."""

from __future__ import annotations

import json

import pytest
from test_loader import article, node, rel, snapshot
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError
from eikg.graph.decisions import MergeRecord, load_redirects, read_merges, redirects, write_merges
from eikg.graph.loader import load
from eikg.graph.merges import merge_entities, split_entity
from eikg.records import EntityType, RelationType
from eikg.resolution import suggest_merges

E, R = EntityType, RelationType
FULL = "college:northern lakes university"
SHORT = "college:nlu"
FIRM = "enterprise:pinewood software"
CITY = "place:lake town"
LU = "person:lu yang"


@pytest.fixture
def db(driver, clean_db):
    return driver


# --- pure -------------------------------------------------------------------------------


def test_redirects_follow_chains_and_refuse_cycles():
    recs = [
        MergeRecord("b", "c", "B", E.COLLEGE),
        MergeRecord("a", "b", "A", E.COLLEGE),
    ]
    out = redirects(recs)
    assert out["c"].key == "a"
    assert out["b"].name == "A"
    with pytest.raises(InputError):
        redirects([MergeRecord("a", "b", "A", E.COLLEGE), MergeRecord("b", "a", "B", E.COLLEGE)])


def test_merge_file_round_trip_and_bad_line(tmp_path):
    path = tmp_path / "data" / "merges.jsonl"
    assert read_merges(path) == []
    recs = [MergeRecord(FULL, SHORT, "Northern Lakes University", E.COLLEGE, "2026-01-01T00:00:00+00:00")]
    write_merges(recs, path)
    assert read_merges(path) == recs
    path.write_text(path.read_text() + "{oops\n")
    with pytest.raises(InputError, match=r"merges.jsonl:2"):
        read_merges(path)



def test_an_unreadable_or_unwritable_merge_file_is_one_error_naming_it(tmp_path):
    # a directory where the file should be: unreadable and unwritable, even for root
    path = tmp_path / "merges.jsonl"
    path.mkdir()
    with pytest.raises(InputError, match=r"merges.jsonl: cannot read: ") as read:
        read_merges(path)
    assert "\n" not in str(read.value)
    with pytest.raises(InputError, match=r"merges.jsonl: cannot write: ") as written:
        write_merges([MergeRecord(FULL, SHORT, "N", E.COLLEGE)], path, apart=[])
    assert "\n" not in str(written.value)



# --- against Neo4j ----------------------------------------------------------------------


def corpus():
    full = ("u", FULL, "Northern Lakes University", E.COLLEGE, [])
    short = ("s", SHORT, "NLU", E.COLLEGE, [])
    firm = ("f", FIRM, "Pinewood Software", E.ENTERPRISE, [])
    city = ("c", CITY, "Lake Town", E.PLACE, [])
    lu = ("p", LU, "Lu Yang", E.PERSON, [])
    return [
        article("m-1", "2024-01-05", [full, firm, city],
                [("u", R.PARTNERS_WITH, "f", "Northern Lakes University and Pinewood Software opened a lab."),
                 ("u", R.LOCATED_IN, "c", "Northern Lakes University is in Lake Town.")]),
        article("m-2", "2024-02-07", [short, firm, lu],
                [("s", R.PARTNERS_WITH, "f", "NLU renewed its agreement with Pinewood Software."),
                 ("p", R.HOLDS_POSITION, "s", "Lu Yang, dean at NLU, signed it.", "Dean")]),
    ]


def test_suggest_merge_then_merge_persists_across_reload_and_split_restores(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    load(db, corpus())
    before = snapshot(db)
    found = suggest_merges(db, merges=merges)
    # initials alone never merge, but a person is shown them with the evidence
    assert [(s.a, s.b) for s in found] == [(SHORT, FULL)]  # keys ordered a < b
    assert found[0].evidence == "initials"
    assert found[0].shared_partners == ["Pinewood Software"]
    assert found[0].titles_a == ["Title m-2"]
    assert found[0].titles_b == ["Title m-1"]

    record = merge_entities(db, FULL, SHORT, merges)
    assert record.name == "Northern Lakes University"
    assert [r.drop for r in read_merges(merges)] == [SHORT]
    assert node(db, SHORT) is None
    merged = node(db, FULL)
    assert "NLU" in merged["aliases"]
    assert merged["name"] == "Northern Lakes University"
    head, tail = sorted([FULL, FIRM])
    partners = rel(db, "PARTNERS_WITH", head, tail)
    assert partners["sources"] == ["m-1", "m-2"]  # provenance of both moved onto one relationship
    assert len(partners["evidence"]) == 2
    assert rel(db, "HOLDS_POSITION", LU, FULL)["title"] == "Dean"
    assert suggest_merges(db, merges=merges) == []
    merged_graph = snapshot(db)

    # a later load (forced, as after an edit) re-applies the recorded merge
    load(db, corpus(), force=True, redirects=load_redirects(merges))
    assert node(db, SHORT) is None
    assert snapshot(db) == merged_graph

    undone = split_entity(db, SHORT, merges)
    assert [r.drop for r in undone] == [SHORT]
    assert read_merges(merges) == []
    assert snapshot(db) == before


def test_merge_refuses_unknown_key(db, tmp_path):
    load(db, corpus())
    with pytest.raises(InputError, match="college:nowhere"):
        merge_entities(db, FULL, "college:nowhere", tmp_path / "m.jsonl")
    assert not (tmp_path / "m.jsonl").exists()


def test_cli_merge_and_split(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    load(db, corpus())
    runner = CliRunner()
    out = runner.invoke(app, ["merge", FULL, SHORT, "--merges", str(merges)])
    assert out.exit_code == 0, out.output
    assert json.loads(merges.read_text().splitlines()[0])["drop"] == SHORT
    out = runner.invoke(app, ["suggest-merges", "--format", "json", "--min-score", "0.5"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["split", "college:unknown", "--merges", str(merges)])
    assert out.exit_code == 1
    assert "college:unknown" in out.output
    out = runner.invoke(app, ["split", SHORT, "--merges", str(merges)])
    assert out.exit_code == 0, out.output
    assert node(db, SHORT) is not None


def test_conflicting_or_self_merges_name_the_line(tmp_path):
    path = tmp_path / "merges.jsonl"
    line = '{{"keep": "{}", "drop": "{}", "name": "X", "type": "COLLEGE"}}\n'
    path.write_text(line.format("a", "b") + line.format("a", "b") + line.format("c", "b"))
    with pytest.raises(InputError, match=r"merges.jsonl:3: 'b' merged into 'c', but line 1 merges it into 'a'"):
        read_merges(path)
    path.write_text(line.format("a", "a"))
    with pytest.raises(InputError, match=r"merges.jsonl:1: merges 'a' with itself"):
        read_merges(path)


def test_cli_shows_an_unreadable_merge_file_as_one_line(db, tmp_path):
    path = tmp_path / "merges.jsonl"
    path.mkdir()
    load(db, corpus())
    out = CliRunner().invoke(app, ["split", SHORT, "--merges", str(path)])
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [f"error: {path}: cannot read: Is a directory"]
