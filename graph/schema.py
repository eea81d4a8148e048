"""Neo4j constraints and indexes, derived from ``ontology.ttl``.

Every ``owl:hasKey`` of an eikg class becomes a uniqueness constraint on that
label and property; every property marked ``eikg:indexed`` a range index on the
label of its domain; every property marked ``eikg:indexedFor eikg:Statement`` a
range index on each relationship type between entities. The timeline counters
(:mod:`eikg.graph.timeline`, bookkeeping outside the ontology) get their own
uniqueness constraint. All are created with ``IF NOT EXISTS``, so
:func:`ensure_schema` is safe to call before every load, and by two loads at once.
"""

from __future__ import annotations

import neo4j

from eikg.graph.ontology import Vocabulary, vocabulary
from eikg.graph.statements import statement


def schema_statements(vocab: Vocabulary | None = None) -> list[str]:
    """The DDL statements for the ontology's keys and indexes (constraints first), then the
    timeline counters' constraint."""
    vocab = vocab or vocabulary()
    out = []
    for label, prop in vocab.keys:
        name = f"{vocab.check_label(label).lower()}_{prop}_key"
        out.append(statement("create_key_constraint", name=name, label=label, property=prop))
    for label, prop in vocab.indexes:
        name = f"{vocab.check_label(label).lower()}_{prop}"
        out.append(statement("create_index", name=name, label=label, property=prop))
    for rel_type, prop in vocab.relationship_indexes:
        name = f"{vocab.check_relationship_type(rel_type).lower()}_{prop}"
        out.append(
            statement("create_relationship_index", name=name, type=rel_type, property=prop)
        )
    out.append(statement("create_timeline_constraint"))
    return out


#: What the server says when another session created the same rule between this
#: statement's ``IF NOT EXISTS`` check and its own creation (two loads starting at once).
RACED = frozenset({
    "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
    "Neo.ClientError.Schema.ConstraintAlreadyExists",
    "Neo.ClientError.Schema.IndexAlreadyExists",
})


def _run(tx: neo4j.ManagedTransaction, text: str) -> None:
    tx.run(text).consume()


def ensure_schema(driver: neo4j.Driver, database: str | None = None) -> None:
    """Create the ontology's constraints and indexes if they do not exist yet, and
    wait until they are online. Safe to race: a rule another session created in the
    meantime is taken as created, a deadlock between two sessions' DDL is retried."""
    with driver.session(database=database) as session:
        for text in schema_statements():
            try:  # a managed transaction: retried when two sessions' DDL deadlock
                session.execute_write(_run, text)
            except neo4j.exceptions.ClientError as err:
                if err.code not in RACED:
                    raise
        session.run(statement("await_indexes"), seconds=60).consume()
