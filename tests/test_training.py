"""eikg train and eval --cv: gold conversion, folds by article, a real (small)
spaCy training run whose pipeline `eikg extract` loads, and the shipped
pipeline's regression floors on the annotated corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eikg.cli import app
from eikg.ingest.evaluate import ENTITIES, RELATIONS, evaluate_files
from eikg.ingest.nlp import build_nlp
from eikg.ingest.training.crossval import cross_validate
from eikg.ingest.training.gold import (
    SPANS_KEY,
    GoldReport,
    folds,
    locate,
    read_gold_checked,
    reference_doc,
)
from eikg.ingest.training.train import load_config, train

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = [CORPUS / "dev" / "gold.jsonl", CORPUS / "train" / "gold.jsonl"]

TEXT = (
    "Fernvale Polytechnic (FVP) signed an agreement with Brightforge Robotics Co., Ltd. "
    "in Harwick on May 6, 2025. Dean Wu Lan of FVP said the Harwick plant would host interns."
)


def write_gold(tmp_path: Path, objs: list, lines: list[str] | None = None) -> Path:
    (tmp_path / "articles").mkdir(exist_ok=True)
    (tmp_path / "articles" / "a.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "gold.jsonl"
    text = "\n".join([*(json.dumps(o) for o in objs), *(lines or [])]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def obj(entities, relations=(), id="a"):
    return {"id": id, "text_file": "articles/a.txt", "published": None,
            "entities": [{"id": i, "name": n, "type": t, "aliases": a} for i, n, t, a in entities],
            "relations": [{"head": h, "type": t, "tail": tl} for h, t, tl in relations]}


@pytest.fixture(scope="module")
def rules_nlp():
    return build_nlp(learned=None)


def test_locate_finds_every_occurrence_as_whole_words_across_line_breaks():
    assert locate("A FVP b FVPX c\nFVP", "FVP") == [(2, 5), (15, 18)]
    assert locate("Wu\n  Lan spoke", "Wu Lan") == [(0, 8)]
    assert locate("the fernvale polytechnic", "Fernvale Polytechnic") == [(4, 24)]  # any case as fallback
    assert locate("nothing here", "Fernvale") == []


def test_reference_doc_marks_names_and_aliases_and_reports_what_it_cannot(tmp_path, rules_nlp):
    gold = write_gold(tmp_path, [obj([
        ("e1", "Fernvale Polytechnic", "COLLEGE", ["FVP"]),
        ("e2", "Brightforge Robotics Co., Ltd.", "ENTERPRISE", []),
        ("e3", "Harwick", "PLACE", []),
        ("e4", "Wu Lan", "PERSON", []),
        ("e5", "Stonebridge Council", "GOVERNMENT", []),  # not in the text
    ])])
    report = GoldReport()
    [article] = read_gold_checked(gold, report)
    doc = reference_doc(rules_nlp, article, report)
    spans = {(sp.text, sp.label_) for sp in doc.spans[SPANS_KEY]}
    assert spans == {
        ("Fernvale Polytechnic", "COLLEGE"), ("FVP", "COLLEGE"),
        ("Brightforge Robotics Co., Ltd.", "ENTERPRISE"), ("Harwick", "PLACE"), ("Wu Lan", "PERSON"),
    }
    assert sum(1 for sp in doc.spans[SPANS_KEY] if sp.text == "FVP") == 2
    assert report.problems == [f"{gold}:1: e5 name 'Stonebridge Council' not found in the text"]


def test_a_name_two_types_claim_is_reported_as_ambiguous_and_left_out(tmp_path, rules_nlp):
    gold = write_gold(tmp_path, [obj([
        ("e1", "Harwick", "PLACE", []),
        ("e2", "Harwick Council", "GOVERNMENT", ["Harwick"]),
    ])])
    report = GoldReport()
    [article] = read_gold_checked(gold, report)
    doc = reference_doc(rules_nlp, article, report)
    assert all(sp.text != "Harwick" for sp in doc.spans[SPANS_KEY])
    assert any("ambiguous name 'Harwick'" in p for p in report.problems)


def test_a_name_inside_a_longer_name_is_no_mention_unless_it_is_the_units_parent(tmp_path, rules_nlp):
    text_gold = obj([
        ("e1", "Brightforge Robotics Co., Ltd.", "ENTERPRISE", []),
        ("e2", "Brightforge", "ENTERPRISE", []),
    ])
    report = GoldReport()
    [article] = read_gold_checked(write_gold(tmp_path, [text_gold]), report)
    doc = reference_doc(rules_nlp, article, report)
    assert [sp.text for sp in doc.spans[SPANS_KEY]] == ["Brightforge Robotics Co., Ltd."]
    parent = obj([
        ("e1", "Brightforge Robotics Co., Ltd.", "ENTERPRISE", []),
        ("e2", "Brightforge", "ENTERPRISE", []),
    ], [("e1", "PART_OF", "e2")])
    [article] = read_gold_checked(write_gold(tmp_path, [parent]), report)
    doc = reference_doc(rules_nlp, article, report)
    assert [sp.text for sp in doc.spans[SPANS_KEY]] == ["Brightforge", "Brightforge Robotics Co., Ltd."]


def test_bad_gold_lines_are_reported_with_file_line_and_reason(tmp_path):
    good = obj([("e1", "Wu Lan", "PERSON", [])])
    unknown = obj([("e1", "Wu Lan", "WIZARD", [])], id="b")
    dangling = obj([("e1", "Wu Lan", "PERSON", [])], [("e1", "HOLDS_POSITION", "e9")], id="c")
    gold = write_gold(tmp_path, [good, unknown, dangling], lines=["{not json", '{"id": "d"}'])
    report = GoldReport()
    articles = read_gold_checked(gold, report)
    assert [a.id for a in articles] == ["a"]
    assert report.problems == [
        f"{gold}:2: entity 'e1' has unknown type 'WIZARD'",
        f"{gold}:3: HOLDS_POSITION relation names tail 'e9', which no entity defines",
        f"{gold}:4: malformed JSON (Expecting property name enclosed in double quotes)",
        f"{gold}:5: a gold object needs 'id' and 'text_file'",
    ]


def test_eikg_train_reports_bad_gold_and_stops_when_nothing_is_usable(tmp_path):
    gold = write_gold(tmp_path, [], lines=["{not json"])
    result = CliRunner().invoke(app, ["train", "--gold", str(gold), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "no usable gold article" in result.output


def test_folds_split_by_article_and_test_each_article_exactly_once():
    report = GoldReport()
    articles = [a for g in GOLD for a in read_gold_checked(g, report)]
    splits = list(folds(articles, 5, seed=0))
    tested = [a.id for _, test in splits for a in test]
    assert sorted(tested) == sorted(a.id for a in articles)
    for train_set, test_set in splits:
        assert not {a.id for a in train_set} & {a.id for a in test_set}
        assert len(train_set) + len(test_set) == len(articles)
    assert [a.id for a in list(folds(articles, 5, seed=0))[0][1]] == [a.id for a in splits[0][1]]
    assert [a.id for a in list(folds(articles, 5, seed=1))[0][1]] != [a.id for a in splits[0][1]]


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A real spaCy training run on a few dev articles, a few epochs."""
    report = GoldReport()
    articles = read_gold_checked(GOLD[0], report)[:6]
    out = tmp_path_factory.mktemp("model")
    train(articles, out, config=load_config(overrides={"training.max_epochs": 8}))
    return out


