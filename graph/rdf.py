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

Every format is written by eikg as rows come out of Neo4j, so memory does not
grow with the graph (rdflib's serialisers hold the whole graph): N-Triples and
N-Quads line by line; Turtle and TriG with prefixed names and one block per run of
quads sharing a subject and graph; JSON-LD with the same prefixes in its context,
a node object per run. The triples of one subject or graph may come in several blocks or objects,
as all three formats allow.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import neo4j
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV

from eikg.errors import InputError
from eikg.graph.ontology import DATA, EIKG, ontology_graph, vocabulary
from eikg.records import EntityType, RelationType

#: A triple and the named graph it belongs to (None: the default graph).
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef | None]

#: --format value -> rdflib serializer name; nt and nquads are streamed by eikg.
FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "trig": "trig",
    "nquads": "nquads",
    "nq": "nquads",
}
#: Formats that carry named graphs (one per article).
DATASET_FORMATS = {"trig", "nquads", "json-ld"}
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


# --- reading Neo4j ------------------------------------------------------------------------


def _cypher(name: str) -> str:
    return resources.files("eikg.graph").joinpath(f"{name}.cypher").read_text(encoding="utf-8")


#: Column order of each export query's rows (see graph/export_*.cypher).
_EXPORTS = (
    ("export_entities", ("key", "name", "type", "aliases", "date", "firstSeen", "lastSeen")),
    ("export_articles", ("id", "url", "title", "published", "publisher", "contentHash", "mentions")),
    (
        "export_relations",
        ("head", "type", "tail", "sources", "evidence", "evidenceSources", "firstSeen",
         "lastSeen", "title", "confidence"),
    ),
)
#: Entities (or articles, or heads of relationships) per page.
PAGE_SIZE = 2000


def iter_quads(
    driver: neo4j.Driver, *, database: str | None = None, page: int = PAGE_SIZE
) -> Iterator[Quad]:
    """Every quad of the graph, streamed from Neo4j: entities, articles, relationships.

    Each export query reads one keyset page (``page`` entities or articles after
    the last key seen) as one record, so neither the server nor this process
    ever holds more than a page.
    """
    convert = {
        "export_entities": entity_quads,
        "export_articles": article_quads,
        "export_relations": relation_quads,
    }
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for name, columns in _EXPORTS:
            text, to_quads, after = _cypher(name), convert[name], ""
            while True:
                record = session.run(text, after=after, size=page).single()
                if record is None:
                    break
                for row in record["chunk"]:
                    yield from to_quads(dict(zip(columns, row)))
                after = record["last"]


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


# --- N-Triples / N-Quads lines ------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _term(term: URIRef | Literal, iri: Callable[[str], str]) -> str:
    """A term in N-Triples/Turtle syntax, IRIs (and datatypes) written by ``iri``."""
    if isinstance(term, URIRef):
        return iri(str(term))
    text = str(term).translate(_ESCAPES)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype:
        return f'"{text}"^^{iri(str(term.datatype))}'
    return f'"{text}"'


def _nt_iri(iri: str) -> str:
    return f"<{iri}>"


def _nt_term(term: URIRef | Literal) -> str:
    return _term(term, _nt_iri)


def nt_line(quad: Quad, *, with_graph: bool) -> str:
    """One N-Triples (or, ``with_graph``, N-Quads) line, newline included."""
    s, p, o, g = quad
    if with_graph and g is not None:
        return f"<{s}> <{p}> {_nt_term(o)} <{g}> .\n"
    return f"<{s}> <{p}> {_nt_term(o)} .\n"


def write_lines(quads: Iterable[Quad], out: TextIO, *, with_graph: bool) -> int:
    """Write quads as N-Triples (default graph only) or N-Quads; returns the line count.

    Streams: nothing is kept but the line being written.
    """
    n = 0
    for quad in quads:
        if quad[3] is not None and not with_graph:
            continue
        out.write(nt_line(quad, with_graph=with_graph))
        n += 1
    return n


# --- export -------------------------------------------------------------------------------


def normalise_format(fmt: str) -> str:
    key = fmt.lower().strip()
    if key not in FORMATS:
        raise InputError(f"unknown RDF format {fmt!r}: use turtle, nt, json-ld, trig or nquads")
    return FORMATS[key]


