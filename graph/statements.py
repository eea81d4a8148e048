"""eikg's own Cypher statements, read from ``graph/cypher/*.cypher``, and keyset paging.

Every statement eikg runs for itself (loads, schema, counts, exports, projections,
lookups) lives there, one per file, read through :func:`statement`; the named
queries a user runs live in ``queries/`` and are read by :mod:`eikg.queries.runner`.

Each file starts with a ``//`` header: what it does, a ``// param NAME: ...`` line
per parameter and a ``// columns: ...`` line (``none`` for writes and schema).
Values are always parameters; the only text spliced in is a label, relationship
type or property name, and only after :mod:`eikg.graph.ontology` has checked it
against the ontology's closed vocabulary (placeholders ``__LABELS__``,
``__TYPE__``, ``__LABEL__``, ``__PROPERTY__``, ``__NAME__``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import neo4j

from eikg.errors import EikgError

_PLACEHOLDER = re.compile(r"__[A-Z]+__")
_IDENTIFIER = re.compile(r"^:?[A-Za-z][A-Za-z0-9_]*(:[A-Za-z][A-Za-z0-9_]*)*$")


@cache
def read_statement(name: str) -> str:
    """The text of ``graph/cypher/NAME.cypher``."""
    path = resources.files("eikg.graph").joinpath("cypher", f"{name}.cypher")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EikgError(f"no Cypher statement {name!r} in eikg/graph/cypher") from None


def statement(file: str, /, **names: str) -> str:
    """``read_statement(file)`` with each ``__KEY__`` replaced by ``names[key]``.

    The caller passes names already checked against the ontology; this refuses
    anything that is not a plain identifier (or a ``:A:B`` label expression), and
    any placeholder left unfilled.
    """
    text = read_statement(file)
    for key, value in names.items():
        if not _IDENTIFIER.match(value):
            raise EikgError(f"refusing to splice {value!r} into Cypher statement {file!r}")
        text = text.replace(f"__{key.upper()}__", value)
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    left = _PLACEHOLDER.findall(body)
    if left:
        raise EikgError(f"Cypher statement {file!r} has unfilled placeholders {sorted(set(left))}")
    return text


def keyset_pages(session: neo4j.Session, text: str, params: dict[str, Any]) -> Iterator[list]:
    """The ``chunk`` of every page of a keyset-paged statement.

    Such a statement takes ``$after`` (the last key of the page before; '' for the
    first) and returns one record per page, ``last`` and ``chunk``, or none after
    the last page: an index seek per page keeps the server and this process to one
    page however large the graph, and one record per page streams far faster
    through the Python driver than one per row.
    """
    after = ""
    while True:
        record = session.run(text, params, after=after).single()
        if record is None:
            return
        yield record["chunk"]
        after = record["last"]
