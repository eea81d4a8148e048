"""NetworkX analyses of the knowledge graph, as pure functions.

Every function takes the graph that ``eikg.queries.project.to_networkx`` builds:
a ``networkx.MultiDiGraph`` whose nodes are entity keys carrying ``name``,
``type`` (the EntityType string, e.g. ``"COLLEGE"``) and ``aliases``, and whose
edges are keyed by relationship type (``"PARTNERS_WITH"``, ...). Nothing here
touches Neo4j or files; results are plain dataclasses or lists of dicts, so the
CLI can print them as a table, CSV or JSON.

Structural measures (centrality, communities, brokers, ego, path) treat the
graph as undirected and simple: two entities are neighbours when any
relationship joins them, whatever its direction or type.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from eikg.errors import QueryError
from eikg.records import ORGANIZATION_TYPES

ORG_TYPES = frozenset(t.value for t in ORGANIZATION_TYPES)
#: The same, sorted: a projection's node types.
ORG_TYPE_NAMES = tuple(sorted(ORG_TYPES))

#: Above this many nodes, betweenness is estimated from a sample of sources.
BETWEENNESS_EXACT_LIMIT = 2000
#: At most this many source nodes for the betweenness estimate.
BETWEENNESS_SAMPLE = 500
#: Fewer sources on big graphs: about this many node+edge visits in all (seconds of work).
BETWEENNESS_BUDGET = 20_000_000


# --- helpers ----------------------------------------------------------------------------


def simple_view(g: nx.Graph) -> nx.Graph:
    """The undirected simple graph under ``g`` (one edge per neighbouring pair).

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", key="PARTNERS_WITH")
    'PARTNERS_WITH'
    >>> g.add_edge("b", "a", key="VISITED")
    'VISITED'
    >>> simple_view(g).number_of_edges()
    1
    """
    u = nx.Graph()
    u.add_nodes_from(g.nodes(data=True))
    u.add_edges_from((a, b) for a, b in g.edges() if a != b)
    return u


def _label(g: nx.Graph, node: str) -> dict[str, Any]:
    data = g.nodes[node]
    return {"key": node, "name": data.get("name", node), "type": data.get("type", "")}


def find_node(g: nx.Graph, name: str) -> str:
    """The key of the node called ``name`` (its key, name or an alias, any case).

    An exact name beats an alias; several equally good matches, or none, raise
    QueryError (none: with the closest known names).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("college:rbp", name="Riverbend Polytechnic", type="COLLEGE", aliases=["RBP"])
    >>> find_node(g, "rbp")
    'college:rbp'
    """
    if name in g:
        return name
    wanted = name.casefold().strip()
    by_name = [n for n, d in g.nodes(data=True) if str(d.get("name", "")).casefold() == wanted]
    if len(by_name) == 1:
        return by_name[0]
    by_alias = [
        n
        for n, d in g.nodes(data=True)
        if any(str(a).casefold() == wanted for a in d.get("aliases") or ())
    ]
    found = by_name or by_alias
    if len(found) == 1:
        return found[0]
    if found:
        keys = ", ".join(sorted(found)[:5])
        raise QueryError(f"name {name!r} is ambiguous: it matches {keys}; give a key instead")
    raise QueryError(f"no entity named {name!r}" + _suggest(name, _known_names(g)))


def _known_names(g: nx.Graph) -> list[str]:
    names: set[str] = set()
    for _, d in g.nodes(data=True):
        if d.get("name"):
            names.add(str(d["name"]))
        names.update(str(a) for a in d.get("aliases") or ())
    return sorted(names)


def _suggest(name: str, known: Iterable[str]) -> str:
    """'; did you mean ...?' with the closest known names, or '' when none is close."""
    known = list(known)
    lowered = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(name.casefold(), list(lowered), n=3, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + ", ".join(repr(lowered[c]) for c in close) + "?"


# --- centrality -------------------------------------------------------------------------


def pagerank(g: nx.Graph, damping: float = 0.85, tol: float = 1.0e-10, max_iter: int = 500) -> dict:
    """PageRank of the undirected simple view by power iteration (sums to 1).

    Written here with NumPy rather than calling ``nx.pagerank``, which needs
    SciPy (not otherwise an eikg dependency). Isolated nodes spread their rank
    evenly, as in networkx. Stops when the L1 change is below ``n * tol``.

    A star with centre ``c`` and leaves ``x, y, z`` solves
    ``c = 0.15/4 + 0.85 * (x + y + z)`` and ``x = 0.15/4 + 0.85 * c / 3``:

    >>> g = nx.MultiDiGraph([("c", "x"), ("c", "y"), ("c", "z")])
    >>> round(pagerank(g)["c"], 4), round(pagerank(g)["x"], 4)
    (0.4797, 0.1734)
    """
    u = simple_view(g)
    n = u.number_of_nodes()
    if n == 0:
        return {}
    nodes = list(u)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in u.edges()], dtype=np.int64).reshape(-1, 2)
    # Each undirected edge carries rank both ways.
    src = np.concatenate([pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
    degree = np.bincount(src, minlength=n).astype(float)
    dangling = degree == 0
    share = np.divide(1.0, degree, out=np.zeros(n), where=~dangling)
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = np.bincount(dst, weights=(rank * share)[src], minlength=n)
        new = (1.0 - damping) / n + damping * (spread + rank[dangling].sum() / n)
        err = np.abs(new - rank).sum()
        rank = new
        if err < n * tol:
            break
    return {v: float(rank[i]) for i, v in enumerate(nodes)}


def betweenness(
    u: nx.Graph,
    *,
    exact_limit: int = BETWEENNESS_EXACT_LIMIT,
    sample: int = BETWEENNESS_SAMPLE,
    seed: int = 7,
) -> tuple[dict, int | None]:
    """Normalised betweenness of a simple graph, and the number of sampled sources.

    Exact (None sampled) up to ``exact_limit`` nodes; above it, estimated from
    ``sample`` seeded source nodes, fewer on big graphs so the work stays within
    ``BETWEENNESS_BUDGET`` node and edge visits (never fewer than 32).
    """
    n, m = u.number_of_nodes(), u.number_of_edges()
    if n <= exact_limit:
        return nx.betweenness_centrality(u), None
    k = min(n, sample, max(32, BETWEENNESS_BUDGET // max(n + m, 1)))
    if k >= n:
        return nx.betweenness_centrality(u), None
    return nx.betweenness_centrality(u, k=k, seed=seed), k


@dataclass
class Centrality:
    """Per-node scores, best PageRank first, and a note when betweenness was sampled."""

    rows: list[dict[str, Any]]
    betweenness_sampled: int | None = None  # number of sampled sources, None when exact
    note: str = ""


def centrality(
    g: nx.Graph,
    *,
    exact_limit: int = BETWEENNESS_EXACT_LIMIT,
    sample: int = BETWEENNESS_SAMPLE,
    seed: int = 7,
) -> Centrality:
    """Degree (number of distinct neighbours), normalised betweenness and PageRank.

    Betweenness is exact up to ``exact_limit`` nodes; above it, it is estimated
    from ``sample`` source nodes (seeded) and the result says so.

    A path a - b - c: b lies on the one shortest path between a and c.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> c = centrality(g)
    >>> [(r["key"], r["degree"], r["betweenness"]) for r in c.rows][0]
    ('b', 2, 1.0)
    >>> c.betweenness_sampled is None
    True
    """
    u = simple_view(g)
    n = u.number_of_nodes()
    between, sampled = betweenness(u, exact_limit=exact_limit, sample=sample, seed=seed)
    note = ""
    if sampled is not None:
        note = f"betweenness estimated from {sampled} of {n} nodes as sources (sampled, seed {seed})"
    pr = pagerank(g)
    rows = [
        {
            **_label(u, v),
            "degree": u.degree(v),
            "betweenness": between.get(v, 0.0),
            "pagerank": pr.get(v, 0.0),
        }
        for v in u
    ]
    rows.sort(key=lambda r: (-r["pagerank"], -r["degree"], r["name"]))
    return Centrality(rows=rows, betweenness_sampled=sampled, note=note)


# --- communities ------------------------------------------------------------------------


@dataclass
class Communities:
    """Louvain communities (largest first) and the modularity of that partition."""

    communities: list[set[str]]
    modularity: float

    def membership(self) -> dict[str, int]:
        """node -> index of its community."""
        return {v: i for i, c in enumerate(self.communities) for v in c}

    def rows(self, g: nx.Graph) -> list[dict[str, Any]]:
        """One row per node: its community, with the community's size."""
        out = []
        for i, c in enumerate(self.communities):
            for v in sorted(c, key=lambda v: g.nodes[v].get("name", v)):
                out.append({"community": i, "size": len(c), **_label(g, v)})
        return out


