"""Interactive network maps: a NetworkX graph -> one self-contained HTML file.

The only HTML writer in eikg. The page carries everything inline (the
vis-network library shipped inside the pyvis package, its CSS, our own script
and the graph as JSON), so it opens offline from ``file://`` and fetches
nothing.

What the graph must look like (the shape ``queries/project.py`` produces):

* nodes are entity keys, with attributes ``name``, ``type`` (an EntityType
  string), ``aliases`` (list) and optionally ``positions`` (list of strings,
  "title, organisation"), ``community`` (int) and precomputed scores named
  ``degree`` / ``betweenness`` / ``pagerank``;
* edges carry ``type`` (a RelationType string), ``evidence`` (sentences) and
  ``evidenceSources`` (the article id of each sentence), optionally ``title``
  (HOLDS_POSITION), ``firstSeen`` / ``lastSeen``; an evidence item may also be a
  mapping ``{"sentence", "title", "date"}``;
* ``graph.graph["articles"]`` maps an article id to ``{"title", "published"}``
  so evidence can name its article.

Untrusted text: names and evidence come from news articles. They reach the page
only inside a JSON block whose ``<``, ``>`` and ``&`` are escaped, are read with
``JSON.parse`` and are shown with ``textContent`` or drawn on the canvas: no
article text is ever parsed as HTML.

Scale: up to ``PHYSICS_MAX_NODES`` nodes the browser runs the physics layout;
above that (or with ``static_layout``) positions are computed here and physics
is off; over ``MAX_NODES`` the map is refused. Building the page is linear in
the number of nodes and edges (pyvis's ``Network.add_edge`` is not used: it
scans every edge on each call).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from eikg.errors import InputError
from eikg.queries import analysis
from eikg.records import SYMMETRIC_RELATIONS, EntityType, RelationType

#: Above this many nodes the layout is computed in Python and physics is off.
PHYSICS_MAX_NODES = 1500
#: Maps bigger than this are refused: the browser would not stay usable.
MAX_NODES = 10_000
MAX_EDGES = 60_000
#: Evidence sentences shown per relation in a tooltip.
TOP_EVIDENCE = 3

SIZE_MEASURES = ("degree", "betweenness", "pagerank", "partners")
COLOR_MODES = ("type", "community")

TYPE_COLORS: dict[str, str] = {
    EntityType.PERSON.value: "#e15759",
    EntityType.COLLEGE.value: "#4e79a7",
    EntityType.ENTERPRISE.value: "#f28e2b",
    EntityType.ALLIANCE.value: "#59a14f",
    EntityType.GOVERNMENT.value: "#b07aa1",
    EntityType.ORGANIZATION.value: "#76b7b2",
    EntityType.EVENT.value: "#edc948",
    EntityType.PLACE.value: "#9c755f",
    EntityType.PLATFORM.value: "#ff9da7",
    EntityType.POLICY.value: "#bab0ac",
}
UNKNOWN_TYPE_COLOR = "#7f7f7f"

RELATION_COLORS: dict[str, str] = {
    RelationType.HOLDS_POSITION.value: "#d62728",
    RelationType.PARTNERS_WITH.value: "#1f77b4",
    RelationType.MEMBER_OF.value: "#2ca02c",
    RelationType.LEADS.value: "#17becf",
    RelationType.ORGANIZED.value: "#ff7f0e",
    RelationType.PARTICIPATED_IN.value: "#bcbd22",
    RelationType.LOCATED_IN.value: "#8c564b",
    RelationType.VISITED.value: "#9467bd",
    RelationType.PART_OF.value: "#7f7f7f",
}

#: Colours for communities, cycled (the legend names the largest ones).
COMMUNITY_COLORS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
    "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79",
)  # fmt: skip

MIN_NODE_SIZE = 8.0
MAX_NODE_SIZE = 40.0
#: Pixels per unit of the Python layout (about one edge length).
LAYOUT_SCALE = 120.0


@dataclass(frozen=True)
class MapSummary:
    """What ``write_map`` wrote."""

    path: Path
    nodes: int
    edges: int
    physics: bool
    bytes: int


def write_map(
    graph: nx.Graph,
    path: str | Path,
    *,
    extra: Mapping[str, Any] | None = None,
    scripts: tuple[str, ...] = (),
    **options: Any,
) -> MapSummary:
    """Render ``graph`` to one self-contained HTML file at ``path``.

    ``options`` are those of ``map_data`` (title, color_by, size_by, static_layout);
    ``extra`` adds fields to the page's data and ``scripts`` names script files of
    this package run after the map's own (a view's additions, e.g. a side panel).
    """
    data = map_data(graph, **options)
    data.update(extra or {})
    page = render_page(data, scripts)
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write map {out}: {exc.strerror or exc}") from exc
    return MapSummary(
        out, len(data["nodes"]), len(data["edges"]), data["physics"], len(page.encode())
    )


def build_html(graph: nx.Graph, **options: Any) -> str:
    """The page as a string; ``options`` as for ``map_data``."""
    return render_page(map_data(graph, **options))


def check_size(graph: nx.Graph) -> None:
    """Refuse maps too big for a browser, with a hint to focus or filter."""
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    if n > MAX_NODES or m > MAX_EDGES:
        raise InputError(
            f"map too large: {n} nodes and {m} relations (limit {MAX_NODES} nodes, "
            f"{MAX_EDGES} relations); narrow it with --focus NAME --depth N, "
            "--types, --relations or --since/--until"
        )


def map_data(
    graph: nx.Graph,
    *,
    title: str = "eikg map",
    color_by: str = "type",
    size_by: str = "degree",
    static_layout: bool = False,
    focus: Any = None,
) -> dict[str, Any]:
    """The JSON object the page reads: nodes, edges, articles, legend and options.

    ``focus`` (a node of ``graph``) is selected, its neighbours highlighted, on opening.
    """
    if color_by not in COLOR_MODES:
        raise InputError(f"unknown colour mode {color_by!r} (use one of {', '.join(COLOR_MODES)})")
    if size_by not in SIZE_MEASURES:
        raise InputError(f"unknown size measure {size_by!r} (use one of {', '.join(SIZE_MEASURES)})")
    check_size(graph)
    physics = not static_layout and graph.number_of_nodes() <= PHYSICS_MAX_NODES

    nodes = list(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    scores = node_scores(graph, size_by)
    sizes = scale_sizes(scores, nodes)
    positions = layout_positions(graph)
    # Centre on the origin: vis-network's central gravity pulls towards (0, 0),
    # so an off-centre layout would drift out of view while physics runs.
    if positions:
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        positions = {n: (x - cx, y - cy) for n, (x, y) in positions.items()}
    communities = node_communities(graph) if color_by == "community" else {}

    articles = _ArticleTable(graph.graph.get("articles") or {})
    edges_out: list[dict[str, Any]] = []
    held: dict[Any, list[str]] = defaultdict(list)
    holders: dict[Any, list[str]] = defaultdict(list)
    parallel: dict[tuple[int, int], int] = defaultdict(int)
    for u, v, key, attrs in _edges(graph):
        # The projection keys a MultiDiGraph's edges by relationship type.
        rtype = str(attrs.get("type") or (key if isinstance(key, str) else "") or "RELATED")
        a, b = index[u], index[v]
        pair = (min(a, b), max(a, b))
        nth = parallel[pair]
        parallel[pair] += 1
        evidence = [
            [sentence, articles.index(source)]
            for sentence, source in _evidence_items(attrs, articles)[:TOP_EVIDENCE]
        ]
        edge: dict[str, Any] = {
            "from": a,
            "to": b,
            "type": rtype,
            "directed": rtype not in {r.value for r in SYMMETRIC_RELATIONS},
            "evidence": evidence,
            "count": len(attrs.get("evidence") or ()),
        }
        if nth:
            edge["nth"] = nth
        for key in ("title", "firstSeen", "lastSeen"):
            if attrs.get(key):
                edge[key] = str(attrs[key])
        edges_out.append(edge)
        if rtype == RelationType.HOLDS_POSITION.value:
            head_name = _name(graph, u)
            tail_name = _name(graph, v)
            role = str(attrs.get("title") or "position")
            held[u].append(f"{role}, {tail_name}")
            holders[v].append(f"{head_name}, {role}")

    nodes_out: list[dict[str, Any]] = []
    for i, n in enumerate(nodes):
        attrs = graph.nodes[n]
        etype = str(attrs.get("type") or "ENTITY")
        x, y = positions[n]
        node: dict[str, Any] = {
            "id": i,
            "key": str(n),
            "label": _name(graph, n),
            "type": etype,
            "aliases": [str(a) for a in attrs.get("aliases") or ()],
            "positions": [str(p) for p in attrs.get("positions") or held.get(n, ())],
            "holders": holders.get(n, []),
            "score": round(float(scores[n]), 6),
            "size": round(sizes[n], 2),
            "x": round(x * LAYOUT_SCALE, 1),
            "y": round(y * LAYOUT_SCALE, 1),
        }
        if attrs.get("date"):
            node["date"] = str(attrs["date"])
        if communities:
            node["community"] = communities[n]
        nodes_out.append(node)

    return {
        "title": title,
        "physics": physics,
        "colorBy": color_by,
        "sizeBy": size_by,
        "typeColors": TYPE_COLORS | {"": UNKNOWN_TYPE_COLOR},
        "relationColors": RELATION_COLORS,
        "communityColors": list(COMMUNITY_COLORS),
        "nodes": nodes_out,
        "edges": edges_out,
        "articles": articles.rows,
        "focus": index.get(focus) if focus is not None else None,
    }


# --- measures and layout -------------------------------------------------------------


def node_scores(graph: nx.Graph, measure: str) -> dict[Any, float]:
    """The size measure per node: the precomputed attribute when every node has it,
    else the analysis module's measure (the same numbers ``eikg`` reports)."""
    if graph.number_of_nodes() and all(measure in d for _, d in graph.nodes(data=True)):
        return {n: float(d[measure]) for n, d in graph.nodes(data=True)}
    if measure == "degree":
        return {n: float(d) for n, d in analysis.simple_view(graph).degree()}
    if measure == "betweenness":
        return {row["key"]: float(row["betweenness"]) for row in analysis.centrality(graph).rows}
    if measure == "pagerank":
        return analysis.pagerank(graph)
    if measure == "partners":
        # Distinct partners; an alliance's are its members and leaders.
        alliance = EntityType.ALLIANCE.value
        ties = {RelationType.MEMBER_OF.value, RelationType.LEADS.value}
        partners: dict[Any, set[Any]] = {n: set() for n in graph}
        for u, v, key, attrs in _edges(graph):
            rtype = attrs.get("type") or key
            if u == v:
                continue
            if rtype == RelationType.PARTNERS_WITH.value:
                partners[u].add(v)
                partners[v].add(u)
            elif rtype in ties and graph.nodes[v].get("type") == alliance:
                partners[v].add(u)
        return {n: float(len(p)) for n, p in partners.items()}
    raise InputError(f"unknown size measure {measure!r}")


