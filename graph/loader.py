"""Load extractions into Neo4j: batched, idempotent, incremental, with provenance.

``load`` takes a stream of typed :class:`~eikg.records.Extraction` records (from
spaCy, or decoded from ``eikg extract`` output by the caller that reads the file,
:func:`eikg.workflow.read_extractions`) and writes it in batches. Each batch is one managed write transaction
(``session.execute_write``, retried on transient errors) that:

1. reads the stored content hash of the batch's articles; an article stored with
   the same hash is skipped (unless ``force``);
2. withdraws the contributions of articles stored with another hash (or an
   interrupted load): their ids leave ``sources``, their sentences leave
   ``evidence``, relationships and entities no other article supports are deleted;
3. writes entity nodes (one ``UNWIND $rows ... MERGE`` per label set), Article
   nodes with their ``MENTIONS``, and relationships (one statement per
   relationship type).

Reading and planning the input (and, for ``eikg ingest``, spaCy) runs in a thread one
batch ahead of the writes, so it overlaps the server's work; batches are still
written one at a time, in input order.

Labels and relationship types come only from the ontology's vocabulary
(:func:`eikg.graph.ontology.vocabulary`). Relationship properties are merged as
sets keyed by article id, so loading the same input twice changes nothing; a
batch is all-or-nothing, so a load killed part-way and run again ends with the
graph an uninterrupted load gives.

Merges recorded by a person (:mod:`eikg.graph.decisions`) arrive as ``redirects``:
an entity whose key was merged away is written under the key it was merged into.
"""

from __future__ import annotations

import json
import queue
import threading
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import neo4j

from eikg.graph.ontology import Vocabulary, vocabulary
from eikg.graph.schema import ensure_schema
from eikg.graph.statements import statement
from eikg.graph.timeline import Moves, apply_moves, ensure_timeline
from eikg.records import (
    SYMMETRIC_RELATIONS,
    Entity,
    EntityType,
    Extraction,
    RelationType,
    from_json,
    to_json,
)

#: Most evidence sentences kept per relationship.
EVIDENCE_CAP = 5
#: Extracted relations per transaction.
BATCH_SIZE = 20000

Warn = Callable[[str], None]


def ignore(message: str) -> None:
    """A ``warn`` that drops the message (the default wherever one is optional)."""


@dataclass(frozen=True)
class Redirect:
    """An entity key merged into another: write it as ``key`` with this name and type."""

    key: str
    name: str
    type: EntityType


@dataclass
class LoadSummary:
    articles_loaded: int = 0
    articles_replaced: int = 0  # of those loaded, how many replaced an older version
    articles_skipped: int = 0
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    relations_read: int = 0  # extracted relations in the loaded articles

    def add(self, counters: Any) -> None:
        self.nodes_created += counters.nodes_created
        self.nodes_deleted += counters.nodes_deleted
        self.relationships_created += counters.relationships_created
        self.relationships_deleted += counters.relationships_deleted

    def __str__(self) -> str:
        return (
            f"articles loaded {self.articles_loaded} (replaced {self.articles_replaced}), "
            f"skipped {self.articles_skipped}; nodes created {self.nodes_created}, "
            f"deleted {self.nodes_deleted}; relationships created {self.relationships_created}, "
            f"deleted {self.relationships_deleted}"
        )


# --- planning rows ----------------------------------------------------------------------


def fallback_key(type_: str, name: str) -> str:
    """A key for an entity that came without one: type + normalised name."""
    return f"{type_.lower()}:{' '.join(name.lower().split())}"


@dataclass
class ArticlePlan:
    id: str
    content_hash: str
    article_row: dict[str, Any]
    entities: dict[str, dict[str, Any]]  # key -> entity row (name, type, forms, date, count)
    relationships: dict[str, list[dict[str, Any]]]  # relationship type -> one row per relation
    relations: int


