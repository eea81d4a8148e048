"""Install, start, stop and inspect the local Neo4j that eikg manages.

The server is genuine Neo4j Community (5.26 LTS) run through its embedded API
with the Bolt connector, by a small Java launcher (``Launcher.java`` beside this
module) that Maven builds. ``install()`` builds it and collects the dependency
jars into a cache directory; ``start()`` runs it in the background with Bolt on
127.0.0.1 and waits until Bolt answers.

A server is identified by its store directory: the pid, port and log of the
server using a store are kept inside that store, so two stores can be served at
once on two ports, and a store is never served twice (Neo4j locks it anyway).

Authentication is on. ``install()`` generates the password of user ``neo4j`` and
keeps it in ``<cache>/password`` (mode 0600); at start the launcher sets the
user's password from that file whenever the file changed since the store last
saw it, so the file is the one source of truth.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from eikg.errors import ServerError

#: The eikg package directory (in a source checkout, the checkout itself).
PACKAGE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_PORT = 7687
DEFAULT_USER = "neo4j"
LAUNCHER_CLASS = "org.eikg.server.Launcher"

_STATE_FILE = "eikg-server.json"
_READY_FILE = "eikg-server.ready"
_LOCK_FILE = "eikg-server.lock"
_LOG_FILE = "eikg-server.log"
_BUILD_INPUTS = ("pom.xml", "src/main/java/org/eikg/server/Launcher.java")


def home_dir(package: Path = PACKAGE_DIR) -> Path:
    """The directory under which the default store and cache live.

    The source checkout when ``package`` is one (an editable install:
    ``pyproject.toml`` beside the package's modules); else, the package being
    installed in site-packages, the user's data directory
    (``$XDG_DATA_HOME/eikg``, by default ``~/.local/share/eikg``), never the
    install itself.
    """
    if (package / "pyproject.toml").is_file():
        return package
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "eikg"


def cache_dir() -> Path:
    """Where Maven's build output, the jars and the password live (env EIKG_NEO4J_CACHE)."""
    return Path(os.environ.get("EIKG_NEO4J_CACHE") or home_dir() / ".cache" / "neo4j")


def default_store() -> Path:
    """The store directory used when none is given (env EIKG_NEO4J_STORE)."""
    return Path(os.environ.get("EIKG_NEO4J_STORE") or home_dir() / "data" / "neo4j")


def default_port() -> int:
    """The Bolt port used when none is given (env EIKG_NEO4J_PORT)."""
    raw = os.environ.get("EIKG_NEO4J_PORT")
    if not raw:
        return DEFAULT_PORT
    try:
        return int(raw)
    except ValueError:
        raise ServerError(f"EIKG_NEO4J_PORT={raw!r} is not a port number") from None


def default_java_options() -> tuple[str, ...]:
    """JVM options of the server (env EIKG_NEO4J_JAVA_OPTS replaces them).

    The JVM's optimising compiler (C2) and the G1 collector that Neo4j ships
    with. Measured on 2 busy cores against a synthetic graph of 55,000 entities
    and 212,000 relationships: C1 only (``-XX:TieredStopAtLevel=1``) ran whole-graph
    queries 2-4x slower (college_enterprise 384 vs 76-87 ms, timeline 418 vs
    80-150 ms) and saved no time at start (time to Bolt 11-14 s with either).
    G1 is named so that a small machine, where the JVM would pick the serial
    collector, gets it too; ``-XX:+UseParallelGC`` measured alike. The price: a
    bulk load into a freshly started server ran about 20% slower than under
    C1 (benchmarks/load.py: 942-994 vs 1,202 relations/s) while C2 compiles.
    """
    raw = os.environ.get("EIKG_NEO4J_JAVA_OPTS")
    if raw is not None:
        return tuple(shlex.split(raw))
    return ("-XX:+UseG1GC",)


_SIZE = re.compile(r"^[1-9][0-9]*[kKmMgG]?$")


def default_heap() -> str:
    """The server's largest heap (env EIKG_NEO4J_HEAP, e.g. ``2g``; else by memory).

    4g on a machine with at least 16 GiB, 2g with at least 8 GiB, else 1g. A bulk
    load keeps each transaction's state on the heap: measured on 2 cores
    (benchmarks/load.py, 105,000 relations, warm server), G1 spent 31 CPU-s
    collecting with 1g against 16-20 s with 4g (load rates alike, 3,100-4,500
    relations/s): the difference is a core's worth of time that ``eikg ingest``'s
    spaCy or another process gets back. The heap is a ceiling; G1 commits it as
    needed.
    """
    raw = os.environ.get("EIKG_NEO4J_HEAP")
    if raw:
        if not _SIZE.match(raw.strip()):
            raise ServerError(f"EIKG_NEO4J_HEAP={raw!r} is not a size such as 512m or 2g")
        return raw.strip()
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "1g"
    gib = memory / 2**30
    return "4g" if gib >= 16 else "2g" if gib >= 8 else "1g"


def password_file() -> Path:
    return cache_dir() / "password"


def read_password() -> str:
    """The password of user neo4j on the local server, as generated by install()."""
    path = password_file()
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ServerError(
            f"no local Neo4j password at {path}; run `eikg neo4j install` (or `make setup`)"
        ) from None


def log_path(store: Path | None = None) -> Path:
    return Path(store or default_store()).resolve() / "logs" / _LOG_FILE


@dataclass(frozen=True)
class Status:
    """What `eikg neo4j status` reports."""

    running: bool
    version: str | None
    address: str
    store: Path
    store_bytes: int
    pid: int | None
    log: Path

    def describe(self) -> str:
        state = f"running (pid {self.pid})" if self.running else "stopped"
        return "\n".join(
            [
                f"state:    {state}",
                f"version:  Neo4j Community {self.version or 'not installed'}",
                f"address:  {self.address}",
                f"store:    {self.store} ({_human_size(self.store_bytes)})",
                f"log:      {self.log}",
            ]
        )


# -- install -----------------------------------------------------------------


def _source_dir() -> Path:
    return Path(str(resources.files("eikg.graph.server")))


def _require(tool: str, hint: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise ServerError(f"{tool} not found on PATH; {hint}")
    return found


def _java() -> str:
    return _require(
        "java", "install Java 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)"
    )


def _build_digest(source: Path) -> str:
    digest = hashlib.sha256()
    for name in _BUILD_INPUTS:
        digest.update(name.encode())
        digest.update((source / name).read_bytes())
    return digest.hexdigest()


def installed_version() -> str | None:
    """The Neo4j version install() fetched, or None when not installed."""
    try:
        return (cache_dir() / "version").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def install(force: bool = False) -> str:
    """Build the launcher and collect Neo4j's jars with Maven; make the password.

    Quick and harmless when already done: Maven is not run again unless the
    launcher's sources changed (or ``force``). Returns a one-line summary.
    """
    cache = cache_dir()
    with _locked(cache, "install.lock"):
        return _install(cache, force)


def _install(cache: Path, force: bool) -> str:
    _ensure_password()
    source = _source_dir()
    digest = _build_digest(source)
    stamp = cache / "build.sha256"
    jar = cache / "eikg-server.jar"
    if (
        not force
        and jar.is_file()
        and stamp.is_file()
        and stamp.read_text().strip() == digest
        and installed_version()
    ):
        return f"Neo4j {installed_version()} already installed in {cache}"
    _java()
    mvn = _require("mvn", "install Maven to fetch Neo4j (Debian: apt-get install maven)")
    lib = cache / "lib"
    build_log = cache / "maven.log"
    command = [
        mvn,
        "--batch-mode",
        "--no-transfer-progress",
        "-f",
        str(source / "pom.xml"),
        f"-Deikg.build.dir={cache / 'build'}",
        f"-Deikg.lib.dir={lib}",
        "package",
    ]
    with build_log.open("w", encoding="utf-8") as log:
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise ServerError(f"Maven could not build the Neo4j launcher; see {build_log}")
    # Replace, never overwrite in place: a running server has the old jar open.
    staged = cache / "eikg-server.jar.new"
    shutil.copyfile(cache / "build" / "eikg-server.jar", staged)
    os.replace(staged, jar)
    version = _version_from_jars(lib)
    (cache / "version").write_text(version + "\n", encoding="utf-8")
    stamp.write_text(digest + "\n", encoding="utf-8")
    return f"Neo4j {version} installed in {cache}"


def _version_from_jars(lib: Path) -> str:
    kernels = sorted(lib.glob("neo4j-kernel-*.jar"))
    if not kernels:
        raise ServerError(f"Maven finished but no neo4j-kernel jar is in {lib}")
    return kernels[0].stem.removeprefix("neo4j-kernel-")


def _ensure_password() -> None:
    path = password_file()
    if path.exists():
        os.chmod(path, 0o600)
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another install won the race; its password stands
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(24) + "\n")


# -- run state -----------------------------------------------------------------


def _read_state(store: Path) -> dict | None:
    try:
        return json.loads((store / _STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _alive(pid: int) -> bool:
    """True when pid is a live launcher (not a recycled pid of something else)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    if LAUNCHER_CLASS.encode() not in cmdline:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def running_pid(store: Path | None = None) -> int | None:
    """Pid of the launcher serving store, or None."""
    state = _read_state(Path(store or default_store()).resolve())
    if state and _alive(int(state["pid"])):
        return int(state["pid"])
    return None


def running_port(store: Path | None = None) -> int | None:
    """Bolt port of the server running on store, or None when it is stopped."""
    resolved = Path(store or default_store()).resolve()
    state = _read_state(resolved)
    if state and _alive(int(state["pid"])):
        return int(state["port"])
    return None


@contextmanager
def _locked(directory: Path, name: str = _LOCK_FILE) -> Iterator[None]:
    """Serialise start/stop on one store (or installs in one cache) across processes."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / name).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- start / stop / status -------------------------------------------------------


def start(
    port: int | None = None,
    store: Path | None = None,
    timeout: float = 120.0,
    heap: str | None = None,
    pagecache: str = "256m",
    java_options: tuple[str, ...] | None = None,
) -> str:
    """Run the local Neo4j in the background and wait until Bolt answers.

    Harmless when the store is already served: says so and returns. Safe
    against concurrent callers (a lock file in the store). When no port was
    asked for (neither ``port`` nor EIKG_NEO4J_PORT) and 7687 is taken, a free
    port is used and named in the summary. Returns a summary.
    """
    chosen = port is not None or bool(os.environ.get("EIKG_NEO4J_PORT"))
    port = default_port() if port is None else port
    heap = heap or default_heap()
    store = Path(store or default_store()).resolve()
    with _locked(store):
        state = _read_state(store)
        if state and _alive(int(state["pid"])):
            return (
                f"Neo4j already running (pid {state['pid']}) on "
                f"bolt://127.0.0.1:{state['port']}, store {store}"
            )
        cache = cache_dir()
        jar = cache / "eikg-server.jar"
        if not jar.is_file() or not installed_version():
            raise ServerError(f"Neo4j is not installed in {cache}; run `eikg neo4j install`")
        password_path = password_file()
        if not password_path.is_file():
            raise ServerError(f"no password file at {password_path}; run `eikg neo4j install`")
        port, note = _usable_port(port, chosen)
        (store / _READY_FILE).unlink(missing_ok=True)
        log = log_path(store)
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            _java(),
            f"-Xmx{heap}",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true",
            *(default_java_options() if java_options is None else java_options),
            "-cp",
            f"{jar}{os.pathsep}{cache / 'lib'}/*",
            LAUNCHER_CLASS,
            *("--store", str(store), "--port", str(port), "--password-file", str(password_path)),
            *("--pagecache", pagecache, "--ready-file", str(store / _READY_FILE)),
        ]
        with log.open("a", encoding="utf-8") as out:
            out.write(f"\n== eikg: starting Neo4j at {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            out.flush()
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=store,
            )
        state = {"pid": process.pid, "port": port, "store": str(store), "log": str(log)}
        (store / _STATE_FILE).write_text(json.dumps(state) + "\n", encoding="utf-8")
        began = time.monotonic()
        _wait_until_ready(process, store, f"bolt://127.0.0.1:{port}", timeout, log)
        elapsed = time.monotonic() - began
        return (
            f"Neo4j {installed_version()} started (pid {process.pid}) on "
            f"bolt://127.0.0.1:{port}{note}, store {store}, in {elapsed:.1f}s"
        )


def _usable_port(port: int, chosen: bool) -> tuple[int, str]:
    """``port``, or a free one when it is taken and nobody asked for it; with a note
    naming the port that was taken ('' when none was)."""
    if not _port_in_use(port):
        return port, ""
    if chosen:
        raise ServerError(
            f"port {port} on 127.0.0.1 is already taken by another program; "
            "choose another with --port or EIKG_NEO4J_PORT"
        )
    # Nobody asked for 7687 in particular (another Neo4j may hold it): take a
    # free port; clients find it in this store's run state.
    return free_port(), f" (port {port} was taken)"


def _wait_until_ready(
    process: subprocess.Popen,
    store: Path,
    uri: str,
    timeout: float,
    log: Path,
    password: str | None = None,
) -> None:
    """Wait until the server at ``uri`` answers Bolt with the local password.

    A server that refuses the credentials will not accept them by waiting: it is
    stopped at once with a ServerError saying so, not left to time out.
    """
    deadline = time.monotonic() + timeout
    password = read_password() if password is None else password
    while True:
        if process.poll() is not None:
            (store / _STATE_FILE).unlink(missing_ok=True)
            raise ServerError(
                f"Neo4j exited with code {process.returncode} while starting; see {log}"
            )
        if (store / _READY_FILE).exists():
            try:
                if _answers(uri, password):
                    return
            except ServerError:
                _terminate(process.pid, 15.0)
                (store / _STATE_FILE).unlink(missing_ok=True)
                raise
        if time.monotonic() > deadline:
            _terminate(process.pid, 15.0)
            (store / _STATE_FILE).unlink(missing_ok=True)
            raise ServerError(f"Neo4j did not answer on {uri} within {timeout:.0f}s; see {log}")
        time.sleep(0.2)


def _answers(uri: str, password: str) -> bool:
    """True when Bolt at ``uri`` answers, False while it is not up yet; ServerError
    when it refuses user neo4j's credentials."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ServiceUnavailable

    try:
        with GraphDatabase.driver(uri, auth=(DEFAULT_USER, password)) as driver:
            driver.verify_connectivity()
    except ServiceUnavailable:
        return False
    except AuthError:
        raise ServerError(
            f"Neo4j at {uri} refused the credentials of user {DEFAULT_USER!r} "
            f"(password from {password_file()}); stopped it"
        ) from None
    return True


def _terminate(pid: int, wait: float) -> bool:
    """SIGTERM pid (its shutdown hook flushes the store) and wait; True if it ended."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not _alive(pid):
            _reap(pid)
            return True
        time.sleep(0.1)
    return False


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def stop(store: Path | None = None, timeout: float = 60.0) -> str:
    """Shut the server on store down cleanly (store flushed). Harmless when stopped."""
    store = Path(store or default_store()).resolve()
    if not store.exists():
        return f"Neo4j is not running (no store at {store})"
    with _locked(store):
        state = _read_state(store)
        if not state or not _alive(int(state["pid"])):
            (store / _STATE_FILE).unlink(missing_ok=True)
            return f"Neo4j is not running on store {store}"
        pid = int(state["pid"])
        if not _terminate(pid, timeout):
            raise ServerError(
                f"Neo4j (pid {pid}) did not stop within {timeout:.0f}s; see {log_path(store)}"
            )
        (store / _STATE_FILE).unlink(missing_ok=True)
        (store / _READY_FILE).unlink(missing_ok=True)
        return f"Neo4j stopped (pid {pid}), store {store}"


def status(port: int | None = None, store: Path | None = None) -> Status:
    """Running or stopped, version, address, store directory and its size."""
    store = Path(store or default_store()).resolve()
    state = _read_state(store)
    pid = int(state["pid"]) if state else None
    running = pid is not None and _alive(pid)
    shown_port = int(state["port"]) if running else (default_port() if port is None else port)
    return Status(
        running=running,
        version=installed_version(),
        address=f"bolt://127.0.0.1:{shown_port}",
        store=store,
        store_bytes=_tree_size(store),
        pid=pid if running else None,
        log=log_path(store),
    )


def _tree_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except FileNotFoundError:
                continue
    return total


def _human_size(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