def scale_sizes(scores: Mapping[Any, float], nodes: Iterable[Any]) -> dict[Any, float]:
    """Map scores linearly (by square root, so area tracks the score) to pixel sizes."""
    nodes = list(nodes)
    if not nodes:
        return {}
    roots = {n: math.sqrt(max(scores[n], 0.0)) for n in nodes}
    low, high = min(roots.values()), max(roots.values())
    if high - low < 1e-12:
        return {n: (MIN_NODE_SIZE + MAX_NODE_SIZE) / 4 for n in nodes}
    span = MAX_NODE_SIZE - MIN_NODE_SIZE
    return {n: MIN_NODE_SIZE + span * (roots[n] - low) / (high - low) for n in nodes}


def node_communities(graph: nx.Graph) -> dict[Any, int]:
    """Community per node, numbered by size (0 = largest): the attribute when present."""
    if graph.number_of_nodes() and all("community" in d for _, d in graph.nodes(data=True)):
        groups: dict[Any, list[Any]] = defaultdict(list)
        for n, d in graph.nodes(data=True):
            groups[d["community"]].append(n)
        parts = list(groups.values())
    else:
        parts = [list(c) for c in analysis.communities(graph).communities]
    parts.sort(key=lambda c: (-len(c), str(min(map(str, c)))))
    return {n: i for i, part in enumerate(parts) for n in part}


