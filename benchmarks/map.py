"""Map speed: page build time for 1,000 and 5,000 entities (and the part of it
spent on the Python layout), against pyvis's own add_node/add_edge build of the
same graph (which computes no layout), and the time to first render of the
5,000-entity map in headless Chromium (target: at most 5 s).

Run: .venv/bin/python benchmarks/map.py [--sizes 1000 5000] [--no-browser]
Exit code 1 when the first render misses the target.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from map_support import chromium, console_errors, find_chromium, open_map, synthetic_graph  # noqa: E402

from eikg.queries import map_html, map_layout  # noqa: E402

RENDER_TARGET_S = 5.0


def build_eikg(graph, path: Path) -> tuple[float, map_html.MapSummary]:
    start = time.perf_counter()
    summary = map_html.write_map(graph, path)
    return time.perf_counter() - start, summary


def build_pyvis(graph, path: Path) -> float:
    """The baseline: pyvis's documented API, edge by edge (it scans all edges each time)."""
    from pyvis.network import Network

    start = time.perf_counter()
    net = Network(cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        net.add_node(str(node), label=data.get("name", str(node)), title=data.get("type", ""))
    for u, v, key in graph.edges(keys=True):
        net.add_edge(str(u), str(v), title=str(key))
    if graph.number_of_nodes() > map_html.PHYSICS_MAX_NODES:
        net.toggle_physics(False)
    path.write_text(net.generate_html(), encoding="utf-8")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--no-browser", action="store_true", help="Skip the Chromium render.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="eikg-map-bench-"))
    largest = None
    print(
        f"{'entities':>8} {'relations':>9} {'eikg build':>11} {'(layout)':>9} "
        f"{'pyvis build':>12} {'ratio':>7} {'page':>8} layout"
    )
    for n in args.sizes:
        graph = synthetic_graph(n)
        seconds, summary = build_eikg(graph, work / f"map-{n}.html")
        start = time.perf_counter()
        map_layout.layout_positions(graph)
        layout_s = time.perf_counter() - start
        baseline = build_pyvis(graph, work / f"pyvis-{n}.html")
        layout = "physics" if summary.physics else "static"
        print(
            f"{n:>8} {graph.number_of_edges():>9} {seconds:>10.2f}s {layout_s:>8.2f}s {baseline:>11.2f}s "
            f"{baseline / seconds:>6.1f}x {summary.bytes / 1e6:>6.1f}MB {layout}"
        )
        largest = (n, summary.path)
    if args.no_browser or largest is None:
        return 0
    found = find_chromium()
    if isinstance(found, str):
        print(f"first render: not measured: {found}")
        return 0
    n, path = largest
    with chromium() as driver:
        open_map(driver, work / f"map-{args.sizes[0]}.html", timeout=120)  # warm the browser
        start = time.perf_counter()
        first_draw_ms = open_map(driver, path, timeout=120)
        wall = time.perf_counter() - start
        errors = console_errors(driver)
    verdict = "ok" if first_draw_ms / 1000 <= RENDER_TARGET_S else "MISSED"
    print(
        f"first render of {n} entities in headless Chromium: {first_draw_ms / 1000:.2f} s after "
        f"navigation ({wall:.2f} s wall, console errors: {len(errors)}); target <= "
        f"{RENDER_TARGET_S:.0f} s: {verdict}"
    )
    return 0 if verdict == "ok" and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