# --- Turtle / TriG --------------------------------------------------------------------------

# A local name written without escapes (a safe subset of Turtle's PN_LOCAL).
_LOCAL = re.compile(r"(?:[A-Za-z0-9_:]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9_.:-]|%[0-9A-Fa-f]{2})*")


@lru_cache(maxsize=4096)  # bounded: predicates, classes and popular entities repeat
def _ttl_iri(iri: str) -> str:
    """An IRI as a prefixed name when its local part needs no escape, else ``<iri>``.

    >>> _ttl_iri("https://w3id.org/eikg/id/college:riverbend%20poly")
    'id:college:riverbend%20poly'
    >>> _ttl_iri("https://w3id.org/eikg/id/article/a~1")
    '<https://w3id.org/eikg/id/article/a~1>'
    """
    prefix, local = _split(iri)
    if local and _LOCAL.fullmatch(local) and not local.endswith("."):
        return f"{prefix}:{local}"
    return f"<{iri}>"


def _split(iri: str) -> tuple[str, str]:
    """(prefix, local part) under the first of PREFIXES whose namespace starts ``iri``,
    else ('', '')."""
    for prefix, ns in PREFIXES:
        if iri.startswith(ns):
            return prefix, iri[len(ns):]
    return "", ""


def _ttl_predicate(term: URIRef) -> str:
    return "a" if term == RDF.type else _ttl_iri(str(term))


def _ttl_term(term: URIRef | Literal) -> str:
    return _term(term, _ttl_iri)


def write_turtle(quads: Iterable[Quad], out: TextIO, *, with_graph: bool) -> int:
    """Write quads as Turtle (default graph only) or TriG; returns the triples written.

    Streams: consecutive quads with the same subject (and graph) share one block
    (``s p o ; p o .``), consecutive named-graph quads one ``graph { ... }``.
    """
    for prefix, ns in PREFIXES:
        out.write(f"@prefix {prefix}: <{ns}> .\n")
    out.write("\n")
    n = 0
    graph: URIRef | None = None  # the open named-graph block, if any
    subject: URIRef | None = None  # the open subject block, if any
    indent = ""
    for s, p, o, g in quads:
        if g is not None and not with_graph:
            continue
        if subject is not None and (s != subject or g != graph):
            out.write(" .\n")
            subject = None
        if g != graph:
            if graph is not None:
                out.write("}\n")
            if g is not None:
                out.write(f"{_ttl_iri(str(g))} {{\n")
            graph, indent = g, ("  " if g is not None else "")
        if subject is None:
            out.write(f"{indent}{_ttl_term(s)} {_ttl_predicate(p)} {_ttl_term(o)}")
            subject = s
        else:
            out.write(f" ;\n{indent}    {_ttl_predicate(p)} {_ttl_term(o)}")
        n += 1
    if subject is not None:
        out.write(" .\n")
    if graph is not None:
        out.write("}\n")
    return n


def serialise(quads: Iterable[Quad], out: TextIO, fmt: str) -> int:
    """Write ``quads`` to ``out`` in ``fmt``; returns the number of triples/quads written.

    Streams in every format: nothing is kept but the subject being written.
    """
    fmt = normalise_format(fmt)
    if fmt in ("nt", "nquads"):
        return write_lines(quads, out, with_graph=fmt == "nquads")
    if fmt in ("turtle", "trig"):
        return write_turtle(quads, out, with_graph=fmt == "trig")
    return write_json_ld(quads, out)


@lru_cache(maxsize=4096)  # bounded, as _ttl_iri
def _json_ld_iri(iri: str) -> str:
    """An IRI as a compact IRI under the context's prefixes (any local part will do
    in JSON, none begins with ``//``), else as it is.

    >>> _json_ld_iri("https://w3id.org/eikg/id/article/a~1")
    'art:a~1'
    """
    prefix, local = _split(iri)
    return f"{prefix}:{local}" if local and not local.startswith("//") else iri


def _json_ld_value(term: URIRef | Literal) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"@id": _json_ld_iri(str(term))}
    if term.language:
        return {"@value": str(term), "@language": term.language}
    if term.datatype:
        return {"@value": str(term), "@type": _json_ld_iri(str(term.datatype))}
    return {"@value": str(term)}


