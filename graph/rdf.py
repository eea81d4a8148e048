"""The graph as RDF under ``ontology.ttl``, keeping where every fact came from.

Layout (data IRIs under ``https://w3id.org/eikg/id/``):

* an entity ``id:<key>`` has its class (the most specific one; the ontology
  gives the rest by ``rdfs:subClassOf``), ``eikg:key``, ``eikg:name``,
  ``eikg:entityType``, ``eikg:alias``, ``eikg:date`` (events), ``eikg:firstSeen``
  and ``eikg:lastSeen``;
* an article ``id:article/<id>`` is an ``eikg:Article`` with ``eikg:id``,
  ``eikg:url``, ``eikg:headline``, ``eikg:published``, ``eikg:publisher``,
  ``eikg:contentHash`` and ``eikg:mentions`` of every entity it names;
* a relationship is the direct triple ``<head> eikg:partnersWith <tail>`` plus
  an ``eikg:Statement`` ``id:statement/<hash>`` reifying it (``rdf:subject``,
  ``rdf:predicate``, ``rdf:object``) with its provenance: ``eikg:source`` (each
  article, a sub-property of ``prov:wasDerivedFrom``), ``eikg:evidence`` (the
  sentences), ``eikg:confidence``, ``eikg:firstSeen``, ``eikg:lastSeen``;
* a position held (HOLDS_POSITION) is also a W3C ORG membership
  ``id:position/<hash>``, an ``eikg:Position`` with ``org:member``,
  ``org:organization`` and ``eikg:title``.

All of that is the *default graph*; on its own (Turtle, N-Triples, JSON-LD) it
is the plain-RDF form of provenance: the reified statement says which articles
and which sentences support a fact. In TriG and N-Quads every article also has
a *named graph* whose name is the article's IRI, holding the facts that article
states and, on the statement, the evidence sentences taken from that article,
so each sentence is tied to its own article.

This module is the mapping (rows -> quads, pure). Reading the rows from Neo4j and
writing a file is :mod:`eikg.graph.rdf_export`; the serialisers, one module per
format family, are :mod:`eikg.graph.rdf_lines` (N-Triples, N-Quads),
:mod:`eikg.graph.rdf_turtle` (Turtle, TriG) and :mod:`eikg.graph.rdf_jsonld`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV

from eikg.errors import InputError
from eikg.graph.ontology import DATA, EIKG, vocabulary
from eikg.records import EntityType, RelationType

#: A triple and the named graph it belongs to (None: the default graph).
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef | None]

#: Prefixes of the exports (and of rdflib graphs built here), longest namespace
#: first where one extends another.
PREFIXES = (
    ("art", DATA + "article/"),
    ("st", DATA + "statement/"),
    ("pos", DATA + "position/"),
    ("id", str(DATA)),
    ("eikg", str(EIKG._NS)),
    ("org", str(ORG)),
    ("prov", str(PROV)),
    ("rdf", str(RDF)),
    ("xsd", str(XSD)),
)


def split_iri(iri: str) -> tuple[str, str]:
    """(prefix, local part) under the first of PREFIXES whose namespace starts ``iri``,
    else ('', '')."""
    for prefix, ns in PREFIXES:
        if iri.startswith(ns):
            return prefix, iri[len(ns):]
    return "", ""


# --- IRIs ---------------------------------------------------------------------------------


def entity_iri(key: str) -> URIRef:
    """``college:riverbend-polytechnic`` -> ``https://w3id.org/eikg/id/college:riverbend-polytechnic``."""
    return URIRef(DATA + quote(key, safe=":@~"))


def article_iri(article_id: str) -> URIRef:
    return URIRef(DATA + "article/" + quote(article_id, safe=":@~"))


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def statement_iri(head: str, rel_type: str, tail: str) -> URIRef:
    """A stable IRI for the reified relationship (head, type, tail)."""
    return URIRef(DATA + "statement/" + _digest(head, rel_type, tail))


def position_iri(person: str, organisation: str) -> URIRef:
    return URIRef(DATA + "position/" + _digest(person, organisation))


# --- literals -----------------------------------------------------------------------------


def _date(value: Any) -> Literal | None:
    """An xsd:date literal, or None when the value is not a full ISO date."""
    if value is None:
        return None
    return _date_literal(str(value)[:10])


@lru_cache(maxsize=4096)  # bounded: memory must not grow with the graph
def _date_literal(text: str) -> Literal | None:
    # Cached: typed literals are costly to build in rdflib and dates repeat a lot.
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return None
    return Literal(text, datatype=XSD.date)


def _string(value: Any) -> Literal | None:
    if value is None or str(value) == "":
        return None
    # Plain literals are xsd:string in RDF 1.1; rdflib only compares them equal
    # to the plain form (shapes.ttl lists plain ones in sh:in).
    return Literal(str(value))


def _confidence(value: Any) -> Literal | None:
    if value is None:
        return None
    return _decimal_literal(round(min(1.0, max(0.0, float(value))), 4))


@lru_cache(maxsize=1024)
def _decimal_literal(number: float) -> Literal:
    return Literal(Decimal(str(number)), datatype=XSD.decimal)


# --- rows -> quads (pure) -----------------------------------------------------------------

# Terms looked up once: DefinedNamespace attribute access is slow in tight loops.
T_Article = EIKG.Article
T_Position = EIKG.Position
T_Statement = EIKG.Statement
T_alias = EIKG.alias
T_confidence = EIKG.confidence
T_contentHash = EIKG.contentHash
T_date = EIKG.date
T_entityType = EIKG.entityType
T_evidence = EIKG.evidence
T_firstSeen = EIKG.firstSeen
T_headline = EIKG.headline
T_id = EIKG.id
T_key = EIKG.key
T_lastSeen = EIKG.lastSeen
T_mentions = EIKG.mentions
T_name = EIKG.name
T_published = EIKG.published
T_publisher = EIKG.publisher
T_source = EIKG.source
T_title = EIKG.title
T_url = EIKG.url

