"""Counters behind the ``timeline`` query: relationships per type and year first seen.

Counting the relationships of each year on demand reads every relationship (or
every entry of an index on ``firstSeen``): 70-110 ms on 212,000 relationships, and
growing with the graph. Instead each write keeps ``(:TimelineCount {relation,
year, count})`` nodes up to date in the same transaction, and ``timeline`` reads
those few dozen nodes.

Every relationship between entities carries ``countedYear``, the year it is
counted under (the first four characters of ``firstSeen``; ``''`` when it has no
date). The loader's statements that create, move or delete relationships
(``merge_relationships``, ``remove_relationship_sources``) return how many moved
from one year to another; :class:`Moves` sums them and :func:`apply_moves` writes
the sums. A counter that reaches zero is deleted, so equal graphs have equal
counters whatever their history.

Graphs written before the counters existed (or changed behind the loader's back)
are brought up to date by :func:`ensure_timeline`, which every load runs: it
compares each type's counters with the count store and rebuilds the types that
disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import neo4j

from eikg.graph.ontology import Vocabulary, vocabulary
from eikg.graph.statements import statement

#: The counters' label: bookkeeping, the one label outside the ontology (never exported).
LABEL = "TimelineCount"
#: Relationships marked per transaction when a type's counters are rebuilt.
REBUILD_BATCH = 10000


class Moves:
    """Net changes to the timeline counters, per (relationship type, year).

    >>> m = Moves()
    >>> m.add("PARTNERS_WITH", None, "2024", 2)   # two created
    >>> m.add("PARTNERS_WITH", "2024", "2023", 1)  # one moved a year back
    >>> m.add("PARTNERS_WITH", "2023", None, 1)    # one deleted
    >>> m.rows()
    [{'relation': 'PARTNERS_WITH', 'year': '2024', 'delta': 1}]
    """

    def __init__(self) -> None:
        self._delta: Counter[tuple[str, str]] = Counter()

    def add(self, relation: str, old: str | None, new: str | None, n: int) -> None:
        """``n`` relationships of ``relation`` went from year ``old`` to ``new``
        (``old`` None: not counted before; ``new`` None: deleted)."""
        if old == new:
            return
        if old is not None:
            self._delta[relation, old] -= n
        if new is not None:
            self._delta[relation, new] += n

    def add_records(self, records: Iterable[Any], relation: str | None = None) -> None:
        """Add the rows a statement returned (``old``, ``new``, ``n`` and, unless
        ``relation`` is given, ``relation``)."""
        for rec in records:
            self.add(relation or rec["relation"], rec["old"], rec["new"], rec["n"])

    def rows(self) -> list[dict[str, Any]]:
        """The non-zero changes, in lock order (relation, year)."""
        return [
            {"relation": relation, "year": year, "delta": delta}
            for (relation, year), delta in sorted(self._delta.items())
            if delta
        ]


def apply_moves(tx: neo4j.ManagedTransaction, moves: Moves) -> None:
    """Write ``moves`` to the counters, in the caller's transaction."""
    rows = moves.rows()
    if rows:
        tx.run(statement("update_timeline"), rows=rows).consume()


def stale_types(
    driver: neo4j.Driver, database: str | None = None, vocab: Vocabulary | None = None
) -> list[str]:
    """The relationship types whose counters do not add up to their number of relationships."""
    vocab = vocab or vocabulary()
    types = sorted(set(vocab.relationship_types.values()))

    def read(tx: neo4j.ManagedTransaction) -> list[str]:
        counted = {
            rec["relation"]: rec["counted"] for rec in tx.run(statement("timeline_counters"))
        }
        stale = []
        for rel_type in types:
            text = statement("count_type", type=vocab.check_relationship_type(rel_type))
            if tx.run(text).single()["n"] != counted.get(rel_type, 0):
                stale.append(rel_type)
        return stale

    with driver.session(database=database) as session:
        return session.execute_read(read)


def rebuild_timeline(
    driver: neo4j.Driver,
    types: Iterable[str] | None = None,
    database: str | None = None,
    vocab: Vocabulary | None = None,
) -> None:
    """Recount the timeline counters of ``types`` (all relationship types between
    entities by default) from the relationships themselves. Run it while nothing
    else writes those types."""
    vocab = vocab or vocabulary()
    chosen = sorted(set(vocab.relationship_types.values()) if types is None else set(types))
    with driver.session(database=database) as session:
        for rel_type in chosen:
            name = vocab.check_relationship_type(rel_type)
            session.run(statement("mark_counted_years", type=name), size=REBUILD_BATCH).consume()
            session.execute_write(
                lambda tx, name=name: tx.run(
                    statement("recount_timeline", type=name), relation=name
                ).consume()
            )


def ensure_timeline(driver: neo4j.Driver, database: str | None = None) -> list[str]:
    """Rebuild the counters of every type whose counters disagree with its number
    of relationships (a graph written before the counters existed); returns those types.
    Needs the schema's constraint on the counters (:func:`eikg.graph.schema.ensure_schema`)."""
    vocab = vocabulary()
    stale = stale_types(driver, database, vocab)
    if stale:
        rebuild_timeline(driver, stale, database, vocab)
    return stale
