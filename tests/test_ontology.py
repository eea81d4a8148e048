"""ontology.ttl and shapes.ttl parse, are complete, and agree with what the loader writes."""

from __future__ import annotations

import re
from importlib import resources

import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import Namespace

from eikg.errors import EikgError
from eikg.graph.ontology import (
    DATA,
    EIKG,
    local_name,
    ontology_graph,
    shapes_graph,
    upper_snake,
    vocabulary,
)
from eikg.graph import timeline
from eikg.graph.schema import schema_statements
from eikg.records import EntityType, RelationType

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def eikg_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(EIKG._NS))}


def test_both_files_parse_with_rdflib():
    for name in ("ontology.ttl", "shapes.ttl"):
        g = Graph().parse(data=resources.files("eikg").joinpath(name).read_text("utf-8"))
        assert len(g) > 50, name


def test_defined_namespace_names_exactly_the_ontology_terms(onto):
    declared = {EIKG[name] for name in EIKG.__annotations__}
    assert eikg_terms(onto) == declared


def test_unknown_term_raises_instead_of_minting():
    with pytest.raises(AttributeError):
        EIKG.Colege  # noqa: B018


def test_every_term_has_label_and_comment(onto):
    for term in eikg_terms(onto):
        assert (term, RDFS.label, None) in onto, local_name(term)
        assert (term, RDFS.comment, None) in onto, local_name(term)
    ontology = URIRef("https://w3id.org/eikg/ontology")
    assert (ontology, RDF.type, OWL.Ontology) in onto


def test_classes_and_hierarchy(onto):
    for name in ("Person", "Organization", "Event", "Place", "Platform", "Policy", "Article"):
        assert (EIKG[name], RDF.type, OWL.Class) in onto, name
    for name in ("College", "Enterprise", "Alliance", "GovernmentBody"):
        assert (EIKG[name], RDFS.subClassOf, EIKG.Organization) in onto, name


def test_alignment_to_public_vocabularies(onto):
    expected = {
        EIKG.College: SCHEMA.CollegeOrUniversity,
        EIKG.Enterprise: SCHEMA.Corporation,
        EIKG.GovernmentBody: SCHEMA.GovernmentOrganization,
        EIKG.Event: SCHEMA.Event,
        EIKG.Place: SCHEMA.Place,
        EIKG.Person: SCHEMA.Person,
        EIKG.Article: SCHEMA.NewsArticle,
    }
    for cls, target in expected.items():
        assert (cls, RDFS.subClassOf, target) in onto, local_name(cls)
    assert (EIKG.Organization, RDFS.subClassOf, ORG.Organization) in onto
    assert (EIKG.Person, RDFS.subClassOf, FOAF.Person) in onto
    assert (EIKG.Article, RDFS.subClassOf, PROV.Entity) in onto
    assert (EIKG.published, RDFS.subPropertyOf, DCTERMS.issued) in onto
    assert (EIKG.holdsPosition, RDFS.subPropertyOf, ORG.memberOf) in onto


def test_positions_are_org_memberships_with_a_title(onto):
    assert (EIKG.Position, RDFS.subClassOf, ORG.Membership) in onto
    assert (EIKG.title, RDFS.domain, EIKG.Position) in onto


def test_every_relation_type_has_a_property_with_domain_and_range(onto):
    v = vocabulary()
    for rtype in RelationType:
        prop = v.relation_properties[rtype]
        assert (prop, RDF.type, OWL.ObjectProperty) in onto, rtype
        assert (prop, RDFS.domain, None) in onto, rtype
        assert (prop, RDFS.range, None) in onto, rtype
        assert str(onto.value(prop, SKOS.notation)) == rtype.value
        assert upper_snake(local_name(prop)) == v.relationship_types[rtype]
    assert (EIKG.mentions, RDFS.domain, EIKG.Article) in onto
    assert (EIKG.partnersWith, RDF.type, OWL.SymmetricProperty) in onto


def test_entity_labels_derived_from_class_hierarchy():
    v = vocabulary()
    assert v.entity_labels[EntityType.COLLEGE] == ("Entity", "Organization", "College")
    assert v.entity_labels[EntityType.GOVERNMENT] == ("Entity", "Organization", "GovernmentBody")
    assert v.entity_labels[EntityType.ORGANIZATION] == ("Entity", "Organization")
    assert v.entity_labels[EntityType.PERSON] == ("Entity", "Person")
    assert v.relationship_types[RelationType.PARTICIPATED_IN] == "PARTICIPATED_IN"
    assert v.mentions_type == "MENTIONS"


