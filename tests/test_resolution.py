"""Cross-article resolution of the graph (resolution.py) against a real Neo4j:
merges recorded and applied, reloads keep them, a person's decisions win."""

from __future__ import annotations

import json

import pytest
from test_loader import article, node, snapshot
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError
from eikg.graph.decisions import load_redirects, read_apart, read_merges, resolved_file
from eikg.graph.loader import load
from eikg.graph.merges import merge_entities, split_entity
from eikg.records import EntityType, RelationType
from eikg.resolution import resolve_graph

E, R = EntityType, RelationType
FULL = "college:larkford-polytechnic"
BARE = "organization:lkpt"
FIRM = "enterprise:pinewood-technologies-co-ltd"
FIRM2 = "enterprise:pinewood-technology-coltd"
EV1 = "event:signing-ceremony@article:r-1"
EV2 = "event:signing-ceremony@article:r-2"


@pytest.fixture
def db(driver, clean_db):
    return driver


def corpus():
    full = ("c", FULL, "Larkford Polytechnic", E.COLLEGE, ["LKPT"])
    bare = ("c", BARE, "LKPT", E.ORGANIZATION, [])
    firm = ("f", FIRM, "Pinewood Technologies Co., Ltd.", E.ENTERPRISE, [])
    firm2 = ("f", FIRM2, "Pinewood Technology Co.LTD", E.ENTERPRISE, [])
    ev1 = ("v", EV1, "signing ceremony", E.EVENT, [])
    ev2 = ("v", EV2, "signing ceremony", E.EVENT, [])
    return [
        article("r-1", "2024-01-05", [full, firm, ev1],
                [("c", R.PARTNERS_WITH, "f", "Larkford Polytechnic (LKPT) and Pinewood Technologies Co., Ltd. signed."),
                 ("c", R.PARTICIPATED_IN, "v", "Larkford Polytechnic held a signing ceremony.")]),
        article("r-2", "2024-03-07", [bare, firm2, ev2],
                [("c", R.PARTNERS_WITH, "f", "LKPT renewed its agreement with Pinewood Technology Co.LTD."),
                 ("f", R.PARTICIPATED_IN, "v", "Pinewood held a signing ceremony.")]),
    ]


