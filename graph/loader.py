"""Load extractions into Neo4j: batched, idempotent, incremental, with provenance.

``load`` takes a stream of :class:`~eikg.records.Extraction` or :class:`LoadItem`
(the JSON object ``eikg extract`` writes, as ``read_extractions`` streams it from
a file) and writes it in batches. Each batch is one managed write transaction
(``session.execute_write``, retried on transient errors) that:

1. reads the stored content hash of the batch's articles; an article stored with
   the same hash is skipped (unless ``force``);
2. withdraws the contributions of articles stored with another hash (or an
   interrupted load): their ids leave ``sources``, their sentences leave
   ``evidence``, relationships and entities no other article supports are deleted;
3. writes entity nodes (one ``UNWIND $rows ... MERGE`` per label set), Article
   nodes with their ``MENTIONS``, and relationships (one statement per
   relationship type).

Reading and planning the input (and, for ``ingest``, spaCy) runs in a thread one
batch ahead of the writes, so it overlaps the server's work; batches are still
written one at a time, in input order.

Labels and relationship types come only from the ontology's vocabulary
(:func:`eikg.graph.ontology.vocabulary`). Relationship properties are merged as
sets keyed by article id, so loading the same input twice changes nothing; a
batch is all-or-nothing, so a load killed part-way and run again ends with the
graph an uninterrupted load gives.

Merges recorded by a person (:mod:`eikg.graph.merges`) arrive as ``redirects``:
an entity whose key was merged away is written under the key it was merged into.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j

from eikg.errors import InputError
from eikg.graph.ontology import Vocabulary, vocabulary
from eikg.graph.schema import ensure_schema
from eikg.graph.statements import statement
from eikg.graph.timeline import Moves, apply_moves, ensure_timeline
from eikg.records import (
    DEFAULT_MIN_CONFIDENCE,
    SYMMETRIC_RELATIONS,
    EntityType,
    Extraction,
    RelationType,
    at_confidence,
    to_json,
)

#: Most evidence sentences kept per relationship.
EVIDENCE_CAP = 5
#: Extracted relations per transaction.
BATCH_SIZE = 20000

Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    pass


@dataclass(frozen=True)
class LoadItem:
    """One article's extraction to load, in the JSON shape ``eikg extract`` writes.

    ``content_hash`` is the hash of the article text; ``where`` names the input
    (``file.jsonl:12``) in messages about bad rows; ``raw`` is the object's JSON
    text when it was read from a file (stored as is).
    """

    obj: Mapping[str, Any]
    content_hash: str
    where: str = ""
    raw: str | None = None

    @classmethod
    def of(cls, ex: Extraction) -> LoadItem:
        obj = to_json(ex)
        if not ex.article.text:  # text not at hand: hash what was extracted instead
            obj["content_hash"] = content_hash_of({k: v for k, v in obj.items() if k != "content_hash"})
        return cls(obj, obj["content_hash"], ex.article.source or ex.article.id)


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


# --- reading `eikg extract` output ----------------------------------------------------


def content_hash_of(obj: Mapping[str, Any]) -> str:
    """The article's content hash from an extract object, else a hash of the object itself."""
    given = obj.get("content_hash")
    if isinstance(given, str) and given:
        return given
    canonical = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_extractions(path: Path | str, warn: Warn = _ignore) -> Iterator[LoadItem]:
    """Stream the articles of an ``eikg extract`` JSON Lines file as LoadItems.

    A line that is not a JSON object with an article id gets one ``warn`` naming
    ``file:line`` and is skipped; bad entities and relations inside a line are
    reported (and left out) when the item is loaded.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    with handle:
        for n, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                warn(f"{where}: malformed JSON: {err.msg} (column {err.colno})")
                continue
            if not isinstance(obj, dict):
                warn(f"{where}: expected a JSON object, got {type(obj).__name__}")
                continue
            if not isinstance(obj.get("id"), (str, int)) or str(obj["id"]) == "":
                warn(f"{where}: no article id")
                continue
            yield LoadItem(obj, content_hash_of(obj), where, line)


# --- planning rows ----------------------------------------------------------------------


def fallback_key(type_: str, name: str) -> str:
    """A key for an entity that came without one: type + normalised name."""
    return f"{type_.lower()}:{' '.join(name.lower().split())}"


@dataclass
class _ArticlePlan:
    id: str
    content_hash: str
    article_row: dict[str, Any]
    entities: dict[str, dict[str, Any]]  # key -> entity row (name, type, forms, date, count)
    relationships: dict[str, list[dict[str, Any]]]  # relationship type -> one row per relation
    relations: int


@dataclass(frozen=True)
class _Names:
    """Plain-string lookups derived once from the vocabulary (the planner's hot loop)."""

    labels: dict[str, tuple[str, ...]]  # EntityType value -> labels
    rel_types: dict[str, str]  # RelationType value -> relationship type
    symmetric: frozenset[str]
    located_in: str

    @classmethod
    def of(cls, vocab: Vocabulary) -> _Names:
        return cls(
            labels={t.value: labels for t, labels in vocab.entity_labels.items()},
            rel_types={t.value: rt for t, rt in vocab.relationship_types.items()},
            symmetric=frozenset(t.value for t in SYMMETRIC_RELATIONS),
            located_in=vocab.relationship_types[RelationType.LOCATED_IN],
        )


def _str(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def _plan_article(
    item: LoadItem,
    names: _Names,
    redirects: Mapping[str, Redirect],
    warn: Warn,
) -> _ArticlePlan:
    """The statement rows of one article: an entity row (with its MENTIONS) per key,
    a relationship row per extracted relation. Repeats across articles are left to
    MERGE, which adds an article's sources and evidence once."""
    obj = item.obj
    aid = str(obj["id"])
    where = item.where or aid
    published = _str(obj.get("published"))
    local: dict[str, str] = {}  # entity id -> key
    rows: dict[str, dict[str, Any]] = {}  # key -> row
    places: list[tuple[str, str]] = []
    for e in obj.get("entities") or ():
        try:
            eid, name, etype = str(e["id"]), str(e["name"]), e["type"]
            aliases = e.get("aliases") or ()
            count = len(e.get("mentions") or ()) or 1
        except (KeyError, TypeError, AttributeError) as err:
            warn(f"{where}: entity {_describe(e)}: {_reason(err)}")
            continue
        if etype not in names.labels:
            warn(f"{where}: entity {eid!r}: unknown type {etype!r}")
            continue
        key = e.get("key") or fallback_key(etype, name)
        forms = [name, *(str(a) for a in aliases if a and a != name)] if aliases else [name]
        if redirects:
            target = redirects.get(key)
            if target is not None:
                key, name, etype = target.key, target.name, target.type.value
        local[eid] = key
        if e.get("place"):
            places.append((eid, str(e["place"])))
        row = rows.get(key)
        if row is None:
            rows[key] = {
                "key": key,
                "name": name,
                "type": etype,
                "forms": forms,
                "date": _str(e.get("date")),
                "count": count,
            }
        else:  # two local entities under one key (merged, or resolved alike)
            row["forms"] = _unique(row["forms"] + forms)
            row["date"] = row["date"] or _str(e.get("date"))
            row["count"] += count
    relationships: dict[str, list[dict[str, Any]]] = {}
    located: set[tuple[str, str]] = set()
    seen: set[tuple[str, str, str]] = set()
    count = 0
    for r in obj.get("relations") or ():
        try:
            h, rtype, t = str(r["head"]), r["type"], str(r["tail"])
            ev = r.get("evidence")
            sentence = ev.get("sentence") if isinstance(ev, dict) else None
            confidence = float(r.get("confidence", 1.0))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            warn(f"{where}: relation {_describe(r)}: {_reason(err)}")
            continue
        rt = names.rel_types.get(rtype)
        if rt is None:
            warn(f"{where}: relation {h} -{rtype}-> {t}: unknown type {rtype!r}")
            continue
        head, tail = local.get(h), local.get(t)
        if head is None or tail is None:
            missing = h if head is None else t
            warn(f"{where}: relation {h} -{rtype}-> {t}: no entity {missing!r}")
            continue
        count += 1
        if head == tail:  # both ends merged into one entity
            continue
        if rtype in names.symmetric and tail < head:
            head, tail = tail, head
        if (rt, head, tail) in seen:  # one row per article and relationship
            continue
        seen.add((rt, head, tail))
        if rt == names.located_in:
            located.add((head, tail))
        relationships.setdefault(rt, []).append(
            {
                "head": head,
                "tail": tail,
                "article": aid,
                "sentence": _str(sentence) or None,
                "title": _str(r.get("title")) or None,
                "confidence": confidence,
                "published": published,
            }
        )
    # An event's place is a LOCATED_IN fact even when no relation states it.
    for eid, place in places:
        pair = (local[eid], local.get(place))
        if pair[1] is not None and pair[0] != pair[1] and pair not in located:
            located.add(pair)
            relationships.setdefault(names.located_in, []).append(
                {
                    "head": pair[0],
                    "tail": pair[1],
                    "article": aid,
                    "sentence": None,
                    "title": None,
                    "confidence": 1.0,
                    "published": published,
                }
            )

    article_row = {
        "id": aid,
        "url": _str(obj.get("url")),
        "title": _str(obj.get("title")),
        "published": published,
        "publisher": _str(obj.get("publisher")),
        "contentHash": item.content_hash,
        "mentions": [
            {"key": key, "count": row["count"], "names": row["forms"]} for key, row in rows.items()
        ],
        "extraction": pack_extraction(
            item.raw if item.raw is not None else json.dumps(obj, ensure_ascii=False)
        ),
    }
    return _ArticlePlan(aid, item.content_hash, article_row, rows, relationships, count)


def pack_extraction(text: str) -> bytes:
    """An article's extraction JSON as stored on its Article node (zlib-compressed
    UTF-8: a fifth of the bytes to send and store)."""
    return zlib.compress(text.encode("utf-8"), 1)


def unpack_extraction(data: bytes | bytearray) -> str:
    return zlib.decompress(bytes(data)).decode("utf-8")


def _describe(obj: Any) -> str:
    if isinstance(obj, dict):
        if "head" in obj:
            return f"{obj.get('head')} -{obj.get('type')}-> {obj.get('tail')}"
        return repr(obj.get("id", obj.get("name", "?")))
    return repr(obj)[:40]


def _reason(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing field {err.args[0]!r}"
    return str(err) or type(err).__name__


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _combine(plans: list[_ArticlePlan], names: _Names) -> dict[str, Any]:
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
            have["firstSeen"] = _earliest(have["firstSeen"], published)
            have["lastSeen"] = _latest(have["lastSeen"], published)
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
                _earliest(first, row["firstSeen"]),
                _latest(last, row["lastSeen"]),
                dated or row["date"] is not None,
            )


def _earliest(a: str | None, b: str | None) -> str | None:
    return b if a is None or (b is not None and b < a) else a


def _latest(a: str | None, b: str | None) -> str | None:
    return b if a is None or (b is not None and b > a) else a


def _write_batch(
    tx: neo4j.ManagedTransaction,
    plans: list[_ArticlePlan],
    rows: dict[str, Any],
    vocab: Vocabulary,
    force: bool,
    cap: int,
    written: _Written,
) -> _BatchResult:
    result = _BatchResult()
    stored = {
        rec["id"]: rec["contentHash"]
        for rec in tx.run(statement("article_state"), ids=[p.id for p in plans])
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

    def run(text: str, **params: Any) -> list[neo4j.Record]:
        res = tx.run(text, **params)
        records = list(res)
        result.counters.append(res.consume().counters)
        return records

    moves = Moves()  # relationships created, moved to another year or deleted
    if result.replaced:
        moves.add_records(run(statement("remove_relationship_sources"), ids=result.replaced))
        run(statement("remove_mentions"), ids=result.replaced)
    if len(todo) < len(plans):  # some were skipped: rows of the others only
        rows = _combine(todo, _Names.of(vocab))
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
    items: Iterable[Extraction | LoadItem],
    *,
    database: str | None = None,
    force: bool = False,
    redirects: Mapping[str, Redirect] | None = None,
    batch_size: int = BATCH_SIZE,
    evidence_cap: int = EVIDENCE_CAP,
    progress: Callable[[int], None] | None = None,
    warn: Warn = _ignore,
) -> LoadSummary:
    """Load extractions into the graph; returns what was loaded, skipped and created.

    ``batch_size`` is the number of extracted relations (at least one article) per
    transaction. ``progress`` is called with the number of articles each batch
    handled. ``warn`` receives one line per relation that names a missing entity.
    """
    vocab = vocabulary()
    names = _Names.of(vocab)
    redirects = redirects or {}
    ensure_schema(driver, database)
    rebuilt = ensure_timeline(driver, database)
    if rebuilt:
        warn(f"timeline counters rebuilt for {', '.join(rebuilt)} (they did not match the graph)")
    summary = LoadSummary()
    written = _Written()
    batches = _read_ahead(_batches(items, names, redirects, warn, batch_size))
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
    items: Iterable[Extraction | LoadItem],
    names: _Names,
    redirects: Mapping[str, Redirect],
    warn: Warn,
    batch_size: int,
) -> Iterator[tuple[list[_ArticlePlan], dict[str, Any]]]:
    """The planned articles in batches of about ``batch_size`` relations, each with
    the statement rows of all its articles (what is written when none is skipped)."""
    plans: list[_ArticlePlan] = []
    ids: set[str] = set()
    size = 0
    for item in items:
        if isinstance(item, Extraction):
            item = LoadItem.of(item)
        plan = _plan_article(item, names, redirects, warn)
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


def stored_items(
    driver: neo4j.Driver, ids: Iterable[str] | None, database: str | None = None
) -> list[LoadItem]:
    """The extractions stored on the given Article nodes (every one when ``ids`` is
    None), to load them again or to resolve entities from."""
    if ids is None:
        query, params = statement("all_extractions"), {}
    else:
        query, params = statement("stored_extractions"), {"ids": list(ids)}
    with driver.session(database=database) as session:
        records = session.execute_read(lambda tx: list(tx.run(query, **params)))
    items = []
    for rec in records:
        raw = unpack_extraction(rec["extraction"])
        items.append(LoadItem(json.loads(raw), rec["contentHash"], f"article {rec['id']}", raw))
    return items


def ingest(
    driver: neo4j.Driver,
    paths: Iterable[str | Path],
    *,
    database: str | None = None,
    force: bool = False,
    redirects: Mapping[str, Redirect] | None = None,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    warn: Warn = _ignore,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> LoadSummary:
    """Read the articles in ``paths``, extract them with spaCy and load the result.

    ``workers`` > 1 runs spaCy in that many processes (the load stays one writer).
    Entities and relations below ``min_confidence`` stay out of the graph.
    ``warn`` gets one line per file, JSONL line or relation that was skipped.
    """
    from eikg.ingest.model import DEFAULT_MODEL
    from eikg.ingest.pipeline import extract
    from eikg.ingest.sources import read_articles

    articles = read_articles(paths, on_problem=warn)

    def extracted() -> Iterator[Extraction]:
        # extraction is the slow part: count progress as articles leave spaCy
        for ex in extract(articles, model=model or DEFAULT_MODEL, workers=workers):
            yield at_confidence(ex, min_confidence)
            if progress is not None:
                progress(1)

    return load(
        driver,
        extracted(),
        database=database,
        force=force,
        redirects=redirects,
        batch_size=batch_size,
        warn=warn,
    )