#: Connected graphs (and Louvain groups) up to this size get an exact force layout.
SPRING_MAX_NODES = 200


def layout_positions(graph: nx.Graph, seed: int = 0) -> dict[Any, tuple[float, float]]:
    """Node positions in layout units (about one edge length), near-linear in size.

    Small connected components get an exact force layout, all at once; large
    ones are split into Louvain groups laid out the same way and then placed
    as a graph of groups. Components are packed in rows, largest first.
    """
    simple = analysis.simple_view(graph)
    components = sorted(
        (sorted(c, key=str) for c in nx.connected_components(simple)), key=len, reverse=True
    )
    rng = np.random.default_rng(seed)
    layouts = _layout_groups(simple, components, rng)

    positions: dict[Any, tuple[float, float]] = {}
    total_area = sum((w + 1) * (h + 1) for w, h in map(_extent, layouts)) or 1.0
    row_width = max(math.sqrt(total_area) * 1.2, max((_extent(p)[0] for p in layouts), default=1))
    x = y = row_height = 0.0
    for members, pos in zip(components, layouts, strict=True):
        w, h = _extent(pos)
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + 1.0, 0.0
        origin = pos.min(axis=0)
        for node, (px, py) in zip(members, pos - origin, strict=True):
            positions[node] = (float(x + px), float(y + py))
        x += w + 1.0
        row_height = max(row_height, h)
    return positions