def communities(g: nx.Graph, *, seed: int = 7, resolution: float = 1.0) -> Communities:
    """Louvain communities of the undirected simple view, seeded so runs repeat.

    Two triangles joined by one edge split into the two triangles; with
    m = 7 edges, each side has 3 internal edges and degree sum 7, so
    Q = 2 * (3/7 - (7/14)**2) = 0.3571.

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"),
    ...                      ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d")])
    >>> result = communities(g)
    >>> sorted(sorted(c) for c in result.communities), round(result.modularity, 4)
    ([['a', 'b', 'c'], ['d', 'e', 'f']], 0.3571)
    """
    u = simple_view(g)
    if u.number_of_edges() == 0:
        parts = [{v} for v in u]
        return Communities(communities=parts, modularity=0.0)
    parts = nx.community.louvain_communities(u, seed=seed, resolution=resolution)
    parts = sorted((set(p) for p in parts), key=lambda p: (-len(p), sorted(p)))
    q = nx.community.modularity(u, parts, resolution=resolution)
    return Communities(communities=parts, modularity=q)


# --- brokers ----------------------------------------------------------------------------


def brokers(
    g: nx.Graph, *, partition: Communities | None = None, seed: int = 7, with_betweenness: bool = True
) -> list[dict]:
    """Organisations that bridge colleges and enterprises, or communities.

    ``brokered_pairs`` counts (college, enterprise) pairs among an organisation's
    neighbours that are not themselves directly linked: connections that run
    through it. ``communities_bridged`` counts the Louvain communities other than
    its own among its neighbours. Organisations scoring zero on both are left out.
    ``betweenness`` is added unless ``with_betweenness`` is false (it costs the most).

    The agency ``gov`` links college ``c1`` with enterprises ``e1`` and ``e2``;
    ``c1`` and ``e1`` already partner, so only (c1, e2) is brokered:

    >>> g = nx.MultiDiGraph()
    >>> for k, t in [("gov", "GOVERNMENT"), ("c1", "COLLEGE"), ("e1", "ENTERPRISE"), ("e2", "ENTERPRISE")]:
    ...     g.add_node(k, name=k, type=t)
    >>> g.add_edges_from([("gov", "c1"), ("gov", "e1"), ("gov", "e2"), ("c1", "e1")])
    [0, 0, 0, 0]
    >>> [(r["key"], r["brokered_pairs"]) for r in brokers(g)][0]
    ('gov', 1)
    """
    u = simple_view(g)
    part = partition or communities(g, seed=seed)
    member = part.membership()
    rows = []
    for v, data in u.nodes(data=True):
        if data.get("type") not in ORG_TYPES:
            continue
        nbrs = set(u.adj[v])
        colleges = [w for w in nbrs if u.nodes[w].get("type") == "COLLEGE"]
        enterprises = [w for w in nbrs if u.nodes[w].get("type") == "ENTERPRISE"]
        pairs = sum(1 for c in colleges for e in enterprises if not u.has_edge(c, e))
        bridged = {member[w] for w in nbrs if w in member} - {member.get(v)}
        if pairs == 0 and not bridged:
            continue
        rows.append(
            {
                **_label(u, v),
                "colleges": len(colleges),
                "enterprises": len(enterprises),
                "brokered_pairs": pairs,
                "communities_bridged": len(bridged),
                "betweenness": 0.0,
            }
        )
    if rows and with_betweenness:
        between, _ = betweenness(u, seed=seed)
        for r in rows:
            r["betweenness"] = between[r["key"]]
    rows.sort(key=lambda r: (-r["brokered_pairs"], -r["communities_bridged"], r["name"]))
    return rows


