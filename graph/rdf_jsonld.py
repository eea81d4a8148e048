"""JSON-LD, streamed: the exports' prefixes as the context, a node object per run of
quads sharing a subject, a graph object per run of named-graph quads.

Objects naming the same node or graph add up, as JSON-LD defines, so nothing is
kept but the run being written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, TextIO

from rdflib import RDF, Literal, URIRef

from eikg.graph.rdf import PREFIXES, Quad, split_iri

@lru_cache(maxsize=4096)  # bounded: predicates, classes and popular entities repeat
def _json_ld_iri(iri: str) -> str:
    """An IRI as a compact IRI under the context's prefixes (any local part will do
    in JSON, none begins with ``//``), else as it is.

    >>> _json_ld_iri("https://w3id.org/eikg/id/article/a~1")
    'art:a~1'
    """
    prefix, local = split_iri(iri)
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
