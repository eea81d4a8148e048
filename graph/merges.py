"""Entity resolution a person decides: merge and split entity nodes.

A merge is a human judgement, so it is kept outside the database, in a JSON Lines
merge file (``data/merges.jsonl`` by default), one decision per line::

    {"keep": "college:northeastern university", "drop": "college:neu",
     "name": "Northeastern University", "type": "COLLEGE", "at": "2026-11-23T05:00:00+00:00"}
    {"apart": ["college:northeastern university", "college:neu"]}

The second kind keeps two keys apart: ``eikg split`` writes it when it undoes a
merge the resolver made (:mod:`eikg.graph.resolution`, whose decisions live in
``resolved.jsonl`` beside the merge file and whose suggestions a person reviews).

Every load reads the file and writes an entity whose key was dropped under the key
it was kept as (:class:`eikg.graph.loader.Redirect`), so a reload never undoes a
merge. Merging and splitting reload the affected articles from the extraction each
Article node stores, with the new redirects: relationships, aliases and provenance
then follow from the same code path as any load, and a split restores exactly the
nodes the articles name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import neo4j

from eikg.errors import InputError
from eikg.graph.loader import LoadSummary, Redirect, load, stored_items
from eikg.graph.statements import statement
from eikg.records import EntityType

#: Where merge decisions are kept unless told otherwise.
MERGES_FILE = Path("data/merges.jsonl")


@dataclass(frozen=True)
class MergeRecord:
    keep: str  # the key that survives
    drop: str  # the key merged into it
    name: str  # the surviving entity's name
    type: EntityType  # the surviving entity's type
    at: str = ""  # when the decision was made (ISO 8601)


def resolved_file(merges: Path | str = MERGES_FILE) -> Path:
    """Where the resolver keeps its decisions: ``resolved.jsonl`` beside the merge file."""
    return Path(merges).with_name("resolved.jsonl")


def _decision_lines(path: Path) -> Iterable[tuple[int, dict]]:
    """(line number, JSON object) of each non-blank line of a decision file."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{n}: not a merge record ({err})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{n}: not a merge record (not an object)")
            yield n, obj


def merge_lines(path: Path | str = MERGES_FILE) -> list[tuple[int, MergeRecord]]:
    """The merge decisions in ``path`` with their line numbers (none when the file
    does not exist). A line that is not a decision, merges a key with itself, or
    merges a key already merged elsewhere by an earlier line is an error naming
    the file and line."""
    path = Path(path)
    records: list[tuple[int, MergeRecord]] = []
    first: dict[str, tuple[int, str]] = {}  # dropped key -> (line, kept key)
    for n, obj in _decision_lines(path):
        try:
            if "apart" in obj:  # a split a person made: see read_apart
                _apart_pair(obj)
                continue
            record = MergeRecord(
                keep=str(obj["keep"]),
                drop=str(obj["drop"]),
                name=str(obj["name"]),
                type=EntityType(obj["type"]),
                at=str(obj.get("at", "")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"{path}:{n}: not a merge record ({err})") from None
        if record.keep == record.drop:
            raise InputError(f"{path}:{n}: merges {record.drop!r} with itself")
        seen = first.setdefault(record.drop, (n, record.keep))
        if seen[1] != record.keep:
            raise InputError(
                f"{path}:{n}: {record.drop!r} merged into {record.keep!r}, "
                f"but line {seen[0]} merges it into {seen[1]!r}"
            )
        records.append((n, record))
    return records


def read_merges(path: Path | str = MERGES_FILE) -> list[MergeRecord]:
    """The merge decisions in ``path`` (see :func:`merge_lines`)."""
    return [record for _, record in merge_lines(path)]


def unknown_keys(path: Path | str, known: set[str]) -> list[str]:
    """One line per decision in ``path`` naming a key not in ``known``, with file and line."""
    problems = []
    for n, record in merge_lines(path):
        for key in (record.keep, record.drop):
            if key not in known:
                problems.append(f"{path}:{n}: no entity with key {key!r}")
    for n, obj in _decision_lines(Path(path)):
        if "apart" in obj:
            for key in _apart_pair(obj):
                if key not in known:
                    problems.append(f"{path}:{n}: no entity with key {key!r}")
    return problems


def _apart_pair(obj: dict) -> tuple[str, str]:
    a, b = obj["apart"]
    return str(a), str(b)


def read_apart(path: Path | str = MERGES_FILE) -> list[tuple[str, str]]:
    """Key pairs a person kept apart (``{"apart": [a, b]}`` lines): never merged by the resolver."""
    path = Path(path)
    pairs = []
    for n, obj in _decision_lines(path):
        if "apart" in obj:
            try:
                pairs.append(_apart_pair(obj))
            except (TypeError, ValueError) as err:
                raise InputError(f"{path}:{n}: not an apart record ({err})") from None
    return pairs


def write_merges(
    records: Iterable[MergeRecord],
    path: Path | str = MERGES_FILE,
    apart: Iterable[tuple[str, str]] | None = None,
) -> None:
    """Replace the merge file with ``records`` and the ``apart`` pairs (those of the
    file when not given); written to a temporary file, then renamed."""
    path = Path(path)
    if apart is None:
        apart = read_apart(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(dict(asdict(r), type=r.type.value), ensure_ascii=False) + "\n")
        for a, b in apart:
            handle.write(json.dumps({"apart": [a, b]}, ensure_ascii=False) + "\n")
    tmp.replace(path)


def redirects(records: Iterable[MergeRecord]) -> dict[str, Redirect]:
    """Each dropped key -> the key it finally lives under (chains followed: B->A, A->C gives B->C).

    >>> rs = [MergeRecord("a", "b", "A", EntityType.COLLEGE), MergeRecord("c", "a", "C", EntityType.COLLEGE)]
    >>> redirects(rs)["b"].key
    'c'
    """
    by_drop = {r.drop: r for r in records}
    out = {}
    for drop in by_drop:
        seen = {drop}
        last = by_drop[drop]
        while last.keep in by_drop:
            if last.keep in seen:
                raise InputError(f"merge file: merges of {drop!r} form a cycle")
            seen.add(last.keep)
            last = by_drop[last.keep]
        out[drop] = Redirect(last.keep, last.name, last.type)
    return out


def load_redirects(path: Path | str = MERGES_FILE) -> dict[str, Redirect]:
    """What every load applies: the resolver's merges (``resolved.jsonl`` beside
    ``path``) overridden by a person's (``path``): a person's merge of a key
    replaces the resolver's, and the resolver never moves a key a person kept."""
    human = read_merges(path)
    kept = {r.keep for r in human} | {r.drop for r in human}
    apart = {frozenset(p) for p in read_apart(path)}
    machine = [
        r
        for r in read_merges(resolved_file(path))
        if r.drop not in kept and frozenset((r.keep, r.drop)) not in apart
    ]
    return redirects([*machine, *human])


def _entity(tx: neo4j.ManagedTransaction, key: str) -> dict | None:
    rec = tx.run(statement("entity_articles"), key=key).single()
    return dict(rec) if rec is not None else None


def _reload(
    driver: neo4j.Driver, ids: list[str], path: Path | str, database: str | None
) -> LoadSummary:
    items = stored_items(driver, ids, database)
    return load(driver, items, database=database, force=True, redirects=load_redirects(path))


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
    records = read_merges(path)
    undo = [r for r in records if r.drop == key] or [r for r in records if r.keep == key]
    apart = read_apart(path)
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
