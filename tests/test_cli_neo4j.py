"""`eikg neo4j ...` and `eikg stats` run as a user runs them (a real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from eikg.cli import app
from eikg.graph.server import manager


def eikg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "eikg.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )


def assert_one_line_error(done: subprocess.CompletedProcess, *needles: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]



@pytest.mark.parametrize(
    "command",
    [[], ["neo4j"], ["neo4j", "install"], ["neo4j", "start"], ["neo4j", "stop"],
     ["neo4j", "status"], ["stats"]],
)
def test_help_exits_0(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_stats_counts_what_was_written(clean_db, neo4j_settings):
    clean_db.execute_query(
        "CREATE (a:College {name: 'North Example College'}),"
        " (b:College {name: 'South Example College'}),"
        " (c:Enterprise {name: 'Example Robotics'}),"
        " (a)-[:PARTNERS_WITH]->(c), (b)-[:PARTNERS_WITH]->(c), (c)-[:LOCATED_IN]->(:Place)",
        database_=neo4j_settings.database,
    )
    done = eikg("stats", "--format", "json")
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    assert counts["labels"] == {"College": 2, "Enterprise": 1, "Place": 1}
    assert counts["relationships"] == {"LOCATED_IN": 1, "PARTNERS_WITH": 2}

    table = eikg("stats")
    assert table.returncode == 0, table.stderr
    assert table.stdout.split("\n")[0].split() == ["node", "label", "College", "2"]
    assert ["relationship", "type", "PARTNERS_WITH", "2"] in [
        line.split() for line in table.stdout.splitlines()
    ]


def test_stats_of_an_empty_graph(clean_db):
    done = eikg("stats")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "the graph is empty"


def test_stats_rejects_an_unknown_format():
    assert_one_line_error(eikg("stats", "--format", "xml"), "--format 'xml'")


def test_wrong_password_exits_1_with_one_line(neo4j_settings):
    done = eikg("stats", "--uri", neo4j_settings.uri, "--password", "not-the-password")
    assert_one_line_error(done, "refused the credentials")


def test_unreachable_port_exits_1_with_one_line():
    uri = f"bolt://127.0.0.1:{manager.free_port()}"
    assert_one_line_error(eikg("stats", "--uri", uri, "--password", "x"), "cannot reach Neo4j at " + uri)


def test_status_reports_a_stopped_store(tmp_path):
    done = eikg("neo4j", "status", "--store", str(tmp_path), "--port", "7999")
    assert done.returncode == 0, done.stderr
    assert "stopped" in done.stdout
    assert "bolt://127.0.0.1:7999" in done.stdout
    assert str(tmp_path) in done.stdout


def test_status_of_the_running_local_server(driver, neo4j_settings):
    done = eikg("neo4j", "status")
    assert done.returncode == 0, done.stderr
    if neo4j_settings.local:
        assert "running (pid" in done.stdout
        assert neo4j_settings.uri in done.stdout
    assert "version:  Neo4j Community 5.26." in done.stdout


def test_starting_twice_says_so(driver, neo4j_settings):
    if not neo4j_settings.local:
        pytest.skip("NEO4J_URI points at another server: the local one is not in use")
    done = eikg("neo4j", "start")
    assert done.returncode == 0, done.stderr
    assert "already running" in done.stdout


def test_stopping_when_stopped_says_so(tmp_path):
    done = eikg("neo4j", "stop", "--store", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "not running" in done.stdout


def test_missing_java_exits_1_with_what_to_install(tmp_path):
    done = eikg(
        "neo4j", "start", "--store", str(tmp_path / "store"), "--port", str(manager.free_port()),
        env={"PATH": str(tmp_path / "empty-bin")},
    )
    assert_one_line_error(done, "java not found", "install Java 17")

