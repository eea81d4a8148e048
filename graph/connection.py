"""Connection settings and the one place (besides the CLI) that opens a driver.

Settings come from explicit options, else the environment (``NEO4J_URI``,
``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), else the local server
that eikg manages (its port from its run state, its password from the file
``eikg neo4j install`` wrote). Library code never opens a driver: it receives
one from here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from eikg.errors import ServerError
from eikg.graph.server import manager


@dataclass(frozen=True)
class Settings:
    """Where and as whom to connect. ``database`` None means the server's default."""

    uri: str
    user: str
    password: str | None
    database: str | None = None
    local: bool = False

    def __repr__(self) -> str:  # keep the password out of logs and tracebacks
        return (
            f"Settings(uri={self.uri!r}, user={self.user!r}, password=***, "
            f"database={self.database!r}, local={self.local})"
        )


def resolve_settings(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Settings:
    """Explicit values, else NEO4J_* environment variables, else the local server."""
    uri = uri or os.environ.get("NEO4J_URI") or None
    user = user or os.environ.get("NEO4J_USER") or None
    password = password or os.environ.get("NEO4J_PASSWORD") or None
    database = database or os.environ.get("NEO4J_DATABASE") or None
    if uri:
        return Settings(uri, user or manager.DEFAULT_USER, password, database, local=False)
    port = manager.running_port() or manager.default_port()
    return Settings(
        uri=f"bolt://127.0.0.1:{port}",
        user=user or manager.DEFAULT_USER,
        password=password or manager.read_password(),
        database=database,
        local=True,
    )


def _quiet(message: str) -> None:
    pass


def connect(settings: Settings, notify: Callable[[str], None] = _quiet) -> neo4j.Driver:
    """A verified driver for settings; starts the local server when it is needed.

    ``notify`` receives a line on what was done on the way (the local server
    started); library code prints nothing, the CLI passes a printer. Raises
    ServerError (with one line saying what is wrong and what to do) when the
    server cannot be reached or refuses the credentials.
    """
    if settings.local:
        settings = _ensure_local_server(settings, notify)
    auth = (settings.user, settings.password) if settings.password is not None else None
    try:
        # Server notifications (e.g. 'property key does not exist' on a fresh graph)
        # would reach users as log lines; eikg reads plans and summaries, not these.
        driver = GraphDatabase.driver(
            settings.uri, auth=auth,
            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
        )
    except (ValueError, neo4j.exceptions.ConfigurationError) as err:
        raise ServerError(f"cannot use Neo4j URI {settings.uri!r}: {err}") from None
    try:
        driver.verify_connectivity()
    except (DriverError, Neo4jError) as err:
        driver.close()
        raise ServerError(describe_error(err, settings)) from None
    return driver


def _ensure_local_server(settings: Settings, notify: Callable[[str], None]) -> Settings:
    """Start the local server when it is not running; wait for a start in progress."""
    if manager.running_pid() is None:
        notify("the local Neo4j is not running; starting it")
    # start() takes the store's lock: when another process is starting the
    # server it waits for that start, and it is harmless when already running.
    summary = manager.start()
    if not summary.startswith("Neo4j already running"):
        notify(summary)
    port = manager.running_port()
    if port is None:
        raise ServerError(f"the local Neo4j stopped right after starting; see {manager.log_path()}")
    return Settings(
        f"bolt://127.0.0.1:{port}", settings.user, settings.password, settings.database, True
    )


def describe_error(err: Exception, settings: Settings) -> str:
    """One line saying what is wrong with a driver error and what to do."""
    where = settings.uri
    if isinstance(err, AuthError):
        hint = (
            f"the local password is in {manager.password_file()}"
            if settings.local
            else "check --user/--password or NEO4J_USER/NEO4J_PASSWORD"
        )
        return f"Neo4j at {where} refused the credentials of user {settings.user!r}; {hint}"
    if isinstance(err, ServiceUnavailable):
        hint = (
            "start it with `eikg neo4j start`"
            if settings.local
            else "check that the server is up and --uri/NEO4J_URI is right"
        )
        return f"cannot reach Neo4j at {where}; {hint}"
    if isinstance(err, Neo4jError):
        message = (err.message or str(err)).splitlines()[0]
        return f"Neo4j at {where} answered {err.code}: {message}"
    first = (str(err) or type(err).__name__).splitlines()[0]
    return f"Neo4j at {where}: {first}"


__all__ = [
    "Settings",
    "connect",
    "describe_error",
    "resolve_settings",
]
