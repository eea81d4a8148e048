"""Runs a named analysis (``eikg analyze``): project the graph, run it, optionally write scores back.

As ``runner.py`` runs the named Cypher queries, this module runs the named
NetworkX analyses: the analyses themselves are the pure functions of
``analysis.py``; this module only wires them to a projection and shapes their
results as rows.
"""

from __future__ import annotations

from typing import Any

import neo4j
import networkx as nx

from eikg.errors import QueryError
from eikg.graph.statements import statement
from eikg.queries import analysis
from eikg.queries.project import Projection, to_networkx
from eikg.queries.runner import QueryResult

ANALYSES = ("centrality", "communities", "brokers", "ego", "path", "recommend")

#: Score columns written back as node properties, by analysis (column -> property).
WRITE_BACK = {
    "centrality": {"degree": "degree", "betweenness": "betweenness", "pagerank": "pagerank"},
    "communities": {"community": "community"},
    "brokers": {"brokered_pairs": "brokeredPairs", "communities_bridged": "communitiesBridged"},
}


def run_analysis(g: nx.MultiDiGraph, name: str, **args: Any) -> QueryResult:
    """One analysis of ``g`` as rows. ``args``: ``entity``/``depth`` (ego),
    ``source``/``target`` (path), ``entity``/``limit`` (recommend), ``seed``."""
    seed = args.get("seed", 7)
    if name == "centrality":
        c = analysis.centrality(g, seed=seed)
        cols = ["key", "name", "type", "degree", "betweenness", "pagerank"]
        return QueryResult(cols, c.rows, [c.note] if c.note else [])
    if name == "communities":
        parts = analysis.communities(g, seed=seed)
        cols = ["community", "size", "key", "name", "type"]
        notes = [f"{len(parts.communities)} communities, modularity {parts.modularity:.4f}"]
        return QueryResult(cols, parts.rows(g), notes)
    if name == "brokers":
        rows = analysis.brokers(g, seed=seed)
        cols = ["key", "name", "type", "colleges", "enterprises", "brokered_pairs",
                "communities_bridged", "betweenness"]
        notes = []
        if g.number_of_nodes() > analysis.BETWEENNESS_EXACT_LIMIT:
            notes.append("betweenness estimated from sampled sources (graph above "
                         f"{analysis.BETWEENNESS_EXACT_LIMIT} nodes)")
        return QueryResult(cols, rows, notes)
    if name == "ego":
        key = analysis.find_node(g, args["entity"])
        rows = analysis.ego(g, key, depth=args.get("depth", 1))
        return QueryResult(["distance", "key", "name", "type"], rows)
    if name == "path":
        a = analysis.find_node(g, args["source"])
        b = analysis.find_node(g, args["target"])
        rows = analysis.path(g, a, b)
        return QueryResult(["step", "key", "name", "type", "next"], rows)
    if name == "recommend":
        key = analysis.find_node(g, args["entity"])
        recs = analysis.recommend(g, key, limit=args.get("limit", 10))
        notes = [] if recs else [
            f"no suggestion: {key} shares no partner, alliance or event with an organisation "
            "it does not already partner with"
        ]
        return QueryResult(["key", "name", "type", "score", "reasons"], [r.row() for r in recs], notes)
    raise QueryError(f"unknown analysis {name!r}: use one of {', '.join(ANALYSES)}")


def write_back(driver: neo4j.Driver, name: str, result: QueryResult, *,
               database: str | None = None) -> int:
    """Store the scores of ``result`` as node properties; returns nodes updated."""
    if name not in WRITE_BACK:
        raise QueryError(f"--write-back works with {', '.join(WRITE_BACK)}, not {name!r}")
    props = WRITE_BACK[name]
    rows = [{"key": r["key"], "props": {p: r[c] for c, p in props.items()}} for r in result.rows]
    updated = 0
    with driver.session(database=database) as session:
        for start in range(0, len(rows), 5000):
            batch = rows[start : start + 5000]
            updated += session.execute_write(
                lambda tx, b=batch: tx.run(statement("write_scores"), rows=b).single()["updated"]
            )
    return updated


def analyze(
    driver: neo4j.Driver,
    name: str,
    projection: Projection = Projection(),
    *,
    database: str | None = None,
    write: bool = False,
    **args: Any,
) -> QueryResult:
    """Project the graph, run analysis ``name`` and, with ``write``, store its scores."""
    if name not in ANALYSES:
        raise QueryError(f"unknown analysis {name!r}: use one of {', '.join(ANALYSES)}")
    if write and name not in WRITE_BACK:
        raise QueryError(f"--write-back works with {', '.join(WRITE_BACK)}, not {name!r}")
    g = to_networkx(driver, projection, database=database)
    result = run_analysis(g, name, **args)
    result.notes.insert(0, f"projected {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships")
    if write:
        n = write_back(driver, name, result, database=database)
        result.notes.append(f"wrote {', '.join(WRITE_BACK[name].values())} on {n} nodes")
    return result
