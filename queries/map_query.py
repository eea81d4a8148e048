"""What a map shows, read from Neo4j: the projection, a focus, and the evidence.

``project.to_networkx`` gives the filtered graph (types, relations, date
window) without the text; once the map is cut down to what will be drawn
(focused, size-checked), ``add_evidence`` reads the evidence sentences,
HOLDS_POSITION titles, event dates and the articles' titles and dates for just
those nodes and edges, in batches. ``write_graph_map`` is the one call behind
``eikg map``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx

from eikg.graph.statements import statement
from eikg.queries import analysis, map_html
from eikg.queries.project import Projection, to_networkx

#: Relationships (or keys, or article ids) per read.
BATCH = 5000


def focus_graph(graph: nx.MultiDiGraph, name: str, depth: int = 1) -> nx.MultiDiGraph:
    """The entities within ``depth`` hops of the one called ``name``, with every
    relationship among them.

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("a", {"name": "A"}), ("b", {"name": "B"}), ("c", {"name": "C"})])
    >>> _ = g.add_edge("a", "b", key="PARTNERS_WITH"); _ = g.add_edge("b", "c", key="VISITED")
    >>> sorted(focus_graph(g, "A", 1))
    ['a', 'b']
    """
    key = analysis.find_node(graph, name)
    keep = [row["key"] for row in analysis.ego(graph, key, depth)]
    focused = graph.subgraph(keep).copy()
    focused.graph.update(graph.graph)
    return focused


def add_evidence(driver: neo4j.Driver, graph: nx.MultiDiGraph, *, database: str | None = None) -> None:
    """Fill in evidence, evidenceSources and title on the edges, date on events and
    ``graph.graph["articles"]`` (id -> title, published) for the evidence's articles."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        edges = [{"head": u, "type": k, "tail": v} for u, v, k in graph.edges(keys=True)]
        sources: set[str] = set()
        for batch in _batches(edges):
            for rec in session.run(statement("map_evidence"), {"edges": batch}):
                attrs = graph.edges[rec["head"], rec["tail"], rec["type"]]
                attrs["evidence"] = list(rec["evidence"])
                attrs["evidenceSources"] = list(rec["evidenceSources"])
                if rec["title"]:
                    attrs["title"] = rec["title"]
                sources.update(map(str, rec["evidenceSources"][: map_html.TOP_EVIDENCE]))
        for batch in _batches(list(graph)):
            for rec in session.run(statement("map_entities"), {"keys": batch}):
                graph.nodes[rec["key"]]["date"] = rec["date"]
        articles = graph.graph.setdefault("articles", {})
        for batch in _batches(sorted(sources)):
            for rec in session.run(statement("map_articles"), {"ids": batch}):
                articles[rec["id"]] = {"title": rec["title"], "published": rec["published"]}


def write_graph_map(
    driver: neo4j.Driver,
    out: str | Path,
    *,
    projection: Projection = Projection(),
    focus: str | None = None,
    depth: int = 1,
    database: str | None = None,
    **options: Any,
) -> map_html.MapSummary:
    """Project, focus, check the size, read the evidence, write the page.

    ``options`` go to ``map_html.map_data`` (color_by, size_by, static_layout, title);
    the focused entity is selected on opening.
    """
    graph = to_networkx(driver, projection, database=database)
    if focus is not None:
        graph = focus_graph(graph, focus, depth)
        options.setdefault("focus", analysis.find_node(graph, focus))
    map_html.check_size(graph)  # before reading any text for a map that cannot be drawn
    add_evidence(driver, graph, database=database)
    options.setdefault("title", map_title(graph, projection, focus, depth))
    return map_html.write_map(graph, out, **options)


def map_title(graph: nx.Graph, projection: Projection, focus: str | None, depth: int) -> str:
    """A heading that says what the map is a map of."""
    parts = ["eikg map"]
    if focus is not None:
        name = graph.nodes[analysis.find_node(graph, focus)].get("name", focus)
        parts.append(f"around {name} ({depth} {'hop' if depth == 1 else 'hops'})")
    if projection.node_types:
        parts.append("types " + ", ".join(projection.node_types))
    if projection.relation_types:
        parts.append("relations " + ", ".join(projection.relation_types))
    if projection.windowed:
        parts.append(f"{projection.since or '…'} to {projection.until or '…'}")
    return " · ".join(parts)


def _batches(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
