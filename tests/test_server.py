"""graph/server/manager.py: a real Neo4j on a private store and port.

The shared local server (default store, port 7687) is left alone: other test
files use it. Here a second server runs on a temporary store so that stopping
it disturbs nobody.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from eikg.errors import ServerError
from eikg.graph.connection import Settings, connect, resolve_settings
from eikg.graph.server import manager

SMALL = {"heap": "384m", "pagecache": "32m"}



@contextmanager
def _held(port: int) -> Iterator[None]:
    """Make sure port is taken for a while: by us, unless someone holds it already."""
    with socket.socket() as holder:
        try:
            holder.bind(("127.0.0.1", port))
            holder.listen()
        except OSError:
            pass  # taken already, which is all we need
        yield


@pytest.fixture
def private_store(tmp_path):
    store = tmp_path / "store"
    yield store
    manager.stop(store)


def _settings(port: int) -> Settings:
    return Settings(f"bolt://127.0.0.1:{port}", "neo4j", manager.read_password())


def test_install_again_is_quick_and_harmless():
    began = time.monotonic()
    summary = manager.install()
    assert "already installed" in summary
    assert time.monotonic() - began < 5
    assert manager.installed_version().startswith("5.26.")


def test_password_file_is_readable_by_the_user_only():
    mode = stat.S_IMODE(manager.password_file().stat().st_mode)
    assert mode == 0o600
    assert len(manager.read_password()) >= 20


def test_stop_then_start_keeps_the_data(private_store):
    port = manager.free_port()
    # Two callers at once (as several `eikg` commands may be): one starts it, the
    # other waits for that start and says it is already running.
    with ThreadPoolExecutor(2) as pool:
        summaries = list(
            pool.map(lambda _: manager.start(port=port, store=private_store, **SMALL), range(2))
        )
    assert sum("started" in s for s in summaries) == 1, summaries
    assert sum("already running" in s for s in summaries) == 1, summaries
    with connect(_settings(port)) as driver:
        driver.execute_query("CREATE (:Kept {name: $name})", name="Example Institute")

    assert "stopped" in manager.stop(private_store)
    assert "not running" in manager.stop(private_store)
    assert not manager.status(store=private_store).running

    # Restart it the way users do: a graph command with no URI finds the local
    # server stopped and starts it (saying so), here without asking for a port
    # while the default one is taken, so a free port is used.
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.pop("EIKG_NEO4J_PORT", None)
    env["EIKG_NEO4J_STORE"] = str(private_store)
    with _held(manager.DEFAULT_PORT):
        done = subprocess.run(
            [sys.executable, "-m", "eikg.cli", "stats", "--format", "json"],
            capture_output=True, text=True, timeout=180, env=env,
        )
    assert done.returncode == 0, done.stderr
    assert "the local Neo4j is not running; starting it" in done.stderr
    assert f"(port {manager.DEFAULT_PORT} was taken)" in done.stderr
    assert json.loads(done.stdout)["labels"] == {"Kept": 1}
    port = manager.running_port(private_store)
    assert port != manager.DEFAULT_PORT
    with connect(_settings(port)) as driver:
        records, _, _ = driver.execute_query("MATCH (n:Kept) RETURN n.name AS name")
    assert [r["name"] for r in records] == ["Example Institute"]

    status = manager.status(store=private_store)
    assert status.running
    assert status.address == f"bolt://127.0.0.1:{port}"
    assert status.version == manager.installed_version()
    assert status.store == private_store.resolve()
    assert status.store_bytes > 0
    assert "running" in status.describe()


def test_connect_tells_notify_it_starts_the_local_server_and_prints_nothing(private_store, monkeypatch, capfd):
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EIKG_NEO4J_STORE", str(private_store))
    monkeypatch.setenv("EIKG_NEO4J_PORT", str(manager.free_port()))
    monkeypatch.setenv("EIKG_NEO4J_HEAP", SMALL["heap"])
    told: list[str] = []
    with connect(resolve_settings(), notify=told.append) as driver:
        driver.verify_connectivity()
    assert told[0] == "the local Neo4j is not running; starting it"
    assert told[1].startswith("Neo4j ") and " started " in told[1]
    assert capfd.readouterr().err == ""


def test_a_start_that_times_out_names_the_log(private_store):
    with pytest.raises(ServerError) as caught:
        manager.start(port=manager.free_port(), store=private_store, timeout=0.1, **SMALL)
    message = str(caught.value)
    assert "did not answer" in message
    assert str(manager.log_path(private_store)) in message
    assert not manager.status(store=private_store).running


def test_a_server_that_refuses_the_credentials_fails_at_once(neo4j_settings, tmp_path):
    # the real server with a wrong password; a stand-in process for the launcher
    (tmp_path / "eikg-server.ready").write_text("")
    launcher = subprocess.Popen(["sleep", "120"])
    began = time.monotonic()
    try:
        with pytest.raises(ServerError, match="refused the credentials"):
            manager._wait_until_ready(
                launcher, tmp_path, neo4j_settings.uri, 120.0, tmp_path / "log", password="wrong-password"
            )
    finally:
        launcher.kill()
        launcher.wait()
    assert time.monotonic() - began < 15


def test_a_taken_port_is_refused(private_store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServerError, match=f"port {port} .* already taken"):
            manager.start(port=port, store=private_store, **SMALL)


def test_missing_java_says_what_to_install(private_store, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ServerError, match="java not found on PATH; install Java 17"):
        manager.start(port=manager.free_port(), store=private_store, **SMALL)


def test_missing_maven_says_what_to_install(monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin-with-java-only"
    bin_dir.mkdir()
    os.symlink(os.path.realpath(shutil.which("java")), bin_dir / "java")
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(ServerError, match="mvn not found on PATH; install Maven"):
        manager.install(force=True)


def test_stopping_a_store_never_started_is_harmless(tmp_path):
    assert "not running" in manager.stop(tmp_path / "nothing-here")


def test_default_heap_follows_memory_and_the_environment(monkeypatch):
    monkeypatch.setenv("EIKG_NEO4J_HEAP", "768m")
    assert manager.default_heap() == "768m"
    monkeypatch.setenv("EIKG_NEO4J_HEAP", "lots")
    with pytest.raises(ServerError, match="EIKG_NEO4J_HEAP='lots'"):
        manager.default_heap()
    monkeypatch.delenv("EIKG_NEO4J_HEAP")
    page = 4096
    for gib, heap in ((32, "4g"), (16, "4g"), (12, "2g"), (8, "2g"), (4, "1g")):
        pages = gib * 2**30 // page
        monkeypatch.setattr(
            manager.os, "sysconf", lambda name, pages=pages: page if name == "SC_PAGE_SIZE" else pages
        )
        assert manager.default_heap() == heap, gib


def test_the_default_store_stays_in_a_source_checkout(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'eikg'\n")
    assert manager.home_dir(tmp_path) == tmp_path
    assert manager.home_dir() == manager.PACKAGE_DIR  # the tests run from a checkout


def test_an_installed_package_keeps_store_and_cache_in_the_user_data_directory(tmp_path, monkeypatch):
    site = tmp_path / "lib" / "python3" / "site-packages" / "eikg"  # no pyproject.toml beside it
    site.mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    assert manager.home_dir(site) == tmp_path / "data-home" / "eikg"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert manager.home_dir(site) == tmp_path / "home" / ".local" / "share" / "eikg"
