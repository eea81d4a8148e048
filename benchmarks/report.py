"""Report and partnership-map speed on a synthetic graph of about 50,000 relations.

Builds the synthetic graph of benchmarks/queries.py (its generator and its
``benchq-`` keys, deleted before and after) at 50,000 relations, then prints in
one run:

* the time of the whole partnership report (``read_report``: its queries and the
  brokers analysis; ``write_report``: Markdown, HTML and both plots), target 10 s;
* the time to build the partnership map, and its first render in headless
  Chromium (target 3 s for 5,000 organisations; skipped, and said so, without Chromium).

    .venv/bin/python benchmarks/report.py [--entities 16000] [--relations 50000] [--no-browser]

Exit code 1 when a figure misses its target. The figures include whatever else
the database holds and whatever else the machine runs: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from queries import PREFIX, cleanup, synthetic  # noqa: E402  (benchmarks/queries.py)

from eikg.graph.connection import connect, resolve_settings  # noqa: E402
from eikg.graph.loader import load  # noqa: E402
from eikg.queries.partnership_map import write_partnership_map  # noqa: E402
from eikg.queries.report import read_report, write_report  # noqa: E402

TARGET_REPORT_S = 10.0
TARGET_RENDER_S = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=16_000)
    parser.add_argument("--relations", type=int, default=50_000)
    parser.add_argument("--no-browser", action="store_true", help="Skip the Chromium render.")
    args = parser.parse_args()

    ok = True
    work = Path(tempfile.mkdtemp(prefix="eikg-report-bench-"))
    driver = connect(resolve_settings())
    try:
        cleanup(driver)
        t = time.perf_counter()
        loaded = load(driver, synthetic(args.entities, args.relations)).articles_loaded
        print(f"graph: {args.relations} relations asked, {loaded} articles, loaded in "
              f"{time.perf_counter() - t:.1f} s (keys {PREFIX}*)")
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
              + f" on {os.cpu_count()} CPUs")

        t = time.perf_counter()
        report = read_report(driver)
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        write_report(report, work)
        write_s = time.perf_counter() - t
        total = read_s + write_s
        ok &= total <= TARGET_REPORT_S
        print(f"report: {len(report.partnerships)} partnerships, {len(report.alliances)} alliances, "
              f"{len(report.brokers)} brokers; read {read_s:.2f} s + written {write_s:.2f} s = "
              f"{total:.2f} s (target {TARGET_REPORT_S:.0f} s) {'ok' if total <= TARGET_REPORT_S else 'MISSED'}")

        t = time.perf_counter()
        summary = write_partnership_map(driver, work / "map.html")
        print(f"partnership map: {summary.nodes} organisations, {summary.edges} ties, built in "
              f"{time.perf_counter() - t:.2f} s, {summary.bytes / 1e6:.1f} MB")
        if args.no_browser:
            return 0 if ok else 1
        from map_support import chromium, console_errors, find_chromium, open_map

        found = find_chromium()
        if isinstance(found, str):
            print(f"first render: not measured: {found}")
            return 0 if ok else 1
        with chromium() as browser:
            first_ms = open_map(browser, summary.path, timeout=120)
            errors = console_errors(browser)
        render_s = first_ms / 1000
        ok &= render_s <= TARGET_RENDER_S and not errors
        print(f"first render in Chromium: {render_s:.2f} s for {summary.nodes} organisations "
              f"(target {TARGET_RENDER_S:.0f} s for 5,000) {'ok' if render_s <= TARGET_RENDER_S else 'MISSED'}"
              + (f"; console errors: {errors}" if errors else ""))
    finally:
        cleanup(driver)
        driver.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
