"""The whole graph from Neo4j to an RDF file: rows read in keyset pages, mapped to
quads (:mod:`eikg.graph.rdf`) and written by the format's streaming serialiser,
so memory does not grow with the graph.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import neo4j

from eikg.errors import InputError
from eikg.graph.ontology import ontology_graph
from eikg.graph.rdf import Quad, article_quads, entity_quads, relation_quads
from eikg.graph.rdf_jsonld import write_json_ld
from eikg.graph.rdf_lines import write_lines
from eikg.graph.rdf_turtle import write_turtle
from eikg.graph.statements import keyset_pages, statement

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


#: Each export statement (graph/cypher/export_*.cypher), the column order of its
#: rows, and the mapping of a row to quads.
_EXPORTS = (
    ("export_entities", ("key", "name", "type", "aliases", "date", "firstSeen", "lastSeen"), entity_quads),
    ("export_articles", ("id", "url", "title", "published", "publisher", "contentHash", "mentions"), article_quads),
    (
        "export_relations",
        ("head", "type", "tail", "sources", "evidence", "evidenceSources", "firstSeen",
         "lastSeen", "title", "confidence"),
        relation_quads,
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
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for name, columns, to_quads in _EXPORTS:
            for chunk in keyset_pages(session, statement(name), {"size": page}):
                for row in chunk:
                    yield from to_quads(dict(zip(columns, row)))


def normalise_format(fmt: str) -> str:
    key = fmt.lower().strip()
    if key not in FORMATS:
        raise InputError(f"unknown RDF format {fmt!r}: use turtle, nt, json-ld, trig or nquads")
    return FORMATS[key]


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
