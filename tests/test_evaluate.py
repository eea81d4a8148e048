"""The scorer on hand-built inputs with known answers, `eikg eval`, and the
quality floors on the dev gold set (real articles, real model)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError
from eikg.ingest.evaluate import ENTITIES, RELATIONS, Score, evaluate, format_table, read_gold, score, to_json
from eikg.records import Article, Entity, EntityType, Evidence, Extraction, Relation, RelationType

ROOT = Path(__file__).resolve().parents[1]
DEV_GOLD = ROOT.parent / "shared" / "corpus" / "dev" / "gold.jsonl"


def gold(entities, relations=(), id="a1"):
    return {
        "id": id,
        "entities": [
            {"id": f"g{i}", "name": n, "type": t, "aliases": list(al)} for i, (n, t, al) in enumerate(entities, 1)
        ],
        "relations": [{"head": h, "type": t, "tail": tl} for h, t, tl in relations],
    }


def extraction(entities, relations=(), id="a1"):
    ents = tuple(Entity(f"e{i}", "", n, EntityType(t)) for i, (n, t) in enumerate(entities, 1))
    rels = tuple(Relation(h, RelationType(t), tl, Evidence("", 0, 0)) for h, t, tl in relations)
    return Extraction(Article(id, ""), ents, rels)


def test_name_matches_after_normalising_or_by_alias():
    g = gold([("Kestrel  University", "COLLEGE", ["KU"]), ("Harlow Systems Co., Ltd.", "ENTERPRISE", [])])
    x = extraction([("ku", "COLLEGE"), ("The Harlow\u00a0Systems Co. Ltd", "ENTERPRISE")])
    s = score([g], [x])
    assert (s[ENTITIES].tp, s[ENTITIES].predicted, s[ENTITIES].gold) == (2, 2, 2)
    assert s[ENTITIES].f1 == 1.0


def test_type_must_match_and_a_predicted_alias_does_not_count():
    g = gold([("Kestrel University", "COLLEGE", []), ("Tang Wei", "PERSON", [])])
    ex = extraction([("Kestrel University", "ENTERPRISE"), ("Tang Wei", "PERSON")])
    s = score([g], [ex])
    assert s["COLLEGE"] == Score(tp=0, predicted=0, gold=1)
    assert s["ENTERPRISE"] == Score(tp=0, predicted=1, gold=0)
    assert s["PERSON"] == Score(tp=1, predicted=1, gold=1)
    assert s[ENTITIES].p == 0.5
    assert s[ENTITIES].r == 0.5


def test_one_predicted_entity_matches_at_most_one_gold_entity():
    g = gold([("Kestrel University", "COLLEGE", ["KU"]), ("KU", "COLLEGE", [])])
    s = score([g], [extraction([("KU", "COLLEGE")])])
    assert s[ENTITIES] == Score(tp=1, predicted=1, gold=2)
    # and the best one-to-one assignment is found: both can be matched
    s = score([g], [extraction([("KU", "COLLEGE"), ("Kestrel University", "COLLEGE")])])
    assert s[ENTITIES] == Score(tp=2, predicted=2, gold=2)


def test_platform_and_policy_are_not_scored_either_side():
    g = gold([("Maple Platform", "PLATFORM", []), ("Kestrel University", "COLLEGE", [])])
    ex = extraction([("Maple Platform", "PLATFORM"), ("Work Plan", "POLICY"), ("Kestrel University", "COLLEGE")])
    s = score([g], [ex])
    assert s[ENTITIES] == Score(tp=1, predicted=1, gold=1)
    assert "PLATFORM" not in s
    assert "POLICY" not in s


def test_relations_match_on_type_and_both_ends_either_order_only_for_partners():
    g = gold(
        [("Kestrel University", "COLLEGE", ["KU"]), ("Harlow Group", "ENTERPRISE", []), ("Tang Wei", "PERSON", [])],
        [("g1", "PARTNERS_WITH", "g2"), ("g3", "HOLDS_POSITION", "g1"), ("g1", "PART_OF", "g2")],
    )
    ex = extraction(
        [("Harlow Group", "ENTERPRISE"), ("KU", "COLLEGE"), ("Tang Wei", "PERSON")],
        [("e1", "PARTNERS_WITH", "e2"), ("e3", "HOLDS_POSITION", "e2"), ("e2", "PART_OF", "e1"),
         ("e1", "PART_OF", "e2")],
    )
    s = score([g], [ex])
    assert s["rel:PARTNERS_WITH"] == Score(tp=1, predicted=1, gold=1)
    assert s["rel:HOLDS_POSITION"] == Score(tp=1, predicted=1, gold=1)
    assert s["rel:PART_OF"] == Score(tp=1, predicted=2, gold=1)
    assert s[RELATIONS] == Score(tp=3, predicted=4, gold=3)


def test_relation_end_with_the_wrong_type_does_not_match():
    g = gold([("Kestrel University", "COLLEGE", []), ("Tang Wei", "PERSON", [])], [("g2", "HOLDS_POSITION", "g1")])
    ex = extraction([("Kestrel University", "ENTERPRISE"), ("Tang Wei", "PERSON")], [("e2", "HOLDS_POSITION", "e1")])
    assert score([g], [ex])["rel:HOLDS_POSITION"] == Score(tp=0, predicted=1, gold=1)


def test_micro_average_over_articles_and_missing_articles_extract_nothing():
    g1 = gold([("Kestrel University", "COLLEGE", [])], id="a1")
    g2 = gold([("Harlow Group", "ENTERPRISE", []), ("Tang Wei", "PERSON", [])], id="a2")
    s = score([g1, g2], [extraction([("Kestrel University", "COLLEGE"), ("Wrong", "PERSON")], id="a1")])
    assert s[ENTITIES] == Score(tp=1, predicted=2, gold=3)
    assert s[ENTITIES].f1 == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))


def test_extractions_may_be_given_in_their_json_form():
    g = gold([("Kestrel University", "COLLEGE", [])])
    obj = {"id": "a1", "entities": [{"id": "e1", "name": "Kestrel University", "type": "COLLEGE"}], "relations": []}
    assert score([g], [obj])[ENTITIES].f1 == 1.0


def test_json_and_table_shapes():
    g = gold([("Kestrel University", "COLLEGE", [])], [("g1", "PART_OF", "g1")])
    s = score([g], [extraction([("Kestrel University", "COLLEGE")])])
    obj = to_json(s)
    assert obj[ENTITIES] == {"p": 1.0, "r": 1.0, "f1": 1.0, "gold": 1}
    assert obj["rel:PART_OF"] == {"p": 0.0, "r": 0.0, "f1": 0.0, "gold": 1}
    assert {"PERSON", "COLLEGE", "EVENT", RELATIONS, "rel:PARTNERS_WITH"} <= set(obj)
    table = format_table(s)
    assert "ENTITIES" in table
    assert "rel:PART_OF" in table


def test_read_gold_names_the_file_and_line_of_bad_json(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text_file": "a.txt"}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:2"):
        read_gold(path)


def test_gold_readers_share_one_reading_of_a_bad_line(tmp_path):
    """eval stops at a bad line, train and --cv report it and go on, the resolution
    gold stops too: all in the same words (ingest/gold_file.py)."""
    import doctest

    from eikg.ingest import gold_file
    from eikg.ingest.resolution_gold import read_gold_articles
    from eikg.ingest.training.gold import GoldReport, read_gold_checked

    result = doctest.testmod(gold_file)
    assert result.attempted > 0 and result.failed == 0
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text_file": "a.txt"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:2: expected a JSON object"):
        read_gold(path)
    with pytest.raises(InputError, match=r"gold.jsonl:2: expected a JSON object"):
        read_gold_articles([path])
    report = GoldReport()
    read_gold_checked(path, report)
    assert f"{path}:2: expected a JSON object" in report.problems
    missing = tmp_path / "absent.jsonl"
    with pytest.raises(InputError, match=r"absent.jsonl: cannot read gold file"):
        read_gold(missing)
    report = GoldReport()
    assert read_gold_checked(missing, report) == [] and "cannot read gold file" in report.problems[0]


def _tiny_gold(tmp_path):
    (tmp_path / "articles").mkdir()
    text = "Wu Lihua, President of Kestrel University, visited Harlow Systems Co., Ltd. on Monday.\n"
    (tmp_path / "articles" / "t1.txt").write_text(text, encoding="utf-8")
    g = {
        "id": "t1", "text_file": "articles/t1.txt", "published": None,
        "entities": [
            {"id": "e1", "name": "Wu Lihua", "type": "PERSON", "aliases": []},
            {"id": "e2", "name": "Kestrel University", "type": "COLLEGE", "aliases": []},
            {"id": "e3", "name": "Harlow Systems Co., Ltd.", "type": "ENTERPRISE", "aliases": []},
        ],
        "relations": [{"head": "e1", "type": "HOLDS_POSITION", "tail": "e2", "title": "President"}],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(g) + "\n", encoding="utf-8")
    return path


def test_eval_command_prints_a_table_and_json(tmp_path):
    path = _tiny_gold(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(path)])
    assert result.exit_code == 0, result.output
    assert "ENTITIES" in result.output
    result = runner.invoke(app, ["eval", str(path), "--json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    assert obj[ENTITIES]["gold"] == 3
    assert obj[ENTITIES]["f1"] == 1.0
    assert obj["PERSON"] == {"p": 1.0, "r": 1.0, "f1": 1.0, "gold": 1}


def test_eval_command_reports_a_missing_article_as_one_line(tmp_path):
    path = _tiny_gold(tmp_path)
    (tmp_path / "articles" / "t1.txt").unlink()
    result = CliRunner().invoke(app, ["eval", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: gold article 't1'")
    assert len(result.output.strip().splitlines()) == 1


def test_eval_command_reports_an_unknown_model_as_one_line(tmp_path):
    path = _tiny_gold(tmp_path)
    result = CliRunner().invoke(app, ["eval", str(path), "--model", "no_such_model_xyz"])
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "no_such_model_xyz" in result.output


@pytest.fixture(scope="module")
def dev_scores():
    return evaluate(DEV_GOLD)


def test_dev_entity_floor(dev_scores):
    assert dev_scores[ENTITIES].gold > 200
    assert dev_scores[ENTITIES].f1 >= 0.85


def test_dev_relation_floor(dev_scores):
    assert dev_scores[RELATIONS].gold > 200
    assert dev_scores[RELATIONS].f1 >= 0.60
