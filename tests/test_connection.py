"""graph/connection.py against the real Neo4j: settings, connect, errors."""

from __future__ import annotations


import pytest

from eikg.errors import ServerError
from eikg.graph.connection import Settings, connect, resolve_settings
from eikg.graph.server import manager



def test_round_trip_a_node(clean_db, neo4j_settings):
    clean_db.execute_query(
        "CREATE (:RoundTrip {name: $name, year: $year})",
        name="Example Polytechnic",
        year=2024,
        database_=neo4j_settings.database,
    )
    records, _, _ = clean_db.execute_query(
        "MATCH (n:RoundTrip) RETURN n.name AS name, n.year AS year",
        database_=neo4j_settings.database,
    )
    assert [(r["name"], r["year"]) for r in records] == [("Example Polytechnic", 2024)]


def test_explicit_values_win_over_environment(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7687")
    monkeypatch.setenv("NEO4J_USER", "env-user")
    monkeypatch.setenv("NEO4J_PASSWORD", "env-secret")
    monkeypatch.setenv("NEO4J_DATABASE", "envdb")
    settings = resolve_settings(uri="bolt://other:7688", user="alice", password="pw", database="d")
    assert settings == Settings("bolt://other:7688", "alice", "pw", "d", local=False)


def test_environment_wins_over_the_local_server(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example:7687")
    monkeypatch.setenv("NEO4J_USER", "env-user")
    monkeypatch.setenv("NEO4J_PASSWORD", "env-secret")
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    settings = resolve_settings()
    assert settings == Settings("neo4j://db.example:7687", "env-user", "env-secret", None)


def test_without_uri_the_local_server_and_its_password_are_used(monkeypatch):
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    settings = resolve_settings()
    assert settings.local
    assert settings.user == "neo4j"
    assert settings.password == manager.read_password()
    assert settings.uri.startswith("bolt://127.0.0.1:")


def test_password_is_not_shown_in_repr():
    assert "s3cret" not in repr(Settings("bolt://h:1", "u", "s3cret"))


def test_wrong_password_is_one_clear_line(neo4j_settings):
    wrong = Settings(neo4j_settings.uri, neo4j_settings.user, "not-the-password")
    with pytest.raises(ServerError) as caught:
        connect(wrong)
    message = str(caught.value)
    assert "refused the credentials" in message
    assert "\n" not in message


def test_unreachable_port_is_one_clear_line():
    uri = f"bolt://127.0.0.1:{manager.free_port()}"
    with pytest.raises(ServerError) as caught:
        connect(Settings(uri, "neo4j", "whatever"))
    message = str(caught.value)
    assert f"cannot reach Neo4j at {uri}" in message
    assert "\n" not in message


def test_routing_uri_is_accepted(neo4j_settings):
    routed = Settings(
        neo4j_settings.uri.replace("bolt://", "neo4j://", 1),
        neo4j_settings.user,
        neo4j_settings.password,
        neo4j_settings.database,
    )
    with connect(routed) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_=routed.database)
    assert records[0]["one"] == 1
