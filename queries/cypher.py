"""Ad-hoc Cypher, read-only: planned with EXPLAIN and refused unless the plan only reads.

A READ session alone is not access control (a READ session on a single server
still runs writes), so before anything runs the statement is EXPLAINed and
refused when:

* the server classifies it as anything but read-only (query type ``r``), or
* its plan has an operator that writes, loads a file (``LOAD CSV``), or calls
  a procedure whose mode is not READ (asked of the server with
  ``SHOW PROCEDURES``), or
* it cannot be EXPLAINed at all (administration commands, syntax errors).

One exception: the server classes every call of a DBMS-mode procedure as
administration, including those that only report (``dbms.components()``,
``dbms.info()``); a statement whose only non-read steps are calls of the closed
list ``READ_ONLY_DBMS_PROCEDURES`` runs. Everything else of mode DBMS
(``dbms.killConnections``, ``tx.setMetaData``, ``db.clearQueryCaches``) stays refused.

What passes runs in a READ session with a server-side timeout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import neo4j
from neo4j.exceptions import ClientError, Neo4jError

from eikg.errors import QueryError
from eikg.graph.statements import statement
from eikg.queries.runner import DEFAULT_TIMEOUT, QueryResult, plain

#: Plan operators that change data or schema, or reach outside the database.
_WRITE_OPERATOR = re.compile(r"Create|Merge|Set[A-Z]|Delete|Remove|Foreach|LoadCSV|Transaction")
_PROCEDURE_OPERATOR = re.compile(r"ProcedureCall", re.IGNORECASE)
_PROCEDURE_NAME = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
#: DBMS-mode procedures that only report on the server (lower case).
READ_ONLY_DBMS_PROCEDURES = frozenset({
    "dbms.components", "dbms.info", "dbms.listcapabilities", "dbms.showcurrentuser",
    "dbms.routing.getroutingtable", "dbms.cluster.routing.getroutingtable", "tx.getmetadata",
})


def _operators(plan: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    if not plan:
        return
    yield plan
    for child in plan.get("children") or ():
        yield from _operators(child)


def _operator_name(op: dict[str, Any]) -> str:
    # operatorType carries a runtime suffix, e.g. "Create@neo4j".
    return str(op.get("operatorType", "")).split("@")[0]


def _procedure_modes(session: neo4j.Session) -> dict[str, str]:
    result = session.run(statement("procedure_modes"))
    return {r["name"].lower(): r["mode"] for r in result}


def check_read_only(session: neo4j.Session, text: str, params: dict[str, Any]) -> None:
    """Raise QueryError unless ``text`` only reads; nothing is executed.

    ``session`` may be any session: EXPLAIN plans without running.
    """
    stripped = text.strip()
    if not stripped:
        raise QueryError("empty query")
    if re.match(r"(?is)^(explain|profile)\b", stripped):
        raise QueryError("give the query without EXPLAIN or PROFILE; eikg plans it itself")
    try:
        summary = session.run("EXPLAIN " + stripped, params).consume()
    except Neo4jError as err:
        raise QueryError(f"query refused: it cannot be planned as a read ({_first_line(err)})") from None
    if summary.query_type != "r" and not (
        summary.query_type == "s" and _reports_only(summary.plan)
    ):
        kinds = {
            "w": "writes",
            "rw": "reads and writes",
            "s": "changes the schema or administers the server",
        }
        what = kinds.get(summary.query_type or "", f"is of type {summary.query_type!r}")
        raise QueryError(f"query refused: it {what}; only read-only queries may run")
    procedures = []
    for op in _operators(summary.plan):
        name = _operator_name(op)
        if _WRITE_OPERATOR.search(name):
            raise QueryError(f"query refused: its plan has a {name} step; only read-only queries may run")
        if _PROCEDURE_OPERATOR.search(name):
            details = str((op.get("args") or {}).get("Details", ""))
            m = _PROCEDURE_NAME.match(details.strip())
            if not m:
                raise QueryError(f"query refused: cannot tell which procedure it calls ({details!r})")
            procedures.append(m.group(1))
    if procedures:
        modes = _procedure_modes(session)
        for proc in procedures:
            mode = modes.get(proc.lower())
            if mode != "READ" and not (mode == "DBMS" and proc.lower() in READ_ONLY_DBMS_PROCEDURES):
                how = f"mode {mode}" if mode else "unknown mode"
                raise QueryError(f"query refused: procedure {proc} has {how}; only READ procedures may run")


def _reports_only(plan: dict[str, Any] | None) -> bool:
    """Whether the plan calls procedures, all of them on the read-only DBMS list."""
    called = [
        _PROCEDURE_NAME.match(str((op.get("args") or {}).get("Details", "")).strip())
        for op in _operators(plan) if _PROCEDURE_OPERATOR.search(_operator_name(op))
    ]
    return bool(called) and all(m and m.group(1).lower() in READ_ONLY_DBMS_PROCEDURES for m in called)


def run_cypher(
    driver: neo4j.Driver,
    text: str,
    params: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int | None = None,
) -> QueryResult:
    """Run user-supplied Cypher if (and only if) its plan is read-only.

    Raises QueryError when refused, when it fails, or when it runs longer than
    ``timeout`` seconds. ``limit`` stops reading rows after that many.
    """
    params = dict(params or {})
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        check_read_only(session, text, params)
        try:
            result = session.run(neo4j.Query(text.strip(), timeout=timeout), params)
            columns = list(result.keys())
            rows = []
            for record in result:
                if limit is not None and len(rows) >= limit:
                    break
                rows.append({k: plain(record[k]) for k in columns})
            summary = result.consume()
        except ClientError as err:
            if "timedout" in (err.code or "").lower().replace("_", ""):
                raise QueryError(f"query stopped: it ran longer than the {timeout:g} s timeout") from None
            raise QueryError(f"query failed: {_first_line(err)}") from None
    if summary.counters.contains_updates or summary.counters.contains_system_updates:
        # Cannot happen after the checks above; if it ever does, say so loudly.
        raise QueryError("query changed the database although its plan was read-only")
    notes = [] if limit is None or len(rows) < limit else [f"showing the first {limit} rows"]
    return QueryResult(columns=columns, rows=rows, notes=notes)


def _first_line(err: Neo4jError) -> str:
    return (err.message or str(err)).strip().splitlines()[0]
