"""Named queries: headers, lookup by name, and known answers on the fixture graph (real Neo4j)."""

from __future__ import annotations

import doctest
import json

import pytest
from query_fixture import ACME, BLUE, BUREAU, HVC, RP, extractions
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import QueryError
from eikg.graph.loader import load
from eikg.queries import runner
from eikg.queries import output
from eikg.queries.output import render
from eikg.records import Article, Entity, EntityType, Evidence, Extraction, Relation, RelationType

INJECTIONS = [
    "x' OR 1=1 //",
    'x"}) DETACH DELETE n //',
    "Riverside Polytechnic'}) MATCH (n) DETACH DELETE n //",
    "`Entity`) DETACH DELETE n RETURN 1 //",
    "$name",
]


def test_docstring_examples_hold_output():
    result = doctest.testmod(output)
    assert result.attempted >= 1
    assert result.failed == 0


# --- headers and lookup (no database) ---------------------------------------------------


def test_every_query_file_has_a_complete_header():
    queries = runner.list_queries()
    names = {q.name for q in queries}
    assert {
        "partners",
        "college_enterprise",
        "alliance_members",
        "people_at",
        "events_of",
        "person_orgs",
        "shortest_connection",
        "top_partners",
        "timeline",
    } <= names
    for q in queries:
        assert q.description, q.name
        assert q.columns, q.name
        for p in q.params:
            assert f"${p.name}" in q.text, f"{q.name}: ${p.name} declared but unused"


def test_internal_queries_are_not_listed_nor_runnable():
    assert all(not q.name.startswith("_") for q in runner.list_queries())
    with pytest.raises(QueryError, match="no named query"):
        runner.get_query("_write_scores")


def test_parse_query_reads_params_defaults_aliases():
    q = runner.parse_query(
        "demo",
        "// Demo query.\n// aliases: d, demo-q\n// param name (entity): who\n"
        "// param limit (int, default 5): how many\n// columns: a, b\nRETURN 1 AS a, 2 AS b\n",
    )
    assert q.description == "Demo query."
    assert q.aliases == ("d", "demo-q")
    assert [(p.name, p.type, p.default) for p in q.params] == [
        ("name", "entity", None),
        ("limit", "int", "5"),
    ]
    assert q.columns == ("a", "b")
    assert q.signature() == "demo name=<entity> [limit=5]"


def test_parse_query_without_columns_names_the_file():
    with pytest.raises(QueryError, match=r"bad\.cypher"):
        runner.parse_query("bad", "// A query.\nRETURN 1\n")


def test_query_names_match_any_case_and_alias():
    assert runner.get_query("PARTNERS").name == "partners"
    assert runner.get_query("Partners-Of").name == "partners"
    assert runner.get_query("college-enterprise").name == "college_enterprise"
    assert runner.get_query("path").name == "shortest_connection"


def test_unknown_query_name_suggests_closest():
    with pytest.raises(QueryError, match="no named query 'partner'; did you mean 'partners'"):
        runner.get_query("partner")


def test_parse_params_keeps_equals_in_values():
    assert runner.parse_params(["name=a=b", "limit=3"]) == {"name": "a=b", "limit": "3"}
    with pytest.raises(QueryError, match="key=value"):
        runner.parse_params(["oops"])


def test_bind_checks_names_and_types():
    q = runner.get_query("partners")
    assert runner.bind(q, {"name": "RP"}) == {"name": "RP", "limit": 100}
    with pytest.raises(QueryError, match="needs --param name"):
        runner.bind(q, {})
    with pytest.raises(QueryError, match="no parameter 'nmae'"):
        runner.bind(q, {"nmae": "RP"})
    with pytest.raises(QueryError, match="must be an integer"):
        runner.bind(q, {"name": "RP", "limit": "ten"})


def test_render_formats():
    rows = [{"a": "x", "b": [1, 2]}, {"a": None, "b": 0.5}]
    assert render(["a", "b"], rows, "csv") == "a,b\nx,1; 2\n,0.5000"
    assert json.loads(render(["a", "b"], rows, "json")) == [{"a": "x", "b": [1, 2]}, {"a": None, "b": 0.5}]
    table = render(["a", "b"], rows, "table").splitlines()
    assert table[0].split() == ["a", "b"]
    assert len(table) == 4


# --- known answers on the fixture graph -------------------------------------------------


@pytest.fixture
def graph(driver, clean_db):
    load(driver, extractions())
    return driver


def keys(result, column):
    return [r[column] for r in result.rows]


def test_every_named_query_plans_as_read_only(graph):
    from eikg.queries.cypher import check_read_only

    with graph.session() as session:
        for q in runner.list_queries():
            params = runner.bind(q, {p.name: "1" for p in q.params})
            check_read_only(session, q.text, params)  # raises if not