def test_every_label_and_type_the_loader_can_write_is_in_the_ontology(onto):
    v = vocabulary()
    classes = {local_name(c) for c in onto.subjects(RDF.type, OWL.Class) if c in EIKG}
    assert v.labels <= classes
    notations = {str(n) for p in onto.subjects(RDF.type, OWL.ObjectProperty) for n in onto.objects(p, SKOS.notation)}
    assert v.all_relationship_types <= notations
    # labels and types written literally in the loader's statements, too
    cypher = resources.files("eikg.graph").joinpath("cypher")
    for f in cypher.iterdir():
        if not f.name.endswith(".cypher"):
            continue
        body = "\n".join(
            line for line in f.read_text("utf-8").splitlines() if not line.lstrip().startswith("//")
        )
        for label in re.findall(r"\(\w*:(\w+)", body):
            assert label in v.labels | {timeline.LABEL} or label.startswith("__"), (f.name, label)
        for rel in re.findall(r"\[\w*:(\w+)\]", body):
            assert rel in v.all_relationship_types or rel.startswith("__"), (f.name, rel)


def test_label_splicing_refuses_names_outside_the_vocabulary():
    v = vocabulary()
    assert v.label_expression(("Entity", "College")) == ":Entity:College"
    with pytest.raises(EikgError):
        v.label_expression(("Entity", "College) DETACH DELETE (x"))
    with pytest.raises(EikgError):
        v.check_relationship_type("KNOWS")


def test_schema_statements_come_from_owl_haskey():
    stmts = [s.splitlines()[-1] for s in schema_statements()]
    assert any("FOR (n:Entity) REQUIRE n.key IS UNIQUE" in s for s in stmts)
    assert any("FOR (n:Article) REQUIRE n.id IS UNIQUE" in s for s in stmts)
    assert all("IF NOT EXISTS" in s for s in stmts)


def test_relationship_indexes_come_from_indexed_for_statement():
    """firstSeen is eikg:indexedFor eikg:Statement: one range index per relationship
    type between entities (date-window queries), none for MENTIONS."""
    v = vocabulary()
    indexed = {t for t, prop in v.relationship_indexes if prop == "firstSeen"}
    assert indexed == set(v.relationship_types.values())
    stmts = [s.splitlines()[-1] for s in schema_statements()]
    assert any("FOR ()-[r:PARTNERS_WITH]-() ON (r.firstSeen)" in s for s in stmts)
    assert not any(v.mentions_type in s for s in stmts)


def _sample(extra: list[tuple] = ()) -> Graph:
    g = Graph()
    college, person, event, place = (DATA[x] for x in ("c1", "p1", "ev1", "pl1"))
    for node, cls, key, etype in (
        (college, EIKG.College, "college:c1", "COLLEGE"),
        (person, EIKG.Person, "person:p1", "PERSON"),
        (event, EIKG.Event, "event:ev1", "EVENT"),
        (place, EIKG.Place, "place:pl1", "PLACE"),
    ):
        g.add((node, RDF.type, cls))
        g.add((node, EIKG.key, Literal(key)))
        g.add((node, EIKG.name, Literal(key.split(":")[1])))
        g.add((node, EIKG.entityType, Literal(etype)))
    g.add((person, EIKG.holdsPosition, college))
    g.add((college, EIKG.organized, event))
    g.add((event, EIKG.locatedIn, place))
    g.add((event, EIKG.date, Literal("2024-05-18", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))))
    post = DATA["position/1"]
    g.add((post, RDF.type, EIKG.Position))
    g.add((post, ORG.member, person))
    g.add((post, ORG.organization, college))
    g.add((post, EIKG.title, Literal("President")))
    article = DATA["article/a1"]
    g.add((article, RDF.type, EIKG.Article))
    g.add((article, EIKG.id, Literal("a1")))
    g.add((article, EIKG.contentHash, Literal("0" * 64)))
    g.add((article, EIKG.mentions, college))
    for t in extra:
        g.add(t)
    return g


def _conforms(g: Graph) -> bool:
    ok, _, _ = pyshacl.validate(
        g, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none"
    )
    return ok


def test_shapes_accept_well_formed_data():
    assert _conforms(_sample())


@pytest.mark.parametrize(
    "bad",
    [
        (DATA["c1"], EIKG.holdsPosition, DATA["p1"]),  # a college holding a position
        (DATA["p1"], EIKG.partnersWith, DATA["c1"]),  # a person partnering
        (DATA["c1"], EIKG.memberOf, DATA["ev1"]),  # member of an event
        (DATA["c1"], EIKG.key, Literal("college:second-key")),  # two keys
        (DATA["article/a1"], EIKG.contentHash, Literal("not-a-hash")),
        (DATA["position/1"], EIKG.title, Literal("Second title")),
    ],
)
def test_shapes_reject_violations(bad):
    assert not _conforms(_sample([bad]))
