"""Named queries: the ``queries/*.cypher`` files, listed, looked up and run.

Each file holds one read-only statement and a ``//`` header::

    // One-line description.
    // aliases: other-name, another
    // param name (entity): what it is
    // param limit (int, default 100): what it is
    // columns: a, b, c

A parameter typed ``entity`` is looked up first (key, name or alias, any case)
and the statement receives the entity's key. Only queries a user runs live here;
eikg's own statements (lookups, projections, writes) are in ``graph/cypher/``
(:mod:`eikg.graph.statements`). Every value reaches Cypher as a parameter; query
text is never assembled from input.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import neo4j
from neo4j.exceptions import ClientError, Neo4jError

from eikg.errors import QueryError
from eikg.graph.statements import statement

#: Seconds a named query may run before the server stops it.
DEFAULT_TIMEOUT = 30.0

_PARAM = re.compile(r"^(\w+)(?:\s*\((\w+)(?:,\s*default\s+(.+?))?\))?\s*:\s*(.*)$")
_TYPES = {"str", "int", "float", "entity", "date"}


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "str"
    default: str | None = None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def convert(self, raw: Any) -> Any:
        """The value of ``raw`` (text from the command line, or a value) as this type."""
        if self.type == "int":
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise QueryError(f"parameter {self.name!r} must be an integer, got {raw!r}") from None
        if self.type == "float":
            try:
                return float(raw)
            except (TypeError, ValueError):
                raise QueryError(f"parameter {self.name!r} must be a number, got {raw!r}") from None
        if self.type == "date":
            try:
                return dt.date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                raise QueryError(
                    f"parameter {self.name!r} must be a date yyyy-mm-dd, got {raw!r}"
                ) from None
        return str(raw)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def signature(self) -> str:
        """``name a=<entity> [limit=100]`` for listings."""
        parts = [self.name]
        for p in self.params:
            parts.append(f"{p.name}=<{p.type}>" if p.required else f"[{p.name}={p.default}]")
        return " ".join(parts)


def parse_query(name: str, text: str) -> NamedQuery:
    """Read the ``//`` header of one query file; raises QueryError naming the file."""
    description = ""
    params: list[Param] = []
    columns: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        if body.lower().startswith("param "):
            key, rest = "param", body[len("param ") :]
        else:
            key, _, rest = body.partition(":")
            key = key.strip().lower()
        if key == "param":
            m = _PARAM.match(rest.strip())
            if not m or (m.group(2) or "str") not in _TYPES:
                raise QueryError(f"{name}.cypher: cannot read parameter line {line!r}")
            params.append(Param(m.group(1), m.group(2) or "str", m.group(3), m.group(4)))
        elif key == "columns":
            columns = tuple(c.strip() for c in rest.split(",") if c.strip())
        elif key == "aliases":
            aliases = tuple(a.strip() for a in rest.split(",") if a.strip())
        elif not description:
            description = body
    if not description:
        raise QueryError(f"{name}.cypher: the header has no description line")
    if not columns:
        raise QueryError(f"{name}.cypher: the header has no '// columns:' line")
    return NamedQuery(name, description, text, tuple(params), columns, aliases)


@cache
def _all_queries() -> dict[str, NamedQuery]:
    out = {}
    for item in resources.files("eikg.queries").iterdir():
        if item.name.endswith(".cypher"):
            name = item.name[: -len(".cypher")]
            out[name] = parse_query(name, item.read_text(encoding="utf-8"))
    return out


def list_queries() -> list[NamedQuery]:
    """The named queries an analyst can run, by name."""
    return [q for _, q in sorted(_all_queries().items())]


def _fold(name: str) -> str:
    return name.casefold().replace("-", "_").strip()


def get_query(name: str) -> NamedQuery:
    """A named query by name or alias, any case, '-' or '_'.

    An unknown name raises QueryError with the closest known names.
    """
    public = list_queries()
    wanted = _fold(name)
    for q in public:
        if wanted == _fold(q.name) or wanted in {_fold(a) for a in q.aliases}:
            return q
    # Every spelling points at its query's own name, so a suggestion is runnable.
    owner = {_fold(a): q.name for q in public for a in q.aliases}
    owner.update({_fold(q.name): q.name for q in public})
    close = difflib.get_close_matches(wanted, list(owner), n=6, cutoff=0.5)
    suggested = list(dict.fromkeys(owner[c] for c in close))[:3]
    hint = (
        "; did you mean " + ", ".join(repr(s) for s in suggested) + "?"
        if suggested
        else "; `eikg query --list` shows them all"
    )
    raise QueryError(f"no named query {name!r}{hint}")


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """``["key=value", ...]`` from the command line as a dict (value may contain '=')."""
    out: dict[str, str] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"parameter {pair!r} is not of the form key=value")
        out[key.strip()] = value
    return out


