"""Fixtures shared by every test file: paths, and a real Neo4j over Bolt.

The graph fixtures use NEO4J_URI (and NEO4J_USER/PASSWORD/DATABASE) when set,
else the local server eikg manages, started when it is not running. A server
that cannot be reached FAILS the run; it never skips.

Test runs that share the local server take turns (a lock file in its store), so
one run's ``clean_db`` never empties the database under another run.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import neo4j
import pytest

from eikg.errors import EikgError
from eikg.graph.connection import Settings, connect, resolve_settings
from eikg.graph.server import manager

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus_dir(repo_root: Path) -> Path:
    """The shared corpus of real articles (never copied into the repo)."""
    return (repo_root / ".." / "shared" / "corpus").resolve()


@pytest.fixture(scope="session")
def neo4j_settings() -> Settings:
    try:
        settings = resolve_settings()
        if settings.local:
            # start it now (harmless when running): it may not be on the default port
            manager.start()
            settings = resolve_settings()
        return settings
    except EikgError as err:
        pytest.fail(f"no Neo4j to test against: {err}", pytrace=False)


@pytest.fixture(scope="session")
def driver(neo4j_settings: Settings) -> Iterator[neo4j.Driver]:
    """A verified driver for the whole run (holding the local server's test lock)."""
    with _test_lock(neo4j_settings):
        try:
            opened = connect(neo4j_settings)
        except EikgError as err:
            pytest.fail(f"cannot connect to Neo4j: {err}", pytrace=False)
        with opened:
            yield opened


@pytest.fixture(scope="session")
def test_database(driver: neo4j.Driver, neo4j_settings: Settings) -> str:
    """The one database the tests use: the user's home database.

    Library calls in the tests name no database, so they go to the home one; CLI
    calls read NEO4J_DATABASE. A different NEO4J_DATABASE would have `clean_db`
    empty one database while the tests load and read another, so it fails the run.
    """
    records, _, _ = driver.execute_query("CALL db.info() YIELD name RETURN name")
    home = records[0]["name"]
    if neo4j_settings.database not in (None, home):
        pytest.fail(
            f"NEO4J_DATABASE={neo4j_settings.database} but the tests load and read the home "
            f"database ({home}); unset NEO4J_DATABASE or make {neo4j_settings.database} "
            "the user's home database",
            pytrace=False,
        )
    return home


@pytest.fixture(scope="session")
def empty_test_database(
    driver: neo4j.Driver, neo4j_settings: Settings, test_database: str
) -> Callable[[], neo4j.Driver]:
    """A call that empties the test database of nodes and relationships (for
    fixtures of any scope); it returns the driver.

    A server of the user's own (NEO4J_URI) is emptied only when they say so with
    EIKG_TESTS_MAY_WIPE=1: `make test` must never wipe a real graph by surprise.
    """

    def empty() -> neo4j.Driver:
        if not neo4j_settings.local and os.environ.get("EIKG_TESTS_MAY_WIPE") != "1":
            pytest.fail(
                f"tests empty the database at {neo4j_settings.uri}; set EIKG_TESTS_MAY_WIPE=1 "
                "to allow that, or unset NEO4J_URI to test against the local server",
                pytrace=False,
            )
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=test_database)
        return driver

    return empty


@pytest.fixture
def clean_db(empty_test_database: Callable[[], neo4j.Driver]) -> neo4j.Driver:
    """The driver, after emptying the test database."""
    return empty_test_database()


@contextmanager
def _test_lock(settings: Settings) -> Iterator[None]:
    """Exclusive lock on the local server's store for one test run; none for NEO4J_URI."""
    if not settings.local:
        yield
        return
    path = manager.default_store() / "eikg-tests.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another test run on the local Neo4j ({path})",
                  file=sys.__stderr__, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