@pytest.mark.slow
def test_a_small_training_run_gives_a_pipeline_eikg_extract_loads(small_model, tmp_path):
    assert (small_model / "eikg_spans" / "model").is_file()
    assert (small_model / "pipeline" / "config.cfg").is_file()
    article = CORPUS / "dev" / "articles" / "dev-001.txt"
    outputs = []
    for model in (str(small_model / "pipeline"),):
        out = tmp_path / "x.jsonl"
        result = CliRunner().invoke(app, ["extract", str(article), "--out", str(out), "--model", model])
        assert result.exit_code == 0, result.output
        outputs.append([json.loads(line) for line in out.read_text().splitlines()])
    [[record]] = outputs
    assert record["entities"], "the trained pipeline found nothing"
    assert all(0.0 <= e["confidence"] <= 1.0 for e in record["entities"])
    assert all(0.0 <= r["confidence"] <= 1.0 for r in record["relations"])
    # the component form (what the project ships) gives the same extraction as the whole pipeline
    whole = build_nlp(model=str(small_model / "pipeline"))
    parts = build_nlp(learned=small_model)
    assert whole.pipe_names == parts.pipe_names
    text = article.read_text(encoding="utf-8")
    a, b = whole(text), parts(text)
    assert [(d.name, d.type, d.confidence) for d in a._.eikg_entities] == [
        (d.name, d.type, d.confidence) for d in b._.eikg_entities
    ]


@pytest.mark.slow
def test_cross_validation_never_scores_an_article_its_model_trained_on():
    report = GoldReport()
    articles = read_gold_checked(GOLD[0], report)[:4]
    cv = cross_validate(articles, 2, seed=3, config=load_config(overrides={"training.max_epochs": 2}))
    assert len(cv.folds) == 2
    for fold in cv.folds:
        assert not set(fold.train_ids) & set(fold.test_ids)
    assert sorted(i for f in cv.folds for i in f.test_ids) == sorted(a.id for a in articles)
    gold_entities = sum(
        1 for a in articles for e in a.obj["entities"] if e["type"] not in ("PLATFORM", "POLICY")
    )
    assert cv.pooled[ENTITIES].gold == gold_entities  # every article scored once
    assert set(cv.to_json()["at_confidence"]) == {"0.5", "0.7", "0.9"}


