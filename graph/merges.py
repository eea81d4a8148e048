"""Merge and split entity nodes as a person decides (``eikg merge`` / ``eikg split``).

The decision is recorded in the merge file (:mod:`eikg.graph.decisions`), then the
affected articles are reloaded from the extraction each Article node stores, with
the new redirects: relationships, aliases and provenance then follow from the same
code path as any load, and a split restores exactly the nodes the articles name.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import neo4j

from eikg.errors import InputError
from eikg.graph.decisions import (
    MERGES_FILE,
    MergeRecord,
    load_redirects,
    read_decisions,
    read_merges,
    redirects,
    resolved_file,
    write_merges,
)
from eikg.graph.loader import LoadSummary, Redirect, load, stored_extractions
from eikg.graph.statements import statement
from eikg.records import EntityType


def _entity(tx: neo4j.ManagedTransaction, key: str) -> dict | None:
    rec = tx.run(statement("entity_articles"), key=key).single()
    return dict(rec) if rec is not None else None


def _reload(
    driver: neo4j.Driver, ids: list[str], path: Path | str, database: str | None
) -> LoadSummary:
    extractions = stored_extractions(driver, ids, database)
    return load(driver, extractions, database=database, force=True, redirects=load_redirects(path))


def merge_entities(
    driver: neo4j.Driver,
    keep: str,
    drop: str,
    path: Path | str = MERGES_FILE,
    database: str | None = None,
) -> MergeRecord:
    """Merge entity ``drop`` into ``keep``: record the decision in ``path`` and reload
    the articles that name either, so relationships, aliases and provenance move."""
    if keep == drop:
        raise InputError(f"cannot merge {keep!r} with itself")
    with driver.session(database=database) as session:
        kept = session.execute_read(_entity, keep)
        dropped = session.execute_read(_entity, drop)
    for key, found in ((keep, kept), (drop, dropped)):
        if found is None:
            raise InputError(f"no entity with key {key!r}")
    records = read_merges(path)
    record = MergeRecord(
        keep=keep,
        drop=drop,
        name=kept["name"],
        type=EntityType(kept["type"]),
        at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    # the dropped key may itself have absorbed others: they now follow it into `keep`
    write_merges([*records, record], path)
    _reload(driver, sorted(set(kept["articles"]) | set(dropped["articles"])), path, database)
    return record


def split_entity(
    driver: neo4j.Driver,
    key: str,
    path: Path | str = MERGES_FILE,
    database: str | None = None,
) -> list[MergeRecord]:
    """Undo recorded merges: those that dropped ``key``, else those that kept it.

    The decisions leave the merge file and the articles that name the merged
    entity are reloaded, so each key gets its own node again.
    """
    decisions = read_decisions(path)
    records, apart = decisions.records, decisions.apart_pairs
    undo = [r for r in records if r.drop == key] or [r for r in records if r.keep == key]
    if undo:
        write_merges([r for r in records if r not in undo], path, apart)
    else:
        # a resolver's merge: a person's split keeps the pair apart from now on
        machine = read_merges(resolved_file(path))
        undo = [r for r in machine if r.drop == key] or [r for r in machine if r.keep == key]
        if not undo:
            raise InputError(f"no recorded merge involves {key!r} (merge file {path})")
        write_merges(records, path, [*apart, *((r.keep, r.drop) for r in undo)])
    survivors = {redirects([*records, *undo]).get(r.keep, Redirect(r.keep, r.name, r.type)).key for r in undo}
    ids: set[str] = set()
    with driver.session(database=database) as session:
        for survivor in survivors:
            found = session.execute_read(_entity, survivor)
            if found is not None:
                ids |= set(found["articles"])
    _reload(driver, sorted(ids), path, database)
    return undo