# --- ego and path -----------------------------------------------------------------------


def ego(g: nx.Graph, key: str, depth: int = 1) -> list[dict[str, Any]]:
    """Every node within ``depth`` hops of ``key`` (either direction), nearest first.

    >>> g = nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    >>> [(r["key"], r["distance"]) for r in ego(g, "a", depth=2)]
    [('a', 0), ('b', 1), ('c', 2)]
    """
    if key not in g:
        raise QueryError(f"no entity with key {key!r} in the projected graph")
    if depth < 0:
        raise QueryError(f"depth must be 0 or more, got {depth}")
    dist = nx.single_source_shortest_path_length(simple_view(g), key, cutoff=depth)
    rows = [{**_label(g, v), "distance": d} for v, d in dist.items()]
    rows.sort(key=lambda r: (r["distance"], r["name"]))
    return rows


def path(g: nx.Graph, source: str, target: str) -> list[dict[str, Any]]:
    """A shortest chain of relationships from ``source`` to ``target``.

    One row per step: the node, and the relationship(s) that lead to the next
    node written as ``-[TYPE]->`` or ``<-[TYPE]-`` to keep their direction.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", key="PARTNERS_WITH")
    'PARTNERS_WITH'
    >>> g.add_edge("c", "b", key="MEMBER_OF")
    'MEMBER_OF'
    >>> [(r["key"], r["next"]) for r in path(g, "a", "c")]
    [('a', '-[PARTNERS_WITH]->'), ('b', '<-[MEMBER_OF]-'), ('c', '')]
    """
    for k in (source, target):
        if k not in g:
            raise QueryError(f"no entity with key {k!r} in the projected graph")
    try:
        nodes = nx.shortest_path(simple_view(g), source, target)
    except nx.NetworkXNoPath:
        raise QueryError(f"no connection between {source!r} and {target!r}") from None
    rows = []
    for i, v in enumerate(nodes):
        step = ""
        if i + 1 < len(nodes):
            w = nodes[i + 1]
            parts = [f"-[{t}]->" for t in _edge_types(g, v, w)]
            parts += [f"<-[{t}]-" for t in _edge_types(g, w, v)]
            step = " ".join(parts)
        rows.append({"step": i, **_label(g, v), "next": step})
    return rows


