"""Turtle and TriG, streamed: prefixed names, one block per run of quads sharing a
subject (and graph), one ``graph { ... }`` per run of named-graph quads.

The triples of one subject or graph may come in several blocks, as both formats
allow; nothing is kept but the block being written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TextIO

from rdflib import RDF, Literal, URIRef

from eikg.graph.rdf import PREFIXES, Quad, split_iri
from eikg.graph.rdf_lines import term_text

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
    prefix, local = split_iri(iri)
    if local and _LOCAL.fullmatch(local) and not local.endswith("."):
        return f"{prefix}:{local}"
    return f"<{iri}>"


def _ttl_predicate(term: URIRef) -> str:
    return "a" if term == RDF.type else _ttl_iri(str(term))


def _ttl_term(term: URIRef | Literal) -> str:
    return term_text(term, _ttl_iri)


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
