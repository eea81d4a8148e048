"""The eikg ontology (``ontology.ttl``) and the property-graph vocabulary derived from it.

``ontology.ttl`` is the single source of truth. Everything the loader may splice
into Cypher (node labels, relationship types) comes from :func:`vocabulary`, which
reads it from the ontology:

- an ``owl:Class`` with a ``skos:notation`` is the class of that
  :class:`~eikg.records.EntityType`; its node labels are ``Entity`` plus every eikg
  class on its ``rdfs:subClassOf`` chain (a College node is also an Organization);
- an ``owl:ObjectProperty`` with a ``skos:notation`` is the relationship type of that
  :class:`~eikg.records.RelationType` (plus ``MENTIONS``), named in UPPER_SNAKE after
  the property's lowerCamel local name;
- ``owl:hasKey`` gives the uniqueness constraints, ``eikg:indexed`` the node indexes
  (on the label of the property's domain), ``eikg:indexedFor eikg:Statement`` the
  relationship indexes (on every relationship type between entities).

>>> v = vocabulary()
>>> v.entity_labels[EntityType.COLLEGE]
('Entity', 'Organization', 'College')
>>> v.relationship_types[RelationType.PARTNERS_WITH]
'PARTNERS_WITH'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DefinedNamespace
from rdflib.plugins.parsers.notation3 import BadSyntax

from eikg.errors import EikgError
from eikg.records import EntityType, RelationType

ONTOLOGY_IRI = URIRef("https://w3id.org/eikg/ontology")
#: Namespace of eikg's own instance data (entities, articles) in RDF.
DATA = Namespace("https://w3id.org/eikg/id/")


class EIKG(DefinedNamespace):
    """The eikg terms; a typo raises instead of minting a new IRI.

    tests/test_ontology.py checks that this list and ``ontology.ttl`` name exactly
    the same terms.
    """

    _NS = Namespace("https://w3id.org/eikg/ontology#")
    _fail = True

    # classes
    Entity: URIRef
    Person: URIRef
    Organization: URIRef
    College: URIRef
    Enterprise: URIRef
    Alliance: URIRef
    GovernmentBody: URIRef
    Event: URIRef
    Place: URIRef
    Platform: URIRef
    Policy: URIRef
    Article: URIRef
    Position: URIRef
    Statement: URIRef
    # relationships
    holdsPosition: URIRef
    partnersWith: URIRef
    memberOf: URIRef
    leads: URIRef
    organized: URIRef
    participatedIn: URIRef
    locatedIn: URIRef
    visited: URIRef
    partOf: URIRef
    mentions: URIRef
    # provenance of a reified relationship
    source: URIRef
    evidence: URIRef
    confidence: URIRef
    firstSeen: URIRef
    lastSeen: URIRef
    # datatype properties
    key: URIRef
    name: URIRef
    alias: URIRef
    entityType: URIRef
    date: URIRef
    title: URIRef
    id: URIRef
    url: URIRef
    headline: URIRef
    published: URIRef
    publisher: URIRef
    contentHash: URIRef
    mentionCount: URIRef
    # annotations
    indexed: URIRef
    indexedFor: URIRef


_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def local_name(iri: URIRef) -> str:
    """``https://w3id.org/eikg/ontology#partnersWith`` -> ``partnersWith``."""
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def upper_snake(name: str) -> str:
    """lowerCamel property name -> UPPER_SNAKE relationship type.

    >>> upper_snake("participatedIn")
    'PARTICIPATED_IN'
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def _read(resource: str) -> Graph:
    text = resources.files("eikg").joinpath(resource).read_text(encoding="utf-8")
    g = Graph()
    try:
        g.parse(data=text, format="turtle")
    except BadSyntax as exc:
        raise EikgError(f"{resource}: cannot parse: {exc}") from exc
    return g


@cache
def _ontology() -> Graph:
    return _read("ontology.ttl")


def ontology_graph() -> Graph:
    """A fresh copy of ``ontology.ttl`` as an rdflib Graph (callers may modify it)."""
    g = Graph()
    for t in _ontology():
        g.add(t)
    for prefix, ns in _ontology().namespaces():
        g.bind(prefix, ns, override=True)
    return g


def shapes_graph() -> Graph:
    """``shapes.ttl`` (SHACL) as an rdflib Graph."""
    return _read("shapes.ttl")


@dataclass(frozen=True)
class Vocabulary:
    """The property-graph names derived from the ontology."""

    #: EntityType -> its ontology class
    entity_classes: Mapping[EntityType, URIRef]
    #: EntityType -> node labels, most general first (``Entity`` ... class)
    entity_labels: Mapping[EntityType, tuple[str, ...]]
    #: RelationType -> its ontology object property
    relation_properties: Mapping[RelationType, URIRef]
    #: RelationType -> relationship type (UPPER_SNAKE)
    relationship_types: Mapping[RelationType, str]
    #: relationship type of article -> entity links
    mentions_type: str
    #: every node label the loader may write
    labels: frozenset[str]
    #: every relationship type the loader may write
    all_relationship_types: frozenset[str]
    #: (label, property) pairs that are unique keys (owl:hasKey)
    keys: tuple[tuple[str, str], ...]
    #: (label, property) pairs to index (eikg:indexed)
    indexes: tuple[tuple[str, str], ...]
    #: (relationship type, property) pairs to index (eikg:indexedFor eikg:Statement)
    relationship_indexes: tuple[tuple[str, str], ...]

    def label_expression(self, labels: tuple[str, ...]) -> str:
        """``("Entity", "College")`` -> ``:Entity:College``, refusing any label not in the vocabulary."""
        for label in labels:
            self.check_label(label)
        return "".join(f":{label}" for label in labels)

    def check_label(self, label: str) -> str:
        if label not in self.labels or not _NAME.match(label):
            raise EikgError(f"label {label!r} is not in the eikg ontology")
        return label

    def check_relationship_type(self, rel_type: str) -> str:
        if rel_type not in self.all_relationship_types or not _NAME.match(rel_type):
            raise EikgError(f"relationship type {rel_type!r} is not in the eikg ontology")
        return rel_type


def _eikg_superclasses(g: Graph, cls: URIRef) -> list[URIRef]:
    """eikg classes on the subclass chain of ``cls``, most general first, ``cls`` last."""
    chain: list[URIRef] = []
    todo = [cls]
    while todo:
        c = todo.pop()
        if c in chain:
            continue
        chain.append(c)
        todo.extend(
            p for p in g.objects(c, RDFS.subClassOf) if isinstance(p, URIRef) and p in EIKG
        )
    return list(reversed(chain))


def _notation(g: Graph, term: URIRef) -> str | None:
    values = [str(v) for v in g.objects(term, SKOS.notation)]
    if len(values) > 1:
        raise EikgError(f"ontology.ttl: {local_name(term)} has several skos:notation values")
    return values[0] if values else None


def _member(enum: type[EntityType] | type[RelationType], notation: str, term: URIRef):
    try:
        return enum(notation)
    except ValueError:
        raise EikgError(
            f"ontology.ttl: {local_name(term)} has notation {notation!r}, not a {enum.__name__}"
        ) from None


@cache
def vocabulary() -> Vocabulary:
    """Derive node labels, relationship types, keys and indexes from ``ontology.ttl``."""
    g = _ontology()
    entity_classes = _entity_classes(g)
    entity_labels = {
        t: tuple(local_name(c) for c in _eikg_superclasses(g, cls))
        for t, cls in entity_classes.items()
    }
    relation_properties, mentions_type = _relation_properties(g)
    relationship_types = {t: upper_snake(local_name(p)) for t, p in relation_properties.items()}
    labels = {label for ls in entity_labels.values() for label in ls}
    labels.add(local_name(EIKG.Article))
    return Vocabulary(
        entity_classes=MappingProxyType(entity_classes),
        entity_labels=MappingProxyType(entity_labels),
        relation_properties=MappingProxyType(relation_properties),
        relationship_types=MappingProxyType(relationship_types),
        mentions_type=mentions_type,
        labels=frozenset(labels),
        all_relationship_types=frozenset({*relationship_types.values(), mentions_type}),
        keys=_keys(g),
        indexes=_indexes(g),
        relationship_indexes=tuple(
            sorted(
                (rel_type, local_name(prop))
                for prop in g.subjects(EIKG.indexedFor, EIKG.Statement)
                for rel_type in relationship_types.values()
            )
        ),
    )


def _entity_classes(g: Graph) -> dict[EntityType, URIRef]:
    """The eikg class of each EntityType (the class whose skos:notation names it)."""
    entity_classes: dict[EntityType, URIRef] = {}
    for cls in g.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, URIRef) or cls not in EIKG:
            continue
        notation = _notation(g, cls)
        if notation is None:
            continue
        entity_classes[_member(EntityType, notation, cls)] = cls
    missing = [t.value for t in EntityType if t not in entity_classes]
    if missing:
        raise EikgError(f"ontology.ttl: no class for entity types {', '.join(missing)}")
    return entity_classes


def _relation_properties(g: Graph) -> tuple[dict[RelationType, URIRef], str]:
    """The eikg object property of each RelationType, and the MENTIONS type; a
    notation must be the UPPER_SNAKE form of the property's name."""
    relation_properties: dict[RelationType, URIRef] = {}
    mentions_type = None
    for prop in g.subjects(RDF.type, OWL.ObjectProperty):
        if not isinstance(prop, URIRef) or prop not in EIKG:
            continue
        notation = _notation(g, prop)
        if notation is None:
            continue
        if notation != upper_snake(local_name(prop)):
            raise EikgError(
                f"ontology.ttl: {local_name(prop)} has notation {notation!r}, "
                f"expected {upper_snake(local_name(prop))!r}"
            )
        if prop == EIKG.mentions:
            mentions_type = notation
            continue
        relation_properties[_member(RelationType, notation, prop)] = prop
    missing = [t.value for t in RelationType if t not in relation_properties]
    if missing:
        raise EikgError(f"ontology.ttl: no property for relation types {', '.join(missing)}")
    if mentions_type is None:
        raise EikgError("ontology.ttl: eikg:mentions has no skos:notation")
    return relation_properties, mentions_type


def _keys(g: Graph) -> tuple[tuple[str, str], ...]:
    """(label, property) of every owl:hasKey of an eikg class."""
    keys = [
        (local_name(cls), local_name(prop))
        for cls, key_list in g.subject_objects(OWL.hasKey)
        if isinstance(cls, URIRef) and cls in EIKG
        for prop in Collection(g, key_list)
    ]
    return tuple(sorted(keys))


def _indexes(g: Graph) -> tuple[tuple[str, str], ...]:
    """(label of the domain, property) of every property marked eikg:indexed."""
    indexes = [
        (local_name(domain), local_name(prop))
        for prop in g.subjects(EIKG.indexed, Literal(True))
        for domain in g.objects(prop, RDFS.domain)
        if isinstance(domain, URIRef) and domain in EIKG
    ]
    return tuple(sorted(indexes))