@dataclass(frozen=True)
class PlanNames:
    """Plain-string lookups derived once from the vocabulary (the planner's hot loop)."""

    labels: dict[str, tuple[str, ...]]  # EntityType value -> labels
    rel_types: dict[RelationType, str]  # RelationType -> relationship type
    symmetric: frozenset[RelationType]
    located_in: str

    @classmethod
    def of(cls, vocab: Vocabulary) -> PlanNames:
        return cls(
            labels={t.value: labels for t, labels in vocab.entity_labels.items()},
            rel_types=dict(vocab.relationship_types),
            symmetric=SYMMETRIC_RELATIONS,
            located_in=vocab.relationship_types[RelationType.LOCATED_IN],
        )


def plan_article(
    ex: Extraction,
    names: PlanNames,
    redirects: Mapping[str, Redirect],
    warn: Warn,
) -> ArticlePlan:
    """The statement rows of one article: an entity row (with its MENTIONS) per key,
    a relationship row per extracted relation. Repeats across articles are left to
    MERGE, which adds an article's sources and evidence once."""
    local, rows = _entity_rows(ex.entities, redirects)
    relationships, located, count = _relationship_rows(ex, names, local, warn)
    _add_event_places(ex, names, local, located, relationships)
    content_hash = ex.content_hash
    return ArticlePlan(
        ex.article.id, content_hash, _article_row(ex, content_hash, rows), rows, relationships, count
    )