@pytest.mark.slow
def test_the_shipped_extractor_meets_the_floors_on_the_annotated_corpus():
    """A regression check only: the shipped layers trained on these articles."""
    evaluation = evaluate_files(GOLD)
    assert evaluation.scores[ENTITIES].f1 >= 0.80
    assert evaluation.scores[RELATIONS].f1 >= 0.60
    assert evaluation.scores["ENTERPRISE"].p >= 0.75
    assert evaluation.scores["COLLEGE"].p >= 0.75
    levels = evaluation.at_confidence()
    # confidence means something: keeping only surer facts never lowers precision much
    assert levels[0.9][ENTITIES].p >= levels[0.5][ENTITIES].p - 0.02


def test_at_confidence_keeps_surer_facts_and_drops_relations_with_their_ends():
    from eikg.records import Article, Entity, EntityType, Evidence, Extraction, Relation, RelationType, at_confidence

    ents = (
        Entity("e1", "college:a", "A College", EntityType.COLLEGE, confidence=0.95),
        Entity("e2", "enterprise:b", "B Group", EntityType.ENTERPRISE, confidence=0.4),
        Entity("e3", "place:c", "Cville", EntityType.PLACE, confidence=0.3),
        Entity("e4", "event:d", "D Forum", EntityType.EVENT, place="e3", confidence=0.8),
    )
    rels = (
        Relation("e1", RelationType.PARTNERS_WITH, "e2", Evidence("s", 0, 1), confidence=0.9),
        Relation("e1", RelationType.ORGANIZED, "e4", Evidence("s", 0, 1), confidence=0.6),
        Relation("e1", RelationType.PARTICIPATED_IN, "e4", Evidence("s", 0, 1), confidence=0.8),
    )
    ex = Extraction(Article("a", "s"), ents, rels)
    kept = at_confidence(ex, 0.7)
    assert [e.id for e in kept.entities] == ["e1", "e4"]
    assert kept.entities[1].place is None  # its place fell below the level
    assert [r.type for r in kept.relations] == [RelationType.PARTICIPATED_IN]
    assert at_confidence(ex, 0.0) == ex


def test_eval_cv_needs_at_least_two_folds(tmp_path):
    result = CliRunner().invoke(app, ["eval", "--cv", "1", str(GOLD[0])])
    assert result.exit_code == 1
    assert "--cv needs 2 <= K" in result.output


def test_relation_scorer_rescores_the_rules_proposals_unless_told_to_pair(rules_nlp):
    from eikg.ingest.relation_scorer import candidates

    doc = rules_nlp(TEXT)
    drafts, rules = doc._.eikg_entities, doc._.eikg_relations
    proposed = candidates(doc, drafts, rules)
    assert {(c.head, c.type, c.tail) for c in proposed} == {
        (r.head, r.type, r.tail) for r in rules
    } and all(c.rule is not None for c in proposed)
    paired = candidates(doc, drafts, rules, pairs=True)
    assert len(paired) > len(proposed)
    assert all(f.startswith("r=") for c in paired for f in c.features)


@pytest.mark.slow
def test_gold_entities_put_the_gold_names_where_the_learned_layer_was(small_model):
    """``--gold-entities``: the relation layer reads the gold names, so the entity
    figures are the gold's own and only the relation layer is measured."""
    from eikg.errors import EikgError
    from eikg.ingest.pipeline import extract
    from eikg.ingest.evaluate import score
    from eikg.ingest.training.oracle import NAME, use_gold_entities

    articles = read_gold_checked(GOLD[0], GoldReport())[6:9]  # never trained on
    nlp = use_gold_entities(build_nlp(learned=small_model), articles)
    assert NAME in nlp.pipe_names and "eikg_spans" not in nlp.pipe_names
    scores = score([a.obj for a in articles], list(extract([a.article() for a in articles], nlp)))
    learned = score([a.obj for a in articles],
                    list(extract([a.article() for a in articles], build_nlp(learned=small_model))))
    assert scores[ENTITIES].f1 >= 0.95 > learned[ENTITIES].f1
    assert scores[RELATIONS].tp > learned[RELATIONS].tp
    # a part of a long article finds its own names; a text it was not given is an error
    [first] = articles[:1]
    part = first.text[len(first.text) // 2:]
    doc = nlp.get_pipe(NAME)(nlp.make_doc(part))
    assert doc.spans[SPANS_KEY] and all(s.text.strip() for s in doc.spans[SPANS_KEY])
    with pytest.raises(EikgError, match="no gold names"):
        nlp.get_pipe(NAME)(nlp.make_doc("A text nobody annotated."))


def test_eval_gold_entities_needs_cv():
    result = CliRunner().invoke(app, ["eval", "--gold-entities", str(GOLD[0])])
    assert result.exit_code == 1
    assert "--gold-entities needs --cv" in result.output
