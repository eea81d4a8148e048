"""N-Triples and N-Quads, streamed: one line per quad as it comes.

rdflib's serialisers hold the whole graph; these keep nothing but the line being
written, so an export's memory does not grow with the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO

from rdflib import Literal, URIRef

from eikg.graph.rdf import Quad

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def term_text(term: URIRef | Literal, iri: Callable[[str], str]) -> str:
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
    return term_text(term, _nt_iri)


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