def _layout_groups(graph: nx.Graph, groups: list[list[Any]], rng: np.random.Generator) -> list[np.ndarray]:
    """A layout for each group of nodes (each one of ``graph``'s induced subgraphs)."""
    small = [i for i, g in enumerate(groups) if len(g) <= SPRING_MAX_NODES]
    out: list[np.ndarray] = [np.zeros((0, 2))] * len(groups)
    edge_lists = []
    for i in small:
        index = {m: j for j, m in enumerate(groups[i])}
        sub = graph.subgraph(groups[i])
        edge_lists.append(np.array([(index[u], index[v]) for u, v in sub.edges()], dtype=np.int64).reshape(-1, 2))
    for i, pos in zip(small, batched_force_layout([len(groups[i]) for i in small], edge_lists, rng), strict=True):
        out[i] = pos
    for i, members in enumerate(groups):
        if len(members) > SPRING_MAX_NODES:
            out[i] = _grouped_layout(graph.subgraph(members), members, rng)
    return out


def _grouped_layout(sub: nx.Graph, members: list[Any], rng: np.random.Generator) -> np.ndarray:
    """Two levels: Louvain groups each laid out on their own, then placed by a
    force layout of the graph of groups, pushed apart so they do not overlap.

    Each level touches every node and edge a bounded number of times, so the
    whole stays near-linear, and related entities end up side by side.
    """
    seed = int(rng.integers(1 << 31))
    parts = [sorted(p, key=str) for p in nx.community.louvain_communities(sub, seed=seed)]
    if len(parts) < 2:
        index = {m: i for i, m in enumerate(members)}
        edges = np.array([(index[u], index[v]) for u, v in sub.edges()], dtype=np.int64)
        return sampled_force_layout(len(members), edges, rng)
    group_of = {m: g for g, part in enumerate(parts) for m in part}
    centred = [pos - pos.mean(axis=0) for pos in _layout_groups(sub, parts, rng)]
    radii = np.array([np.sqrt((pos**2).sum(axis=1)).max() + 0.6 for pos in centred])

    weights: dict[tuple[int, int], int] = defaultdict(int)
    for u, v in sub.edges():
        a, b = group_of[u], group_of[v]
        if a != b:
            weights[min(a, b), max(a, b)] += 1
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(parts)))
    quotient.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    if len(parts) <= 500:
        qpos = nx.spring_layout(quotient, weight="weight", seed=seed)
        centres = np.array([qpos[g] for g in range(len(parts))], dtype=float)
    else:
        edges = np.array(list(weights), dtype=np.int64).reshape(-1, 2)
        centres = sampled_force_layout(len(parts), edges, rng)
    centres = _spread_circles(centres, radii)
    out = np.zeros((len(members), 2))
    index = {m: i for i, m in enumerate(members)}
    for g, part in enumerate(parts):
        out[[index[m] for m in part]] = centred[g] + centres[g]
    return out