def _entity_rows(
    entities: Iterable[Entity], redirects: Mapping[str, Redirect]
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """(entity id -> key, key -> entity row): one row per key, a merged-away key
    written as the key it was merged into."""
    local: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    for e in entities:
        key, name, etype = e.key or fallback_key(e.type.value, e.name), e.name, e.type
        forms = [name, *(str(a) for a in e.aliases if a and a != name)]
        count = len(e.mentions) or 1
        target = redirects.get(key) if redirects else None
        if target is not None:
            key, name, etype = target.key, target.name, target.type
        local[e.id] = key
        row = rows.get(key)
        if row is None:
            rows[key] = {
                "key": key, "name": name, "type": etype.value, "forms": forms, "date": e.date,
                "count": count,
            }
        else:  # two local entities under one key (merged, or resolved alike)
            row["forms"] = _unique(row["forms"] + forms)
            row["date"] = row["date"] or e.date
            row["count"] += count
    return local, rows


def _relationship_rows(
    ex: Extraction, names: PlanNames, local: Mapping[str, str], warn: Warn
) -> tuple[dict[str, list[dict[str, Any]]], set[tuple[str, str]], int]:
    """(relationship type -> rows, the LOCATED_IN pairs among them, relations counted):
    one row per article and relationship; a relation naming an entity the article
    does not have gets one ``warn``."""
    where = ex.article.source or ex.article.id
    relationships: dict[str, list[dict[str, Any]]] = {}
    located: set[tuple[str, str]] = set()
    seen: set[tuple[str, str, str]] = set()
    count = 0
    for r in ex.relations:
        rt = names.rel_types[r.type]
        head, tail = local.get(r.head), local.get(r.tail)
        if head is None or tail is None:
            missing = r.head if head is None else r.tail
            warn(f"{where}: relation {r.head} -{r.type.value}-> {r.tail}: no entity {missing!r}")
            continue
        count += 1
        if head == tail:  # both ends merged into one entity
            continue
        if r.type in names.symmetric and tail < head:
            head, tail = tail, head
        if (rt, head, tail) in seen:
            continue
        seen.add((rt, head, tail))
        if rt == names.located_in:
            located.add((head, tail))
        relationships.setdefault(rt, []).append(
            _relationship_row(ex, head, tail, r.evidence.sentence, r.title, r.confidence)
        )
    return relationships, located, count


def _add_event_places(
    ex: Extraction,
    names: PlanNames,
    local: Mapping[str, str],
    located: set[tuple[str, str]],
    relationships: dict[str, list[dict[str, Any]]],
) -> None:
    """An event's place is a LOCATED_IN fact even when no relation states it."""
    for e in ex.entities:
        if not e.place:
            continue
        pair = (local[e.id], local.get(e.place))
        if pair[1] is not None and pair[0] != pair[1] and pair not in located:
            located.add(pair)
            relationships.setdefault(names.located_in, []).append(
                _relationship_row(ex, pair[0], pair[1], None, None, 1.0)
            )


def _relationship_row(
    ex: Extraction, head: str, tail: str, sentence: str | None, title: str | None, confidence: float
) -> dict[str, Any]:
    return {
        "head": head,
        "tail": tail,
        "article": ex.article.id,
        "sentence": sentence or None,
        "title": title or None,
        "confidence": confidence,
        "published": ex.article.published,
    }


def _article_row(ex: Extraction, content_hash: str, rows: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The Article node's row: its fields, its MENTIONS, and the extraction itself
    (what a merge or split loads again)."""
    a = ex.article
    stored = dict(to_json(ex), content_hash=content_hash)
    return {
        "id": a.id,
        "url": a.url,
        "title": a.title,
        "published": a.published,
        "publisher": a.publisher,
        "contentHash": content_hash,
        "mentions": [
            {"key": key, "count": row["count"], "names": row["forms"]} for key, row in rows.items()
        ],
        "extraction": pack_extraction(json.dumps(stored, ensure_ascii=False)),
    }


def pack_extraction(text: str) -> bytes:
    """An article's extraction JSON as stored on its Article node (zlib-compressed
    UTF-8: a fifth of the bytes to send and store)."""
    return zlib.compress(text.encode("utf-8"), 1)


def unpack_extraction(data: bytes | bytearray) -> str:
    return zlib.decompress(bytes(data)).decode("utf-8")


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _combine(plans: list[ArticlePlan], names: PlanNames) -> dict[str, Any]:
    """The rows of several articles as one set of statement parameters: one entity
    row per key (so no statement reads what another of its rows wrote)."""
    merged: dict[str, dict[str, Any]] = {}
    relationships: dict[str, list[dict[str, Any]]] = {}
    for p in plans:
        published = p.article_row["published"]
        for key, row in p.entities.items():
            have = merged.get(key)
            if have is None:
                merged[key] = {
                    "key": key,
                    "name": row["name"],
                    "type": row["type"],
                    "forms": row["forms"],
                    "date": row["date"],
                    "firstSeen": published,
                    "lastSeen": published,
                }
                continue
            if any(f not in have["forms"] for f in row["forms"]):
                have["forms"] = _unique(have["forms"] + row["forms"])
            have["date"] = have["date"] or row["date"]
            have["firstSeen"] = earliest(have["firstSeen"], published)
            have["lastSeen"] = latest(have["lastSeen"], published)
        for rt, rows in p.relationships.items():
            relationships.setdefault(rt, []).extend(rows)
    entities: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in merged.values():
        entities.setdefault(names.labels[row["type"]], []).append(row)
    return {
        "articles": [p.article_row for p in plans],
        "entities": entities,
        "relationships": relationships,
    }


# --- writing ----------------------------------------------------------------------------


@dataclass
class _BatchResult:
    loaded: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    relations: int = 0
    counters: list[Any] = field(default_factory=list)
    entity_rows: list[dict[str, Any]] = field(default_factory=list)  # written


class _Written:
    """What this load has already written to each entity node (forms, first and
    last seen, whether it has a date). The node holds at least that, so a later
    row that adds nothing to it need not be sent: popular entities recur in most
    batches. Cleared when a batch replaces articles (which can shrink a node)."""

    def __init__(self) -> None:
        self.state: dict[str, tuple[frozenset[str], str | None, str | None, bool]] = {}

    def adds_nothing(self, row: dict[str, Any]) -> bool:
        known = self.state.get(row["key"])
        if known is None:
            return False
        forms, first, last, dated = known
        return (
            forms.issuperset(row["forms"])
            and (row["firstSeen"] is None or (first is not None and row["firstSeen"] >= first))
            and (row["lastSeen"] is None or (last is not None and row["lastSeen"] <= last))
            and (row["date"] is None or dated)
        )

    def record(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            forms, first, last, dated = self.state.get(row["key"], (frozenset(), None, None, False))
            self.state[row["key"]] = (
                forms.union(row["forms"]),
                earliest(first, row["firstSeen"]),
                latest(last, row["lastSeen"]),
                dated or row["date"] is not None,
            )


def earliest(a: str | None, b: str | None) -> str | None:
    """The earlier of two ISO dates, either of which may be missing."""
    return b if a is None or (b is not None and b < a) else a


def latest(a: str | None, b: str | None) -> str | None:
    """The later of two ISO dates, either of which may be missing."""
    return b if a is None or (b is not None and b > a) else a


def _write_batch(
    tx: neo4j.ManagedTransaction,
    plans: list[ArticlePlan],
    rows: dict[str, Any],
    vocab: Vocabulary,
    force: bool,
    cap: int,
    written: _Written,
) -> _BatchResult:
    result = _BatchResult()

    def run(text: str, **params: Any) -> list[neo4j.Record]:
        res = tx.run(text, **params)
        records = list(res)
        result.counters.append(res.consume().counters)
        return records

    stored = {
        rec["id"]: rec["contentHash"]
        for rec in run(statement("claim_articles"), ids=sorted({p.id for p in plans}))
        if not rec["new"]
    }
    todo = []
    for p in plans:
        if p.id in stored and stored[p.id] == p.content_hash and not force:
            result.skipped.append(p.id)
            continue
        todo.append(p)
        result.loaded.append(p.id)
        result.relations += p.relations
        if p.id in stored:
            result.replaced.append(p.id)
    if not todo:  # all skipped (so none replaced)
        return result

    moves = Moves()  # relationships created, moved to another year or deleted
    if result.replaced:
        moves.add_records(run(statement("remove_relationship_sources"), ids=result.replaced))
        run(statement("remove_mentions"), ids=result.replaced)
    if len(todo) < len(plans):  # some were skipped: rows of the others only
        rows = _combine(todo, PlanNames.of(vocab))
    for labels, entity_rows in rows["entities"].items():
        if not result.replaced:
            entity_rows = [row for row in entity_rows if not written.adds_nothing(row)]
        if entity_rows:
            run(statement("merge_entities", labels=vocab.label_expression(labels)), rows=entity_rows)
            result.entity_rows.extend(entity_rows)
    run(statement("merge_articles"), rows=rows["articles"])
    for rel_type, rel_rows in rows["relationships"].items():
        vocab.check_relationship_type(rel_type)
        records = run(statement("merge_relationships", type=rel_type), rows=rel_rows, cap=cap)
        moves.add_records(records, rel_type)
    apply_moves(tx, moves)
    return result


def load(
    driver: neo4j.Driver,
    extractions: Iterable[Extraction],
    *,
    database: str | None = None,
    force: bool = False,
    redirects: Mapping[str, Redirect] | None = None,
    batch_size: int = BATCH_SIZE,
    evidence_cap: int = EVIDENCE_CAP,
    progress: Callable[[int], None] | None = None,
    warn: Warn = ignore,
) -> LoadSummary:
    """Load extractions into the graph; returns what was loaded, skipped and created.

    ``batch_size`` is the number of extracted relations (at least one article) per
    transaction. ``progress`` is called with the number of articles each batch
    handled. ``warn`` receives one line per relation that names a missing entity
    (the article's ``source``, else its id, first).
    """
    vocab = vocabulary()
    names = PlanNames.of(vocab)
    redirects = redirects or {}
    ensure_schema(driver, database)
    rebuilt = ensure_timeline(driver, database)
    if rebuilt:
        warn(f"timeline counters rebuilt for {', '.join(rebuilt)} (they did not match the graph)")
    summary = LoadSummary()
    written = _Written()
    batches = _read_ahead(_batches(extractions, names, redirects, warn, batch_size))
    try:
        for plans, rows in batches:
            with driver.session(database=database) as session:
                res = session.execute_write(
                    _write_batch, plans, rows, vocab, force, evidence_cap, written
                )
            if res.replaced:
                written.state.clear()
            written.record(res.entity_rows)
            summary.articles_loaded += len(res.loaded)
            summary.articles_replaced += len(res.replaced)
            summary.articles_skipped += len(res.skipped)
            summary.relations_read += res.relations
            for counters in res.counters:
                summary.add(counters)
            if progress is not None:
                progress(len(plans))
    finally:
        batches.close()
    return summary


def _batches(
    extractions: Iterable[Extraction],
    names: PlanNames,
    redirects: Mapping[str, Redirect],
    warn: Warn,
    batch_size: int,
) -> Iterator[tuple[list[ArticlePlan], dict[str, Any]]]:
    """The planned articles in batches of about ``batch_size`` relations, each with
    the statement rows of all its articles (what is written when none is skipped)."""
    plans: list[ArticlePlan] = []
    ids: set[str] = set()
    size = 0
    for ex in extractions:
        plan = plan_article(ex, names, redirects, warn)
        if plan.id in ids:  # a second version of an article in one batch: the first goes first
            yield plans, _combine(plans, names)
            plans, ids, size = [], set(), 0
        plans.append(plan)
        ids.add(plan.id)
        size += max(plan.relations, 1)
        if size >= batch_size:
            yield plans, _combine(plans, names)
            plans, ids, size = [], set(), 0
    if plans:
        yield plans, _combine(plans, names)


_DONE = object()


def _read_ahead(source: Iterator[Any]) -> Generator[Any, None, None]:
    """Iterate ``source`` in a thread, one item ahead of the caller.

    Reading and planning the next batch (JSON, rows, packing; or spaCy, for
    ``ingest``) runs while the server writes the current one: the writing thread
    mostly waits on its socket, with the GIL released. Writes stay one batch at a
    time, in input order. An exception in ``source`` is raised to the caller;
    closing the generator stops the thread at its next item.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for value in source:
                while not stop.is_set():
                    try:
                        handoff.put((value, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put((_DONE, None))
        except BaseException as err:  # handed to the consuming thread, raised there
            handoff.put((_DONE, err))

    thread = threading.Thread(target=produce, name="eikg-load-planner", daemon=True)
    thread.start()
    try:
        while True:
            value, err = handoff.get()
            if err is not None:
                raise err
            if value is _DONE:
                return
            yield value
    finally:
        stop.set()
        while thread.is_alive():  # let the producer see `stop` (it may be blocked on put)
            try:
                handoff.get(timeout=0.1)
            except queue.Empty:
                pass
        thread.join()


def stored_extractions(
    driver: neo4j.Driver, ids: Iterable[str] | None, database: str | None = None
) -> list[Extraction]:
    """The extractions stored on the given Article nodes (every one when ``ids`` is
    None), to load them again or to resolve entities from. Each keeps its stored
    content hash; an entity or relation a graph of older eikg stored but this one
    cannot decode is left out, as the load that stored it left it out."""
    if ids is None:
        query, params = statement("all_extractions"), {}
    else:
        query, params = statement("stored_extractions"), {"ids": list(ids)}
    with driver.session(database=database) as session:
        records = session.execute_read(lambda tx: list(tx.run(query, **params)))
    out = []
    for rec in records:
        ex = from_json(json.loads(unpack_extraction(rec["extraction"])), on_problem=ignore)
        article = replace(ex.article, source=f"article {rec['id']}", text_hash=rec["contentHash"])
        out.append(replace(ex, article=article))
    return out
