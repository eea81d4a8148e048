"""graph/statements.py: eikg's own Cypher, one statement per file in graph/cypher/,
each with the one header style; queries/ keeps only the queries a user runs."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from eikg.errors import EikgError
from eikg.graph.statements import read_statement, statement

CYPHER = resources.files("eikg.graph").joinpath("cypher")
NAMES = sorted(f.name[: -len(".cypher")] for f in CYPHER.iterdir() if f.name.endswith(".cypher"))


@pytest.mark.parametrize("name", NAMES)
def test_every_statement_names_its_parameters_and_columns(name):
    text = read_statement(name)
    header = [line[2:].strip() for line in text.splitlines() if line.startswith("//")]
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    assert header and not header[0].startswith(("param ", "columns:")), "a description comes first"
    declared = {m.group(1) for line in header if (m := re.match(r"param (\w+):", line))}
    assert declared == set(re.findall(r"\$(\w+)", body))
    assert any(line.startswith("columns: ") for line in header)


def test_cypher_has_one_home():
    graph = resources.files("eikg.graph")
    assert [f.name for f in graph.iterdir() if f.name.endswith(".cypher")] == []
    queries = resources.files("eikg.queries")
    assert [f.name for f in queries.iterdir() if f.name.startswith("_") and f.name.endswith(".cypher")] == []


def test_only_ontology_names_are_spliced():
    assert "(n:College)" in statement("create_index", name="college_name", label="College", property="name")
    with pytest.raises(EikgError, match="refusing to splice"):
        statement("count_type", type="X]-() DETACH DELETE n //")
    with pytest.raises(EikgError, match="unfilled placeholders"):
        statement("count_type")
