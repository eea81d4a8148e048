"""Headless Chromium for the map tests and the map benchmark (not a test module).

Debian's ``chromium`` and ``chromium-driver`` packages, driven with Selenium
through /usr/bin/chromedriver (no driver download). The browser starts with a
fresh profile and with its own background networking off, so any request it
makes while showing a map came from the page.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
APT_HINT = "apt-get install chromium chromium-driver"


def find_chromium() -> tuple[str, str] | str:
    """(browser, driver) paths, or a one-line reason why they cannot be used."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    browser = shutil.which(os.environ.get("EIKG_CHROMIUM") or "") or next(
        (p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None
    )
    if os.environ.get("EIKG_CHROMIUM") and not shutil.which(os.environ["EIKG_CHROMIUM"]):
        browser = None
    driver = shutil.which(os.environ.get("EIKG_CHROMEDRIVER") or "chromedriver")
    if not browser or not driver:
        return f"headless Chromium not found ({APT_HINT})"
    return browser, driver


@contextmanager
def chromium(width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A headless Chromium WebDriver with console and network logging."""
    found = find_chromium()
    if isinstance(found, str):
        raise RuntimeError(found)
    browser, driver_path = found
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="eikg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        driver.set_page_load_timeout(120)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_map(driver: Any, path: Path, timeout: float = 60.0) -> float:
    """Open a map from file:// and wait for its first drawing; ms to first render.

    Logs are drained first, so ``console_errors`` and ``requested_urls`` then
    speak about this page only.
    """
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(Path(path).resolve().as_uri())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        first = driver.execute_script("return window.eikgMap ? window.eikgMap.firstDrawMs : null")
        if first is not None:
            return float(first)
        time.sleep(0.05)
    raise TimeoutError(f"map {path} did not draw within {timeout} s")


def console_errors(driver: Any) -> list[str]:
    """Console messages at SEVERE level since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def requested_urls(driver: Any) -> list[str]:
    """Every URL the browser asked for since the last call (the page's own included)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def foreign_requests(driver: Any, page: Path) -> list[str]:
    """Requests other than the page itself, inline data and the browser's own pages."""
    own = Path(page).resolve().as_uri()
    return [
        url
        for url in requested_urls(driver)
        if url != own and not url.startswith(("data:", "chrome://", "chrome-search://"))
    ]


def synthetic_graph(n: int, seed: int = 1) -> Any:
    """A typed graph of ``n`` entities shaped like the real one (made-up names).

    Groups of about 40 (preferential attachment inside, so a few hubs and many
    leaves) joined by a few links each, as news about regions and sectors is;
    every edge has a relation type and two evidence sentences from one of
    ``n // 10`` articles.
    """
    import random

    import networkx as nx

    rng = random.Random(seed)
    types = ["COLLEGE", "ENTERPRISE", "PERSON", "ALLIANCE", "GOVERNMENT", "EVENT", "PLACE"]
    relations = ["PARTNERS_WITH", "MEMBER_OF", "HOLDS_POSITION", "ORGANIZED", "LOCATED_IN"]
    base = nx.Graph()
    groups = [list(range(start, min(start + 40, n))) for start in range(0, n, 40)]
    for members in groups:
        part = nx.barabasi_albert_graph(len(members), 1, seed=rng.randrange(1 << 30)) if len(members) > 1 else nx.empty_graph(1)
        base.add_edges_from((members[a], members[b]) for a, b in part.edges())
        base.add_nodes_from(members)
        for _ in range(2 if len(groups) > 1 else 0):
            other = groups[rng.randrange(len(groups))]
            a, b = rng.choice(members), rng.choice(other)
            if a != b:
                base.add_edge(a, b)
    g = nx.MultiDiGraph()
    articles = {f"art-{i}": {"title": f"Made-up article {i}", "published": "2025-03-01"} for i in range(max(1, n // 10))}
    g.graph["articles"] = articles
    for v in base:
        g.add_node(f"k{v}", name=f"Entity {v}", type=types[v % len(types)], aliases=[f"E{v}"])
    for a, b in base.edges():
        rel = relations[(a + b) % len(relations)]
        source = f"art-{rng.randrange(len(articles))}"
        g.add_edge(
            f"k{a}",
            f"k{b}",
            key=rel,
            type=rel,
            evidence=[f"Entity {a} and Entity {b} worked together.", f"Entity {b} met Entity {a}."],
            evidenceSources=[source, source],
        )
    return g