# --- values -----------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A Neo4j value as plain Python (JSON-ready): nodes and relationships as dicts."""
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time Date, DateTime, Duration
        return value.iso_format()
    return value


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read(
    driver: neo4j.Driver,
    text: str,
    params: dict[str, Any],
    database: str | None,
    timeout: float | None,
) -> QueryResult:
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        result = session.run(neo4j.Query(text, timeout=timeout), params)
        columns = list(result.keys())
        rows = [{k: plain(rec[k]) for k in columns} for rec in result]
    return QueryResult(columns=columns, rows=rows)


# --- entities ---------------------------------------------------------------------------


def resolve_entity(driver: neo4j.Driver, name: str, database: str | None = None) -> str:
    """The key of the entity called ``name`` (key, name or alias, any case).

    An exact key or name beats an alias; several equally good matches or none
    raise QueryError (none: with the closest known names).
    """
    found = _read(driver, statement("entity_exact"), {"name": name}, database, DEFAULT_TIMEOUT)
    if any(r["key"] == name for r in found.rows):
        return name
    if not found.rows:  # no exact key or name: ignore case, try aliases (a full scan)
        found = _read(
            driver, statement("resolve_entity"), {"name": name}, database, DEFAULT_TIMEOUT
        )
    exact = [r for r in found.rows if r["exact"]]
    best = exact or found.rows
    keys = sorted({r["key"] for r in best})
    if len(keys) == 1:
        return keys[0]
    if keys:
        shown = ", ".join(f"{r['key']} ({r['name']})" for r in best[:5])
        raise QueryError(f"name {name!r} is ambiguous: it matches {shown}; give a key instead")
    raise QueryError(f"no entity named {name!r}" + suggest_entities(driver, name, database))


def suggest_entities(driver: neo4j.Driver, name: str, database: str | None = None) -> str:
    """'; did you mean ...?' with the closest entity names and aliases, or ''."""
    rows = _read(driver, statement("entity_names"), {}, database, DEFAULT_TIMEOUT).rows
    known: dict[str, str] = {}
    for r in rows:
        for n in [r["name"], *r["aliases"]]:
            if n:
                known.setdefault(n.casefold(), n)
    close = difflib.get_close_matches(name.casefold(), list(known), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + ", ".join(repr(known[c]) for c in close) + "?"


# --- running ----------------------------------------------------------------------------


def bind(query: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Check ``given`` against the query's parameters and convert the values.

    Entity parameters are returned unresolved (text); ``run_query`` looks them up.
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        accepted = ", ".join(declared) or "none"
        raise QueryError(
            f"query {query.name!r} has no parameter {unknown[0]!r} (it accepts: {accepted})"
        )
    bound: dict[str, Any] = {}
    for p in query.params:
        if p.name in given:
            bound[p.name] = p.convert(given[p.name])
        elif p.required:
            raise QueryError(
                f"query {query.name!r} needs --param {p.name}=<{p.type}> ({p.description})"
            )
        else:
            bound[p.name] = p.convert(p.default)
    return bound


def run_query(
    driver: neo4j.Driver,
    name: str,
    params: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> QueryResult:
    """Run the named query ``name`` with ``params`` (text or values); rows as dicts."""
    query = get_query(name)
    bound = bind(query, params or {})
    notes = []
    for p in query.params:
        if p.type == "entity":
            key = resolve_entity(driver, bound[p.name], database)
            if key != bound[p.name]:
                notes.append(f"{p.name}: {bound[p.name]!r} is {key}")
            bound[p.name] = key
    try:
        result = _read(driver, query.text, bound, database, timeout)
    except ClientError as err:
        raise QueryError(f"query {query.name!r} failed: {_first_line(err)}") from None
    result.columns = list(query.columns) if set(query.columns) == set(result.columns) else result.columns
    result.notes = notes
    return result


def _first_line(err: Neo4jError) -> str:
    return (err.message or str(err)).strip().splitlines()[0]