def test_resolve_merges_across_articles_and_reloads_keep_it(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    load(db, corpus())
    done = resolve_graph(db, merges=merges)
    assert {(r.keep, r.drop) for r in done.added} == {(FULL, BARE), (FIRM, FIRM2)} | {
        (FIRM2, FIRM)} & {(r.keep, r.drop) for r in done.added}
    assert done.articles_reloaded == 2
    assert node(db, BARE) is None
    assert "LKPT" in node(db, FULL)["aliases"]
    assert len({k for k in (FIRM, FIRM2) if node(db, k) is not None}) == 1
    # two generic events of two articles stay two events
    assert node(db, EV1) is not None
    assert node(db, EV2) is not None
    assert {r.drop for r in read_merges(resolved_file(merges))} >= {BARE}
    resolved = snapshot(db)
    # a forced reload with the recorded decisions changes nothing; nor does resolving again
    load(db, corpus(), force=True, redirects=load_redirects(merges))
    assert snapshot(db) == resolved
    again = resolve_graph(db, merges=merges)
    assert (again.added, again.removed, again.articles_reloaded) == ([], [], 0)
    assert snapshot(db) == resolved


def test_dry_run_changes_nothing(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    load(db, corpus())
    before = snapshot(db)
    done = resolve_graph(db, merges=merges, dry_run=True)
    assert len(done.linkage.decisions) == 2
    assert snapshot(db) == before
    assert not resolved_file(merges).exists()


def test_a_persons_split_and_merge_win_over_the_resolver(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    load(db, corpus())
    before = snapshot(db)
    resolve_graph(db, merges=merges)
    # the person splits the resolver's merge: kept apart from now on
    split_entity(db, BARE, merges)
    assert read_apart(merges) == [(FULL, BARE)]
    assert node(db, BARE) is not None
    resolve_graph(db, merges=merges)
    assert node(db, BARE) is not None
    assert node(db, FULL) is not None
    # raising the threshold above every pair undoes the resolver's other merge too
    undone = resolve_graph(db, merges=merges, threshold=1.0)
    assert {r.drop for r in undone.removed} & {FIRM, FIRM2}
    assert snapshot(db) == before
    # a person's merge the other way round is applied, and the resolver does not fight it
    merge_entities(db, FIRM2, FIRM, merges)
    resolve_graph(db, merges=merges)
    assert node(db, FIRM) is None
    assert node(db, FIRM2) is not None


def test_a_bad_merge_file_stops_resolution_before_any_change(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    merges.write_text('{"keep": "a", "drop": "b", "name": "A", "type": "COLLEGE"}\n{"apart": ["x"]}\n')
    load(db, corpus())
    before = snapshot(db)
    with pytest.raises(InputError, match=r"merges.jsonl:2"):
        resolve_graph(db, merges=merges)
    assert snapshot(db) == before
    assert not resolved_file(merges).exists()


def test_cli_resolve_and_ingest_resolution(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    load(db, corpus())
    runner = CliRunner()
    out = runner.invoke(app, ["resolve", "--dry-run", "--merges", str(merges)])
    assert out.exit_code == 0, out.output
    assert f"{BARE} (LKPT)  ->  {FULL} (Larkford Polytechnic)" in out.stdout
    assert "dry run" in out.output
    assert node(db, BARE) is not None
    out = runner.invoke(app, ["resolve", "--threshold", "0.95", "--merges", str(merges)])
    assert out.exit_code == 0, out.output
    assert "2 merges (2 new, 0 undone)" in out.output
    assert node(db, BARE) is None
    assert json.loads(resolved_file(merges).read_text().splitlines()[0])["probability"] >= 0.95


def test_cli_suggest_merges_shows_the_evidence_as_json(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    typo = ("c", "college:larkfort-polytechnic", "Larkfort Polytechnic", E.COLLEGE, [])
    firm = ("f", "enterprise:birch-tools", "Birch Tools", E.ENTERPRISE, [])
    load(db, [*corpus(), article("r-3", "2024-05-01", [typo, firm],
                                 [("c", R.PARTNERS_WITH, "f", "Larkfort Polytechnic works with Birch Tools.")])])
    out = CliRunner().invoke(app, ["suggest-merges", "--format", "json", "--merges", str(merges)])
    assert out.exit_code == 0, out.output
    found = json.loads(out.stdout)
    assert [(s["a"], s["b"]) for s in found] == [(FULL, "college:larkfort-polytechnic")]
    assert found[0]["evidence"] == "spelling variant"
    assert found[0]["titles_a"] == ["Title r-1"]
    assert found[0]["titles_b"] == ["Title r-3"]
    assert 0.5 <= found[0]["probability"] < 0.9
    table = CliRunner().invoke(app, ["suggest-merges", "--merges", str(merges)])
    assert "Larkford Polytechnic (COLLEGE) / Larkfort Polytechnic (COLLEGE): spelling variant" in table.stdout


def test_merge_file_keys_the_graph_lacks_are_reported_with_their_line(db, tmp_path):
    merges = tmp_path / "merges.jsonl"
    merges.write_text(
        json.dumps({"keep": FULL, "drop": "college:nowhere", "name": "X", "type": "COLLEGE"}) + "\n"
        + json.dumps({"apart": [FIRM, "enterprise:gone"]}) + "\n"
    )
    load(db, corpus())
    out = CliRunner().invoke(app, ["resolve", "--dry-run", "--merges", str(merges)])
    assert out.exit_code == 0, out.output
    assert f"warning: {merges}:1: no entity with key 'college:nowhere'" in out.output
    assert f"warning: {merges}:2: no entity with key 'enterprise:gone'" in out.output


def test_cli_eval_resolution_of_the_graph_before_and_after_resolving(db, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(a) + "\n" for a in [
        {"id": "r-1", "entities": [
            {"id": "e1", "name": "Larkford Polytechnic", "type": "COLLEGE", "aliases": ["LKPT"]},
            {"id": "e2", "name": "Pinewood Technologies Co., Ltd.", "type": "ENTERPRISE", "aliases": []}]},
        {"id": "r-2", "entities": [
            {"id": "e1", "name": "LKPT", "type": "COLLEGE", "aliases": []},
            {"id": "e2", "name": "Pinewood Technology Co.LTD", "type": "ENTERPRISE", "aliases": []}]},
    ]))
    review = tmp_path / "review.jsonl"
    review.write_text(json.dumps({"link": [["r-1", "e2"], ["r-2", "e2"]]}) + "\n")
    load(db, corpus())
    runner = CliRunner()

    def scores() -> dict:
        out = runner.invoke(app, ["eval-resolution", str(gold), "--review", str(review), "--graph", "--json"])
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)["graph"]

    before = scores()
    assert (before["true_pairs"], before["correct_pairs"]) == (2, 0)
    resolve_graph(db, merges=tmp_path / "merges.jsonl")
    after = scores()
    assert (after["true_pairs"], after["predicted_pairs"], after["correct_pairs"]) == (2, 2, 2)


def test_suggestion_describes_itself_in_two_lines():
    from eikg.resolution import Suggestion

    s = Suggestion(0.8765, "college:a", "college:b", "Alder College", "Alder Coll.", "COLLEGE", "COLLEGE",
                   "spelling variant", ["Fernvale"], ["Birch Works"], ["T1"], ["T2"])
    first, second = s.describe().splitlines()
    assert first == "0.88  college:a  <->  college:b"
    assert second.strip() == ("Alder College (COLLEGE) / Alder Coll. (COLLEGE): spelling variant; "
                              "both with Fernvale, Birch Works")


def test_a_decision_file_is_read_once_into_merges_and_pairs_kept_apart(tmp_path):
    from eikg.graph.decisions import read_decisions

    merges = tmp_path / "merges.jsonl"
    merges.write_text(
        json.dumps({"keep": FULL, "drop": BARE, "name": "x", "type": "COLLEGE"}) + "\n\n"
        + json.dumps({"apart": ["college:a", "college:b"]}) + "\n",
        encoding="utf-8",
    )
    decisions = read_decisions(merges)
    assert [(n, r.drop) for n, r in decisions.merges] == [(1, BARE)]
    assert decisions.apart == ((3, ("college:a", "college:b")),)
    assert decisions.unknown_keys({FULL, "college:a"}) == [
        f"{merges}:1: no entity with key {BARE!r}", f"{merges}:3: no entity with key 'college:b'",
    ]
    merges.write_text('{"apart": ["college:a"]}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"merges\.jsonl:1: not an apart record"):
        read_decisions(merges)
    assert read_decisions(tmp_path / "absent.jsonl").merges == ()
