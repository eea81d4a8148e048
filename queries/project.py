"""Projection of the Neo4j graph into NetworkX, for the analyses in ``analysis.py``.

Two parameterised read queries stream the entities and the relationships; the
filters (entity types, relation types, date window) are parameters, never
spliced text. The result is a ``networkx.MultiDiGraph``: nodes are entity keys
with ``name``, ``type`` and ``aliases``; edges are keyed by relationship type
with ``articles`` (number of sources), ``firstSeen`` and ``lastSeen``.
Articles and MENTIONS are not projected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import neo4j
import networkx as nx

from eikg.errors import QueryError
from eikg.graph.statements import keyset_pages, statement
from eikg.records import EntityType, RelationType


@dataclass(frozen=True)
class Projection:
    """What to project. Empty tuples mean everything; dates are ISO yyyy-mm-dd.

    A relationship is kept when its [firstSeen, lastSeen] span overlaps the
    window; relationships without dates are dropped once a window is given, and
    so are the entities left without any relationship.
    """

    node_types: tuple[str, ...] = ()
    relation_types: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None

    @classmethod
    def parse(
        cls,
        node_types: Iterable[str] | None = None,
        relation_types: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Projection:
        """Check user input (any case, comma lists allowed); QueryError names a bad value."""
        nodes = _closed(node_types, EntityType, "entity type")
        rels = _closed(relation_types, RelationType, "relation type")
        for label, value in (("--since", since), ("--until", until)):
            if value is not None:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise QueryError(f"{label} must be a date yyyy-mm-dd, got {value!r}") from None
        if since and until and since > until:
            raise QueryError(f"--since {since} is after --until {until}")
        return cls(nodes, rels, since, until)

    @property
    def windowed(self) -> bool:
        return self.since is not None or self.until is not None


def _closed(values: Iterable[str] | None, enum: type, what: str) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        for part in str(value).split(","):
            part = part.strip().upper().replace("-", "_")
            if not part:
                continue
            if part not in enum.__members__:
                known = ", ".join(enum.__members__)
                raise QueryError(f"unknown {what} {part!r}: use one of {known}")
            out.append(part)
    return tuple(dict.fromkeys(out))


#: Entities (or heads of relationships) per page of the projection queries.
PAGE_SIZE = 5000


def to_networkx(
    driver: neo4j.Driver,
    projection: Projection = Projection(),
    *,
    database: str | None = None,
    page: int = PAGE_SIZE,
) -> nx.MultiDiGraph:
    """Stream the selected part of the graph into a MultiDiGraph.

    Entities, then the relationships leaving them, are read in keyset pages of
    ``page`` entities (one record each), so the server never holds more than a
    page however large the graph.
    """
    g = nx.MultiDiGraph()
    types = list(projection.node_types) or None
    relations = list(projection.relation_types) or [t.value for t in RelationType]
    params = {
        "types": types,
        "relations": relations,
        "since": projection.since,
        "until": projection.until,
        "size": page,
    }
    add_edge = g.add_edge  # add_edges_from goes through views per edge: slower
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        for chunk in keyset_pages(session, statement("project_nodes"), params):
            g.add_nodes_from(
                (key, {"name": name, "type": kind, "aliases": list(aliases)})
                for key, name, kind, aliases in chunk
            )
        for chunk in keyset_pages(session, statement("project_edges"), params):
            for head, rel, tail, n, first, last in chunk:
                add_edge(head, tail, key=rel, articles=n, firstSeen=first, lastSeen=last)
    if projection.windowed:
        g.remove_nodes_from([v for v in list(g) if g.degree(v) == 0])
    return g
