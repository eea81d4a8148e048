"""queries/map_layout.py: positions finite, distinct, packed and faithful to the edges."""

from __future__ import annotations

import doctest
import math

import networkx as nx

from eikg.queries import map_layout


def test_docstring_examples_hold_map_layout():
    result = doctest.testmod(map_layout)
    assert result.attempted >= 1
    assert result.failed == 0


def test_layout_positions_are_finite_and_distinct():
    g = nx.disjoint_union_all([nx.path_graph(5), nx.star_graph(300), nx.empty_graph(20)])
    pos = map_layout.layout_positions(g)
    assert set(pos) == set(g)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    assert len({(round(x, 3), round(y, 3)) for x, y in pos.values()}) == len(g)


def test_components_are_packed_without_overlapping():
    parts = [nx.path_graph(30), nx.star_graph(250), nx.cycle_graph(12)]
    g = nx.disjoint_union_all(parts)
    pos = map_layout.layout_positions(g)
    boxes = []
    start = 0
    for part in parts:
        xs = [pos[start + i][0] for i in range(len(part))]
        ys = [pos[start + i][1] for i in range(len(part))]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
        start += len(part)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
            assert apart, (a, b)


def test_large_layout_keeps_edges_shorter_than_random_pairs():
    g = nx.barabasi_albert_graph(1200, 1, seed=3)
    pos = map_layout.layout_positions(g)

    def dist(a, b):
        return math.dist(pos[a], pos[b])

    edge_mean = sum(dist(a, b) for a, b in g.edges()) / g.number_of_edges()
    nodes = list(g)
    pairs = [(nodes[i], nodes[(i * 7919) % len(nodes)]) for i in range(len(nodes))]
    random_mean = sum(dist(a, b) for a, b in pairs) / len(pairs)
    assert edge_mean * 4 < random_mean