def test_partners_with_evidence_sources_and_dates(graph):
    result = runner.run_query(graph, "partners", {"name": "Riverside Polytechnic"})
    assert result.columns == [
        "partner", "partner_type", "partner_key", "evidence", "sources", "first_seen", "last_seen",
    ]
    (row,) = result.rows
    assert row["partner_key"] == ACME
    assert row["partner_type"] == "ENTERPRISE"
    assert sorted(row["sources"]) == ["a1", "a2"]
    assert row["first_seen"] == "2023-03-10"
    assert row["last_seen"] == "2024-05-20"
    assert row["evidence"].startswith("Riverside Polytechnic and Acme Robotics")


def test_entity_names_match_any_case_and_alias(graph):
    by_alias = runner.run_query(graph, "partners", {"name": "acme"})
    assert keys(by_alias, "partner") == ["Riverside Polytechnic"]
    assert by_alias.notes == [f"name: 'acme' is {ACME}"]
    by_case = runner.run_query(graph, "partners", {"name": "hill valley COLLEGE"})
    assert sorted(keys(by_case, "partner_key")) == sorted([BLUE, BUREAU])
    by_key = runner.run_query(graph, "partners", {"name": HVC})
    assert by_key.notes == []


def test_unknown_entity_suggests_closest_names(graph):
    with pytest.raises(QueryError, match="no entity named 'Riverside Politechnic'; did you mean 'Riverside Polytechnic'"):
        runner.run_query(graph, "partners", {"name": "Riverside Politechnic"})


def test_college_enterprise_partnerships(graph):
    result = runner.run_query(graph, "college_enterprise")
    pairs = [(r["college"], r["enterprise"], r["articles"]) for r in result.rows]
    assert pairs == [
        ("Riverside Polytechnic", "Acme Robotics Co., Ltd.", 2),
        ("Hill Valley College", "Blue River Software", 1),
    ]


def test_alliance_members_and_leader(graph):
    result = runner.run_query(graph, "alliance_members", {"name": "river city ai education alliance"})
    rows = [(r["member"], r["role"]) for r in result.rows]
    assert rows == [
        ("Riverside Polytechnic", "leader"),
        ("Hill Valley College", "member"),
        ("Nova Machines Group", "member"),
    ]
    assert result.rows[0]["sources"] == ["a3"]


def test_people_at_an_organisation(graph):
    result = runner.run_query(graph, "people_at", {"name": "RP"})
    assert [(r["person"], r["title"]) for r in result.rows] == [("Li Ming", "President")]
    acme = runner.run_query(graph, "people_at", {"name": ACME})
    assert [(r["person"], r["title"]) for r in acme.rows] == [("Zhao Hua", "Chief Engineer")]


def test_events_of_an_organisation(graph):
    rp = runner.run_query(graph, "events_of", {"name": "Riverside Polytechnic"})
    assert [(r["event"], r["role"], r["date"], r["places"]) for r in rp.rows] == [
        ("AI Education Forum", "attended", "2024-05-18", ["River City"])
    ]
    bureau = runner.run_query(graph, "events_of", {"name": "the bureau"})
    assert [(r["event"], r["role"]) for r in bureau.rows] == [("AI Education Forum", "organised")]


def test_organisations_of_a_person(graph):
    result = runner.run_query(graph, "person_orgs", {"name": "Zhao Hua"})
    # The forum is an event, not an organisation: only Acme.
    assert [(r["organisation"], r["relation"], r["title"]) for r in result.rows] == [
        ("Acme Robotics Co., Ltd.", "HOLDS_POSITION", "Chief Engineer")
    ]


def test_shortest_connection(graph):
    result = runner.run_query(graph, "shortest_connection", {"source": "Li Ming", "target": "Nova"})
    assert [r["name"] for r in result.rows] == [
        "Li Ming", "Riverside Polytechnic", "River City AI Education Alliance", "Nova Machines Group",
    ]
    assert result.rows[0]["relation_to_next"] == "-[HOLDS_POSITION]->"
    assert result.rows[2]["relation_to_next"] == "<-[MEMBER_OF]-"
    assert result.rows[-1]["relation_to_next"] == ""


def test_top_partners_ranking(graph):
    result = runner.run_query(graph, "top_partners", {"limit": "3"})
    assert [(r["organisation"], r["partners"]) for r in result.rows] == [
        ("Hill Valley College", 2),
        ("River City Education Bureau", 2),
        ("Acme Robotics Co., Ltd.", 1),
    ]