def _spread_circles(centres: np.ndarray, radii: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Scale group centres until neighbouring groups about touch, then push
    overlapping groups apart (pairwise over groups, not nodes)."""
    centres = centres - centres.mean(axis=0)
    k = len(centres)
    delta = centres[:, None, :] - centres[None, :, :]
    dist = np.sqrt((delta**2).sum(axis=-1)) + np.eye(k)
    need = (radii[:, None] + radii[None, :]) / dist
    np.fill_diagonal(need, 0)
    centres = centres * float(np.quantile(need.max(axis=1), 0.25))
    for _ in range(rounds):
        delta = centres[:, None, :] - centres[None, :, :]
        dist = np.sqrt((delta**2).sum(axis=-1)) + np.eye(k) * 1e9 + 1e-9
        overlap = radii[:, None] + radii[None, :] + 0.5 - dist
        overlap[overlap < 0] = 0
        if not overlap.any():
            break
        push = (delta / dist[..., None]) * (overlap[..., None] / 2)
        centres = centres + push.sum(axis=1)
    return centres


def batched_force_layout(
    sizes: list[int], edges: list[np.ndarray], rng: np.random.Generator, iterations: int = 60
) -> list[np.ndarray]:
    """Exact Fruchterman-Reingold for many small graphs at once.

    Graphs of similar size share padded arrays, so thousands of small
    components cost a few vectorised steps, not thousands of Python loops.
    ``edges[i]`` holds graph i's edges as rows of local node indices.
    """
    out: list[np.ndarray] = [np.zeros((n, 2)) for n in sizes]
    order = sorted(range(len(sizes)), key=sizes.__getitem__)
    start = 0
    while start < len(order):
        limit = max(2, int(sizes[order[start]] * 1.3))
        stop = start
        while stop < len(order) and sizes[order[stop]] <= limit and (stop - start + 1) * limit**2 <= 4_000_000:
            stop += 1
        stop = max(stop, start + 1)
        batch = order[start:stop]
        start = stop
        width = max(sizes[g] for g in batch)
        if width <= 1:
            continue
        n = np.array([sizes[g] for g in batch], dtype=float)
        mask = (np.arange(width)[None, :] < n[:, None]).astype(float)
        radius = np.sqrt(n)[:, None, None]
        pos = (rng.uniform(-1, 1, size=(len(batch), width, 2)) * radius).astype(np.float32)
        parts = [(np.full(len(edges[g]), b), edges[g][:, 0], edges[g][:, 1]) for b, g in enumerate(batch)]
        eg, ea, eb = (np.concatenate(x) if x else np.zeros(0, dtype=np.int64) for x in zip(*parts))
        temperature = np.sqrt(n) / 4
        cooling = 0.01 ** (1 / iterations)
        for _ in range(iterations):
            delta = pos[:, :, None, :] - pos[:, None, :, :]
            dist2 = np.einsum("bijk,bijk->bij", delta, delta) + 1e-6
            disp = np.einsum("bijk,bij->bik", delta, mask[:, None, :] / dist2)
            disp -= pos * (0.05 / radius)
            d = pos[eg, ea] - pos[eg, eb]
            pull = d * np.sqrt(np.einsum("ij,ij->i", d, d))[:, None]
            np.subtract.at(disp, (eg, ea), pull)
            np.add.at(disp, (eg, eb), pull)
            norm = np.sqrt(np.einsum("bik,bik->bi", disp, disp)) + 1e-9
            step = np.minimum(norm, temperature[:, None]) / norm
            pos += disp * step[..., None]
            temperature *= cooling
        for b, g in enumerate(batch):
            out[g] = pos[b, : sizes[g]].copy()
    return out


def sampled_force_layout(
    n: int, edges: np.ndarray, rng: np.random.Generator, iterations: int = 120, samples: int = 24
) -> np.ndarray:
    """Fruchterman-Reingold with repulsion from a random sample of nodes.

    Each step costs O(n * samples + edges) instead of O(n^2): attraction along
    every edge, repulsion from ``samples`` random nodes scaled up to stand for
    all of them, displacement capped by a cooling temperature.
    """
    radius = math.sqrt(n)
    pos = rng.uniform(-radius, radius, size=(n, 2))
    u, v = edges[:, 0], edges[:, 1]
    temperature = radius / 4
    cooling = (0.01) ** (1 / iterations)
    weight = (n - 1) / samples
    for _ in range(iterations):
        partners = rng.integers(0, n, size=(n, samples))
        delta = pos[:, None, :] - pos[partners]
        dist2 = np.einsum("ijk,ijk->ij", delta, delta) + 1e-6
        disp = (delta / dist2[..., None]).sum(axis=1) * weight
        # Gravity keeps loosely connected parts from drifting away.
        disp -= pos * (0.05 / radius)
        d = pos[u] - pos[v]
        length = np.sqrt(np.einsum("ij,ij->i", d, d)) + 1e-9
        pull = d * length[:, None]
        np.subtract.at(disp, u, pull)
        np.add.at(disp, v, pull)
        norm = np.sqrt(np.einsum("ij,ij->i", disp, disp)) + 1e-9
        pos += disp / norm[:, None] * np.minimum(norm, temperature)[:, None]
        temperature *= cooling
    return pos


def _extent(pos: np.ndarray) -> tuple[float, float]:
    span = pos.max(axis=0) - pos.min(axis=0)
    return float(span[0]), float(span[1])


# --- evidence and articles -----------------------------------------------------------


class _ArticleTable:
    """Articles referenced by evidence, stored once: rows of [title, date]."""

    def __init__(self, known: Mapping[str, Mapping[str, Any]]):
        self.known = known
        self.rows: list[list[str]] = []
        self._index: dict[Any, int] = {}

    def index(self, source: Any) -> int | None:
        if source is None:
            return None
        if source not in self._index:
            if isinstance(source, tuple):  # (title, date) given inline with the evidence
                title, date = source
            else:
                info = self.known.get(str(source)) or {}
                title = info.get("title") or str(source)
                date = info.get("published") or info.get("date") or ""
            self._index[source] = len(self.rows)
            self.rows.append([str(title or ""), str(date or "")])
        return self._index[source]


def _evidence_items(attrs: Mapping[str, Any], articles: _ArticleTable) -> list[tuple[str, Any]]:
    evidence = list(attrs.get("evidence") or ())
    sources = list(attrs.get("evidenceSources") or ())
    items: list[tuple[str, Any]] = []
    for i, ev in enumerate(evidence):
        if isinstance(ev, Mapping):
            source = (ev.get("title") or ev.get("source") or "", ev.get("date") or "")
            items.append((str(ev.get("sentence") or ""), source))
        else:
            items.append((str(ev), sources[i] if i < len(sources) else None))
    return items


def _edges(graph: nx.Graph) -> Iterable[tuple[Any, Any, Any, Mapping[str, Any]]]:
    if graph.is_multigraph():
        return graph.edges(keys=True, data=True)
    return ((u, v, None, d) for u, v, d in graph.edges(data=True))


def _name(graph: nx.Graph, node: Any) -> str:
    return str(graph.nodes[node].get("name") or node)


# --- the page ------------------------------------------------------------------------

_TOKEN = re.compile(r"/\*@(\w+)@\*/")


def escape_json(data: Any) -> str:
    """JSON safe inside a <script> element: no <, > or & survives as itself.

    >>> escape_json({"a": "</script><b>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def vis_library() -> tuple[str, str]:
    """The vis-network script and stylesheet shipped inside the pyvis package."""
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    style = (lib / "vis-network.css").read_text(encoding="utf-8")
    # The source map is not shipped; a browser's devtools would try to fetch it.
    script = re.sub(r"//# sourceMappingURL=\S+", "", script)
    for text in (script, style):
        if re.search(r"</(script|style)", text, re.IGNORECASE):  # pragma: no cover
            raise InputError("the bundled vis-network cannot be inlined safely")
    return script, style


def render_page(data: Mapping[str, Any], scripts: tuple[str, ...] = ()) -> str:
    """Fill the page template in one pass (inserted text is never re-scanned).

    The page's Content-Security-Policy allows exactly its two scripts (by hash)
    and no fetching: even a payload that escaped the JSON could not run or load.
    """
    package = resources.files("eikg.queries")
    template = (package / "map_template.html").read_text(encoding="utf-8")
    app = "\n".join((package / name).read_text(encoding="utf-8") for name in ("map_app.js", *scripts))
    script, style = vis_library()
    values = {
        "TITLE": _html_text(str(data.get("title") or "eikg map")),
        "CSP": content_security_policy(script, app),
        "VIS_CSS": style,
        "VIS_JS": script,
        "APP_JS": app,
        "DATA": escape_json(data),
    }
    return _TOKEN.sub(lambda m: values[m.group(1)], template)


def content_security_policy(*scripts: str) -> str:
    """Only these inline scripts run; nothing is fetched; styles stay inline."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
