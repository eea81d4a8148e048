"""GraphML, GEXF and CSV files of the graph, for Gephi, yEd and spreadsheets.

Input is the NetworkX projection (``eikg.queries.project.to_networkx``). Nodes
carry ``name``, ``type``, ``aliases`` (joined with "; ") and the scores of
``eikg.queries.analysis`` (``degree``, ``betweenness``, ``pagerank``,
``community``); edges carry ``type`` (the relationship type), ``articles``,
``firstSeen`` and ``lastSeen``. Attributes that are missing are left out
rather than written empty, since GraphML and GEXF type every attribute.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import networkx as nx

from eikg.errors import InputError
from eikg.queries import analysis

FORMATS = ("graphml", "gexf", "csv")
NODE_COLUMNS = ("key", "name", "type", "aliases", "degree", "betweenness", "pagerank", "community")
EDGE_COLUMNS = ("source", "target", "type", "articles", "firstSeen", "lastSeen")


def with_scores(g: nx.MultiDiGraph, *, seed: int = 7) -> tuple[nx.MultiDiGraph, str]:
    """A flat copy of ``g`` with scores on the nodes, and the centrality note (or '').

    Flat means file-ready: lists joined with "; ", None values dropped, and each
    edge's relationship type also stored as its ``type`` attribute.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", name="A", type="COLLEGE", aliases=["AA", "A1"])
    >>> g.add_node("b", name="B", type="ENTERPRISE", aliases=[])
    >>> g.add_edge("a", "b", key="PARTNERS_WITH", articles=2, firstSeen=None)
    'PARTNERS_WITH'
    >>> flat, note = with_scores(g)
    >>> flat.nodes["a"]["aliases"], flat.nodes["a"]["degree"], flat.edges["a", "b", "PARTNERS_WITH"]
    ('AA; A1', 1, {'articles': 2, 'type': 'PARTNERS_WITH'})
    """
    cent = analysis.centrality(g, seed=seed)
    parts = analysis.communities(g, seed=seed).membership()
    scores = {r["key"]: r for r in cent.rows}
    flat = nx.MultiDiGraph()
    for v, data in g.nodes(data=True):
        attrs = _flat(data)
        s = scores.get(v, {})
        attrs.update(
            degree=int(s.get("degree", 0)),
            betweenness=float(s.get("betweenness", 0.0)),
            pagerank=float(s.get("pagerank", 0.0)),
            community=int(parts.get(v, -1)),
        )
        flat.add_node(v, **attrs)
    for a, b, k, data in g.edges(keys=True, data=True):
        flat.add_edge(a, b, key=k, **_flat(data), type=str(k))
    return flat, cent.note


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in data.items():
        if v is None:
            continue
        if isinstance(v, list | tuple | set):
            v = "; ".join(str(x) for x in v)
        out[k] = v
    return out


def unique_edge_ids(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose edge keys are unique ids (``e0``, ``e1``, ...).

    The projection keys edges by relationship type, and GraphML and GEXF write
    the key as the edge's id, which must be unique; the type stays in ``type``.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", key="PARTNERS_WITH", type="PARTNERS_WITH")
    >>> _ = g.add_edge("b", "c", key="PARTNERS_WITH", type="PARTNERS_WITH")
    >>> sorted(unique_edge_ids(g).edges(keys=True))
    [('a', 'b', 'e0'), ('b', 'c', 'e1')]
    """
    out = nx.MultiDiGraph()
    out.graph.update(g.graph)
    out.add_nodes_from(g.nodes(data=True))
    for i, (a, b, data) in enumerate(g.edges(data=True)):
        out.add_edge(a, b, key=f"e{i}", **data)
    return out


def write_graphml(g: nx.MultiDiGraph, path: Path) -> list[Path]:
    nx.write_graphml(unique_edge_ids(g), path)
    return [path]


def write_gexf(g: nx.MultiDiGraph, path: Path) -> list[Path]:
    # GEXF shows 'label' in Gephi; keep 'name' too for symmetry with the other files.
    labelled = unique_edge_ids(g)
    for v, data in labelled.nodes(data=True):
        data["label"] = data.get("name", v)
    for _, _, data in labelled.edges(data=True):
        data["label"] = str(data.get("type", ""))
    nx.write_gexf(labelled, path)
    return [path]


def write_csv(g: nx.MultiDiGraph, directory: Path) -> list[Path]:
    """``nodes.csv`` and ``edges.csv`` in ``directory`` (created when missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    nodes_path = directory / "nodes.csv"
    edges_path = directory / "edges.csv"
    with nodes_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(NODE_COLUMNS)
        for v, data in sorted(g.nodes(data=True)):
            w.writerow([v, *(data.get(c, "") for c in NODE_COLUMNS[1:])])
    with edges_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(EDGE_COLUMNS)
        for a, b, k, data in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
            w.writerow([a, b, k, *(data.get(c, "") for c in EDGE_COLUMNS[3:])])
    return [nodes_path, edges_path]


def write_graph(g: nx.MultiDiGraph, fmt: str, out: Path) -> tuple[list[Path], str]:
    """Score ``g`` and write it as ``fmt`` to ``out`` (a directory for csv).

    Returns the files written and the centrality note ('' unless betweenness was sampled).
    """
    fmt = fmt.lower()
    writers = {"graphml": write_graphml, "gexf": write_gexf, "csv": write_csv}
    if fmt not in writers:
        raise InputError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    flat, note = with_scores(g)
    try:
        return writers[fmt](flat, out), note
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror}") from None