def test_timeline_per_year_and_type(graph):
    result = runner.run_query(graph, "timeline")
    got = {(r["year"], r["relation"]): r["relations"] for r in result.rows}
    assert got == {
        ("2023", "HOLDS_POSITION"): 1,
        ("2023", "LOCATED_IN"): 1,
        ("2023", "PARTNERS_WITH"): 1,
        ("2024", "HOLDS_POSITION"): 1,
        ("2024", "LOCATED_IN"): 1,
        ("2024", "ORGANIZED"): 1,
        ("2024", "PARTICIPATED_IN"): 3,
        ("2025", "LEADS"): 1,
        ("2025", "MEMBER_OF"): 3,
        ("2025", "PARTNERS_WITH"): 3,
    }


def _counts(driver):
    records, _, _ = driver.execute_query(
        "MATCH (n) WITH count(n) AS nodes "
        "OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS rels"
    )
    return records[0]["nodes"], records[0]["rels"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_only_names(graph, text):
    before = _counts(graph)
    with pytest.raises(QueryError, match="no entity named"):
        runner.run_query(graph, "partners", {"name": text})
    assert _counts(graph) == before


def _partner_named(text: str) -> Extraction:
    """An article in which an enterprise whose key and name are ``text`` partners with RP."""
    sentence = f"{text} and Riverside Polytechnic signed a training agreement."
    article = Article(id="injection", text=sentence, title="Fixture article injection",
                      published="2025-02-01")
    entities = (
        Entity(id="e1", key=text, name=text, type=EntityType.ENTERPRISE),
        Entity(id="e2", key=RP, name="Riverside Polytechnic", type=EntityType.COLLEGE),
    )
    evidence = Evidence(sentence, 0, len(sentence))
    return Extraction(article, entities, (Relation("e1", RelationType.PARTNERS_WITH, "e2", evidence),))


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_reach_the_query_as_values_only(graph, text):
    """The text resolves (it is an entity's key), so the named query runs with it as $name."""
    load(graph, [_partner_named(text)])
    before = _counts(graph)
    result = runner.run_query(graph, "partners", {"name": text})
    assert [r["partner_key"] for r in result.rows] == [RP]
    assert _counts(graph) == before
    assert RP in keys(runner.run_query(graph, "partners", {"name": ACME}), "partner_key")


def test_injection_string_as_integer_parameter_is_refused(graph):
    with pytest.raises(QueryError, match="must be an integer"):
        runner.run_query(graph, "top_partners", {"limit": "1 MATCH (n) DETACH DELETE n"})


def test_cli_query_table_csv_json(graph):
    cli = CliRunner()
    res = cli.invoke(app, ["query", "partners", "--param", "name=RP", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["partner_key"] for r in rows] == [ACME]
    res = cli.invoke(app, ["query", "TOP_PARTNERS", "-p", "limit=1", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [
        "organisation,organisation_type,partners",
        "Hill Valley College,COLLEGE,2",
    ]
    res = cli.invoke(app, ["query", "people_at", "-p", "name=Riverside Polytechnic"])
    assert res.exit_code == 0, res.output
    assert "Li Ming" in res.stdout
    assert "President" in res.stdout


def test_cli_table_wraps_long_evidence_and_wide_keeps_one_line(graph):
    sentence = "Riverside Polytechnic and Acme Robotics Co., Ltd. signed an agreement to train robot technicians together."
    cli = CliRunner()
    res = cli.invoke(app, ["query", "partners", "-p", "name=RP"])
    assert res.exit_code == 0, res.output
    assert "…" not in res.stdout
    words = " ".join(line.strip() for line in res.stdout.splitlines()[2:])
    for word in sentence.split():
        assert word in words
    assert max(len(line) for line in res.stdout.splitlines()) < len(sentence) + 60
    res = cli.invoke(app, ["query", "partners", "-p", "name=RP", "--wide"])
    assert res.exit_code == 0, res.output
    assert sentence in res.stdout
    res = cli.invoke(app, ["query", "partners", "-p", "name=RP", "--format", "csv"])
    assert sentence in res.stdout


def test_cli_query_list_and_unknown_name(graph):
    cli = CliRunner()
    res = cli.invoke(app, ["query", "--list"])
    assert res.exit_code == 0
    assert "partners" in res.stdout
    assert "name=<entity>" in res.stdout
    res = cli.invoke(app, ["query", "partnrs"])
    assert res.exit_code == 1
    assert res.stderr.startswith("error: no named query 'partnrs'; did you mean 'partners'")


def test_cli_unknown_entity_is_one_line_exit_1(graph):
    res = CliRunner().invoke(app, ["query", "partners", "-p", "name=Nobody Such"])
    assert res.exit_code == 1
    assert res.stderr.count("\n") == 1
    assert res.stderr.startswith("error: no entity named 'Nobody Such'")