def _edge_types(g: nx.Graph, a: str, b: str) -> list[str]:
    if not g.has_edge(a, b):
        return []
    if g.is_multigraph():
        return sorted(str(k) for k in g[a][b])
    return [str(g[a][b].get("type", "RELATED"))]


# --- recommendation ---------------------------------------------------------------------

_PARTNER = {"PARTNERS_WITH"}
_ALLIANCE = {"MEMBER_OF", "LEADS"}
_EVENT = {"ORGANIZED", "PARTICIPATED_IN"}


def _contexts(g: nx.MultiDiGraph, v: str) -> dict[str, set[str]]:
    """What an organisation shares with others: partners, alliances, events."""
    out: dict[str, set[str]] = {"partners": set(), "alliances": set(), "events": set()}
    for _, w, t in g.out_edges(v, keys=True):
        if t in _PARTNER:
            out["partners"].add(w)
        elif t in _ALLIANCE:
            out["alliances"].add(w)
        elif t in _EVENT:
            out["events"].add(w)
    for w, _, t in g.in_edges(v, keys=True):
        if t in _PARTNER:
            out["partners"].add(w)
    return out


@dataclass
class Recommendation:
    key: str
    name: str
    type: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "type": self.type,
            "score": round(self.score, 4),
            "reasons": "; ".join(self.reasons),
        }


def recommend(g: nx.MultiDiGraph, key: str, limit: int = 10) -> list[Recommendation]:
    """Likely new partners of ``key``: organisations it does not partner with yet.

    Link prediction in the Adamic-Adar manner: every partner, alliance or event
    the two share adds ``1 / log(degree)`` of that shared node (a small alliance
    says more than a huge one); the reasons name what is shared.

    ``a`` partners with ``b``; so does ``c``. ``a`` and ``d`` are members of
    alliance ``al``. Both shared nodes have degree 2, so both score 1/ln 2:

    >>> g = nx.MultiDiGraph()
    >>> for k, t in [("a", "COLLEGE"), ("b", "ENTERPRISE"), ("c", "COLLEGE"),
    ...              ("d", "ENTERPRISE"), ("al", "ALLIANCE")]:
    ...     g.add_node(k, name=k, type=t)
    >>> for h, t, r in [("a", "b", "PARTNERS_WITH"), ("b", "c", "PARTNERS_WITH"),
    ...                 ("a", "al", "MEMBER_OF"), ("d", "al", "MEMBER_OF")]:
    ...     _ = g.add_edge(h, t, key=r)
    >>> [(r.key, round(r.score, 3), r.reasons) for r in recommend(g, "a")]
    [('c', 1.443, ['shared partners: b']), ('d', 1.443, ['shared alliances: al'])]
    """
    if key not in g:
        raise QueryError(f"no entity with key {key!r} in the projected graph")
    if not g.is_multigraph() or not g.is_directed():
        raise QueryError("recommend needs the projected MultiDiGraph (typed, directed edges)")
    u = simple_view(g)
    mine = _contexts(g, key)
    # Candidates: organisations reachable through one of my partners, alliances, events.
    candidates: set[str] = set()
    for kind, nodes in mine.items():
        for z in nodes:
            candidates.update(u.adj[z])
    candidates -= {key}
    candidates -= mine["partners"]
    recs = []
    for c in candidates:
        if g.nodes[c].get("type") not in ORG_TYPES:
            continue
        theirs = _contexts(g, c)
        score = 0.0
        reasons = []
        for kind in ("partners", "alliances", "events"):
            shared = mine[kind] & theirs[kind]
            if not shared:
                continue
            score += sum(1.0 / math.log(max(u.degree(z), 2)) for z in shared)
            names = sorted(g.nodes[z].get("name", z) for z in shared)
            reasons.append(f"shared {kind}: " + ", ".join(names))
        if score > 0:
            lab = _label(g, c)
            recs.append(Recommendation(c, lab["name"], lab["type"], score, reasons))
    recs.sort(key=lambda r: (-r.score, r.name))
    return recs[:limit]

