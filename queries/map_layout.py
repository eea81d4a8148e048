"""Force layout for maps: node positions in Python, near-linear in the graph's size.

Used where the browser's own physics would be too slow (above
``map_html.PHYSICS_MAX_NODES`` nodes, or with ``--static-layout``) and as the
starting positions the browser's physics begins from. Positions are in layout
units, about one edge length; the page scales them to pixels.

>>> g = nx.path_graph(3)
>>> sorted(layout_positions(g))
[0, 1, 2]
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np

from eikg.queries import analysis

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
