"""build_nlp: the real statistical model plus the eikg components, by config."""

import pytest

from eikg.errors import EikgError
from eikg.ingest.nlp import COMPONENTS, build_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_pipeline_is_the_model_then_the_eikg_components_with_relations_last(nlp):
    names = nlp.pipe_names
    assert names[names.index("ner") + 1:] == [
        "eikg_names", "eikg_references", "eikg_candidates", "eikg_spans", "eikg_span_types",
        "eikg_entities", "eikg_relations", "eikg_relation_scorer",
    ]
    rules = build_nlp(learned=None).pipe_names
    assert rules[-len(COMPONENTS):] == list(COMPONENTS)
    assert rules[-1] == "eikg_relations"
    assert rules.index("ner") < rules.index("eikg_names")


def test_components_are_described_by_config(nlp):
    assert nlp.config["components"]["eikg_names"]["factory"] == "eikg_names"
    assert nlp.config["components"]["eikg_entities"]["default_acronym_type"] == "COLLEGE"


def test_config_overrides_a_component_setting():
    # the rules alone: with the learned layer, the span classifier types the acronym
    custom = build_nlp(config={"eikg_entities": {"default_acronym_type": "ORGANIZATION"}}, learned=None)
    assert custom.config["components"]["eikg_entities"]["default_acronym_type"] == "ORGANIZATION"
    doc = custom("Teachers from QXZU met the press.")
    assert {d.name: d.type.value for d in doc._.eikg_entities}.get("QXZU") == "ORGANIZATION"


def test_unknown_component_in_config_is_refused():
    with pytest.raises(EikgError, match="eikg_nmaes"):
        build_nlp(config={"eikg_nmaes": {}})


def test_doc_carries_entity_and_relation_drafts(nlp):
    doc = nlp("Li Wenbo, Dean of Kestrel University, visited Harlow Systems Co., Ltd.")
    assert doc._.eikg_entities
    assert isinstance(doc._.eikg_relations, list)


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("a deal with theKestrel Group", "Kestrel"),
        ("a report to the3rd Assembly", "3rd"),
        ("Vice president of QXZUZhang Wei", "Zhang"),
        ("Translated by Li Na;Edited by Wu Fei", "Edited"),
    ],
)
def test_glued_web_text_is_split_into_tokens(nlp, text, token):
    doc = nlp.make_doc(text)
    assert token in [t.text for t in doc]
    assert doc.text == text
