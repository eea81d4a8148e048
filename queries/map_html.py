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
above that (or with ``static_layout``) positions are computed in Python
(``map_layout.py``) and physics is off; over ``MAX_NODES`` the map is refused. Building the page is linear in
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
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from eikg.errors import InputError
from eikg.queries import analysis
from eikg.queries.map_layout import layout_positions
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
    index = {n: i for i, n in enumerate(graph.nodes)}
    articles = _ArticleTable(graph.graph.get("articles") or {})
    edges, roles = _edge_rows(graph, index, articles)
    communities = node_communities(graph) if color_by == "community" else {}
    return {
        "title": title,
        "physics": not static_layout and graph.number_of_nodes() <= PHYSICS_MAX_NODES,
        "colorBy": color_by,
        "sizeBy": size_by,
        "typeColors": TYPE_COLORS | {"": UNKNOWN_TYPE_COLOR},
        "relationColors": RELATION_COLORS,
        "communityColors": list(COMMUNITY_COLORS),
        "nodes": _node_rows(graph, node_scores(graph, size_by), roles, communities),
        "edges": edges,
        "articles": articles.rows,
        "focus": index.get(focus) if focus is not None else None,
    }


@dataclass
class _Roles:
    """HOLDS_POSITION read both ways: "title, organisation" per person and
    "person, title" per organisation, for the node tooltips."""

    held: dict[Any, list[str]] = field(default_factory=lambda: defaultdict(list))
    holders: dict[Any, list[str]] = field(default_factory=lambda: defaultdict(list))


def _edge_rows(
    graph: nx.Graph, index: Mapping[Any, int], articles: _ArticleTable
) -> tuple[list[dict[str, Any]], _Roles]:
    """One row per relationship (``nth`` numbers parallel edges so the page can
    curve them apart), with its top evidence; and the positions held."""
    rows: list[dict[str, Any]] = []
    roles = _Roles()
    parallel: dict[tuple[int, int], int] = defaultdict(int)
    symmetric = {r.value for r in SYMMETRIC_RELATIONS}
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
            "directed": rtype not in symmetric,
            "evidence": evidence,
            "count": len(attrs.get("evidence") or ()),
        }
        if nth:
            edge["nth"] = nth
        for name in ("title", "firstSeen", "lastSeen"):
            if attrs.get(name):
                edge[name] = str(attrs[name])
        rows.append(edge)
        if rtype == RelationType.HOLDS_POSITION.value:
            role = str(attrs.get("title") or "position")
            roles.held[u].append(f"{role}, {_name(graph, v)}")
            roles.holders[v].append(f"{_name(graph, u)}, {role}")
    return rows, roles


def _node_rows(
    graph: nx.Graph, scores: Mapping[Any, float], roles: _Roles, communities: Mapping[Any, int]
) -> list[dict[str, Any]]:
    """One row per node, in ``graph``'s node order (a node's id is its place)."""
    nodes = list(graph.nodes)
    sizes = scale_sizes(scores, nodes)
    positions = _centred(layout_positions(graph))
    rows: list[dict[str, Any]] = []
    for i, n in enumerate(nodes):
        attrs = graph.nodes[n]
        x, y = positions[n]
        node: dict[str, Any] = {
            "id": i,
            "key": str(n),
            "label": _name(graph, n),
            "type": str(attrs.get("type") or "ENTITY"),
            "aliases": [str(a) for a in attrs.get("aliases") or ()],
            "positions": [str(p) for p in attrs.get("positions") or roles.held.get(n, ())],
            "holders": roles.holders.get(n, []),
            "score": round(float(scores[n]), 6),
            "size": round(sizes[n], 2),
            "x": round(x * LAYOUT_SCALE, 1),
            "y": round(y * LAYOUT_SCALE, 1),
        }
        if attrs.get("date"):
            node["date"] = str(attrs["date"])
        if communities:
            node["community"] = communities[n]
        rows.append(node)
    return rows


def _centred(positions: dict[Any, tuple[float, float]]) -> dict[Any, tuple[float, float]]:
    """Positions moved so their bounding box centres on the origin: vis-network's
    central gravity pulls towards (0, 0), so an off-centre layout would drift out
    of view while physics runs."""
    if not positions:
        return positions
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {n: (x - cx, y - cy) for n, (x, y) in positions.items()}


# --- measures ----------------------------------------------------------------------


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
