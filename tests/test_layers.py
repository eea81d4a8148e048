"""The shape of the package: graph/ stands on records, errors and the ontology
alone, so queries/, ingest/ and the CLI build on it, never the reverse; and its
functions stay short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = ("eikg.records", "eikg.errors", "eikg.graph")


def _eikg_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "eikg" or name.startswith("eikg.")}


def test_graph_imports_only_records_errors_and_itself():
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "graph").rglob("*.py")
        for name in _eikg_imports(path)
        if not any(name == a or name.startswith(a + ".") for a in ALLOWED)
    }
    assert wrong == set()


def test_no_function_in_graph_or_queries_runs_over_80_lines():
    long = {
        f"{path.relative_to(ROOT)}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for folder in ("graph", "queries")
        for path in (ROOT / folder).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 80
    }
    assert long == set()