def write_json_ld(quads: Iterable[Quad], out: TextIO) -> int:
    """Write quads as JSON-LD; returns the quads written.

    ``{"@context": {prefixes}, "@graph": [...]}``, streamed: in ``@graph`` a node
    object per run of quads sharing a subject (IRIs compacted under the prefixes,
    values as value objects), and per run of named-graph quads a graph object
    ``{"@id": graph, "@graph": [...]}``. Objects naming the same node or graph add
    up, as JSON-LD defines, so a subject or graph may appear in several.
    """
    n = 0
    first = True
    graph: URIRef | None = None
    nodes: list[dict[str, Any]] = []  # the open run's node objects (last one open)
    subject: URIRef | None = None

    def flush() -> None:
        nonlocal first, nodes
        if not nodes:
            return
        objects = nodes if graph is None else [{"@id": _json_ld_iri(str(graph)), "@graph": nodes}]
        for obj in objects:
            out.write("\n" if first else ",\n")
            out.write(json.dumps(obj, ensure_ascii=False))
            first = False
        nodes = []

    context = json.dumps({prefix: ns for prefix, ns in PREFIXES})
    out.write(f'{{"@context": {context},\n"@graph": [')
    for s, p, o, g in quads:
        if g != graph or (g is None and s != subject):
            flush()
            graph, subject = g, None
        if s != subject:
            nodes.append({"@id": _json_ld_iri(str(s))})
            subject = s
        node = nodes[-1]
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(_json_ld_iri(str(o)))
        else:
            node.setdefault(_json_ld_iri(str(p)), []).append(_json_ld_value(o))
        n += 1
    flush()
    out.write("\n]}\n")
    return n


#: File suffix -> format, for ``format_for``.
SUFFIXES = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".trig": "trig",
    ".nq": "nquads", ".nquads": "nquads", ".jsonld": "json-ld", ".json": "json-ld",
}


def format_for(out: Path | str, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` if given, else the one the file name says
    (``.gz`` aside), else Turtle.

    >>> format_for("graph.nq.gz"), format_for("graph.rdf"), format_for("x.ttl", "nt")
    ('nquads', 'turtle', 'nt')
    """
    if fmt is not None:
        return normalise_format(fmt)
    suffixes = [s.lower() for s in Path(out).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return SUFFIXES.get(suffixes[-1], "turtle") if suffixes else "turtle"


def export_rdf(
    driver: neo4j.Driver,
    out: Path,
    fmt: str | None = None,
    *,
    database: str | None = None,
    with_ontology: bool = False,
) -> int:
    """Export the whole graph from Neo4j to the file ``out``; returns triples/quads written.

    ``fmt`` defaults to what the file name says (:func:`format_for`); a name ending
    in ``.gz`` is written gzip-compressed, as it streams. ``with_ontology`` appends
    ``ontology.ttl`` (:func:`append_ontology`).
    """
    fmt = format_for(out, fmt)
    if with_ontology and fmt not in ONTOLOGY_SYNTAX:
        raise InputError(f"--with-ontology writes turtle, nt, trig or nquads, not {fmt}")
    out = Path(out)
    try:
        if out.suffix.lower() == ".gz":
            handle = gzip.open(out, "wt", encoding="utf-8", compresslevel=6)
        else:
            handle = out.open("w", encoding="utf-8")
        with handle as fh:
            n = serialise(iter_quads(driver, database=database), fh, fmt)
            return n + append_ontology(fh, fmt) if with_ontology else n
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror}") from None


#: The rdflib syntax the ontology is appended in, per export format (default graph).
ONTOLOGY_SYNTAX = {"turtle": "turtle", "trig": "turtle", "nt": "nt", "nquads": "nt"}


def append_ontology(out: TextIO, fmt: str) -> int:
    """Write ``ontology.ttl``'s triples after an export (default graph); their number.

    With the class hierarchy in the same file, a SHACL validator given the export
    and ``shapes.ttl`` alone finds a College to be an Organization. Turtle allows
    prefix directives between statements and TriG plain triples outside graph blocks,
    so the ontology's own serialisation can follow the streamed data.
    """
    ontology = ontology_graph()
    out.write("\n" + ontology.serialize(format=ONTOLOGY_SYNTAX[fmt]))
    return len(ontology)