_CLASS = {t.value: c for t, c in vocabulary().entity_classes.items()}
_PROPERTY = {vocabulary().relationship_types[t]: p for t, p in vocabulary().relation_properties.items()}


def _present(subject: URIRef, pairs: Iterable[tuple[URIRef, Any]], graph=None) -> Iterator[Quad]:
    for p, o in pairs:
        if o is not None:
            yield (subject, p, o, graph)


def entity_quads(row: dict[str, Any]) -> Iterator[Quad]:
    """The description of one entity (row: key, name, type, aliases, date, firstSeen, lastSeen).

    >>> q = list(entity_quads({"key": "place:harbour-city", "name": "Harbour City", "type": "PLACE"}))
    >>> [(str(p).split("#")[-1], str(o).split("#")[-1]) for _, p, o, _ in q][:2]
    [('type', 'Place'), ('key', 'place:harbour-city')]
    """
    kind = row["type"]
    if kind not in _CLASS:
        raise InputError(f"entity {row['key']!r} has type {kind!r}, not an EntityType")
    e = entity_iri(row["key"])
    yield (e, RDF.type, _CLASS[kind], None)
    yield from _present(
        e,
        [
            (T_key, _string(row["key"])),
            (T_name, _string(row.get("name")) or _string(row["key"])),
            (T_entityType, Literal(kind)),
            *((T_alias, _string(a)) for a in sorted(set(row.get("aliases") or ()))),
            (T_date, _date(row.get("date")) if kind == EntityType.EVENT.value else None),
            (T_firstSeen, _date(row.get("firstSeen"))),
            (T_lastSeen, _date(row.get("lastSeen"))),
        ],
    )


def article_quads(row: dict[str, Any]) -> Iterator[Quad]:
    """One article (row: id, url, title, published, publisher, contentHash, mentions)."""
    a = article_iri(row["id"])
    yield (a, RDF.type, T_Article, None)
    url = row.get("url")
    yield from _present(
        a,
        [
            (T_id, _string(row["id"])),
            (T_url, Literal(str(url), datatype=XSD.anyURI) if url else None),
            (T_headline, _string(row.get("title"))),
            (T_published, _date(row.get("published"))),
            (T_publisher, _string(row.get("publisher"))),
            (T_contentHash, _string(row.get("contentHash"))),
        ],
    )
    for key in row.get("mentions") or ():
        yield (a, T_mentions, entity_iri(key), None)


def relation_quads(row: dict[str, Any]) -> Iterator[Quad]:
    """One relationship: direct triple, reified statement, position, per-article graphs.

    Row: head, type, tail, sources, evidence, evidenceSources, firstSeen,
    lastSeen, title, confidence.
    """
    rel_type = row["type"]
    if rel_type not in _PROPERTY:
        raise InputError(f"relationship type {rel_type!r} is not in the eikg ontology")
    prop = _PROPERTY[rel_type]
    h, t = entity_iri(row["head"]), entity_iri(row["tail"])
    st = statement_iri(row["head"], rel_type, row["tail"])
    sources = list(dict.fromkeys(row.get("sources") or ()))
    evidence = list(row.get("evidence") or ())
    evidence_sources = list(row.get("evidenceSources") or ())

    yield (h, prop, t, None)
    yield (st, RDF.type, T_Statement, None)
    yield (st, RDF.subject, h, None)
    yield (st, RDF.predicate, prop, None)
    yield (st, RDF.object, t, None)
    for s in sources:
        yield (st, T_source, article_iri(s), None)
    for sentence in dict.fromkeys(evidence):
        yield (st, T_evidence, Literal(sentence), None)
    yield from _present(
        st,
        [
            (T_confidence, _confidence(row.get("confidence"))),
            (T_firstSeen, _date(row.get("firstSeen"))),
            (T_lastSeen, _date(row.get("lastSeen"))),
        ],
    )
    if rel_type == RelationType.HOLDS_POSITION.value:
        pos = position_iri(row["head"], row["tail"])
        yield (pos, RDF.type, T_Position, None)
        yield (pos, ORG.member, h, None)
        yield (pos, ORG.organization, t, None)
        yield from _present(pos, [(T_title, _string(row.get("title")))])
        yield (pos, PROV.wasDerivedFrom, st, None)

    # Named graph per article: the fact it states and the sentences it states it in.
    for s in sources:
        g = article_iri(s)
        yield (h, prop, t, g)
        for sentence, source in zip(evidence, evidence_sources):
            if source == s:
                yield (st, T_evidence, Literal(sentence), g)


def to_dataset(quads: Iterable[Quad]) -> Dataset:
    """An rdflib Dataset: the default graph plus one named graph per article."""
    ds = Dataset()
    bind_prefixes(ds)
    # not ds.add, which rdflib 7.6 warns about on every call (default_graph is new in 7.x)
    default = ds.default_graph if hasattr(Dataset, "default_graph") else ds.default_context
    for s, p, o, g in quads:
        if g is None:
            default.add((s, p, o))
        else:
            ds.graph(g).add((s, p, o))
    return ds


def to_graph(quads: Iterable[Quad]) -> Graph:
    """The default graph alone: the plain-RDF form (statements carry provenance)."""
    graph = Graph()
    bind_prefixes(graph)
    for s, p, o, g in quads:
        if g is None:
            graph.add((s, p, o))
    return graph


def bind_prefixes(graph: Graph) -> None:
    for prefix, ns in PREFIXES:
        graph.bind(prefix, ns)
