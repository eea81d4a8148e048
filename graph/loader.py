"""Load extractions into Neo4j: batched, idempotent, incremental, with provenance.

``load`` takes a stream of :class:`~eikg.records.Extraction` (or
:class:`LoadItem`, which carries the content hash when the article text is not at
hand) and writes it in batches. Each batch is one managed write transaction
(``session.execute_write``, retried on transient errors) that:

1. reads the stored content hash of the batch's articles; an article stored with
   the same hash is skipped (unless ``force``);
2. withdraws the contributions of articles stored with another hash (or an
   interrupted load): their ids leave ``sources``, their sentences leave
   ``evidence``, relationships and entities no other article supports are deleted;
3. writes Article nodes, entity nodes (one ``UNWIND $rows ... MERGE`` per label
   set), ``MENTIONS`` and relationships (one statement per relationship type).

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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j

from eikg.errors import InputError
from eikg.graph.ontology import Vocabulary, vocabulary
from eikg.graph.schema import ensure_schema
from eikg.graph.statements import statement
from eikg.records import (
    SYMMETRIC_RELATIONS,
    Article,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Relation,
    RelationType,
    Span,
    to_json,
)

#: Most evidence sentences kept per relationship.
EVIDENCE_CAP = 5
#: Relationships (extracted relations) per transaction.
BATCH_SIZE = 5000

Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    pass


@dataclass(frozen=True)
class LoadItem:
    """One extraction to load, with the hash of its article's text.

    ``where`` names the input (``file.jsonl:12``) in messages about bad rows.
    """

    extraction: Extraction
    content_hash: str
    where: str = ""


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


def parse_extraction(obj: Any, where: str, warn: Warn = _ignore) -> LoadItem | None:
    """One ``eikg extract`` object -> LoadItem; bad entities or relations are reported
    (``warn``, naming ``where``) and left out, a bad object gives None."""
    if not isinstance(obj, dict):
        warn(f"{where}: expected a JSON object, got {type(obj).__name__}")
        return None
    article_id = obj.get("id")
    if not isinstance(article_id, (str, int)) or str(article_id) == "":
        warn(f"{where}: no article id")
        return None
    article = Article(
        id=str(article_id),
        text="",
        title=_str_or_none(obj.get("title")),
        url=_str_or_none(obj.get("url")),
        published=_str_or_none(obj.get("published")),
        publisher=_str_or_none(obj.get("publisher")),
        source=where,
    )
    entities = []
    for e in obj.get("entities") or ():
        try:
            entities.append(
                Entity(
                    id=str(e["id"]),
                    key=str(e.get("key") or ""),
                    name=str(e["name"]),
                    type=EntityType(e["type"]),
                    aliases=tuple(str(a) for a in e.get("aliases") or ()),
                    mentions=tuple(
                        Span(int(m["start"]), int(m["end"])) for m in e.get("mentions") or ()
                    ),
                    date=_str_or_none(e.get("date")),
                    place=_str_or_none(e.get("place")),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            warn(f"{where}: entity {_describe(e)}: {_reason(err)}")
    relations = []
    for r in obj.get("relations") or ():
        try:
            ev = r.get("evidence") or {}
            relations.append(
                Relation(
                    head=str(r["head"]),
                    type=RelationType(r["type"]),
                    tail=str(r["tail"]),
                    evidence=Evidence(
                        sentence=str(ev.get("sentence", "")),
                        start=int(ev.get("start", 0)),
                        end=int(ev.get("end", 0)),
                    ),
                    title=_str_or_none(r.get("title")),
                    date=_str_or_none(r.get("date")),
                    confidence=float(r.get("confidence", 1.0)),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            warn(f"{where}: relation {_describe(r)}: {_reason(err)}")
    ex = Extraction(article=article, entities=tuple(entities), relations=tuple(relations))
    return LoadItem(ex, content_hash_of(obj), where)


def read_extractions(path: Path | str, warn: Warn = _ignore) -> Iterator[LoadItem]:
    """Stream the LoadItems of an ``eikg extract`` JSON Lines file.

    A line that is not JSON, or an entity or relation that cannot be read, gets
    one ``warn`` naming ``file:line``; the rest is read.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    with handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                warn(f"{where}: malformed JSON: {err.msg} (column {err.colno})")
                continue
            item = parse_extraction(obj, where, warn)
            if item is not None:
                yield item


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _describe(obj: Any) -> str:
    if isinstance(obj, dict):
        if "head" in obj:
            return f"{obj.get('head')} -{obj.get('type')}-> {obj.get('tail')}"
        return repr(obj.get("id", obj.get("name", "?")))
    return repr(obj)[:40]


def _reason(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing field {err.args[0]!r}"
    if isinstance(err, ValueError) and "is not a valid" in str(err):
        return f"unknown type ({err})"
    return str(err) or type(err).__name__


# --- planning rows ----------------------------------------------------------------------


def fallback_key(entity: Entity) -> str:
    """A key for an entity that came without one: type + normalised name."""
    return f"{entity.type.value.lower()}:{' '.join(entity.name.lower().split())}"


@dataclass
class _ArticlePlan:
    id: str
    content_hash: str
    article_row: dict[str, Any]
    entities: dict[str, dict[str, Any]]  # key -> row
    mentions: dict[str, dict[str, Any]]  # key -> row
    relationships: dict[tuple[str, str, str], dict[str, Any]]  # (type, head, tail) -> row
    relations: int


def _plan_article(
    item: LoadItem,
    vocab: Vocabulary,
    redirects: Mapping[str, Redirect],
    cap: int,
    warn: Warn,
) -> _ArticlePlan:
    ex = item.extraction
    art = ex.article
    where = item.where or art.source or art.id
    published = art.published
    local: dict[str, str] = {}  # entity id -> key
    entities: dict[str, dict[str, Any]] = {}
    mentions: dict[str, dict[str, Any]] = {}
    for e in ex.entities:
        key = e.key or fallback_key(e)
        name, etype = e.name, e.type
        target = redirects.get(key)
        if target is not None:
            key, name, etype = target.key, target.name, target.type
        local[e.id] = key
        forms = _unique([e.name, *e.aliases])
        row = entities.get(key)
        if row is None:
            entities[key] = {
                "key": key,
                "name": name,
                "type": etype.value,
                "forms": forms,
                "date": e.date,
                "firstSeen": published,
                "lastSeen": published,
            }
        else:
            row["forms"] = _unique(row["forms"] + forms)
            row["date"] = row["date"] or e.date
        m = mentions.get(key)
        count = max(len(e.mentions), 1)
        if m is None:
            mentions[key] = {"article": art.id, "key": key, "count": count, "names": forms}
        else:
            m["count"] += count
            m["names"] = _unique(m["names"] + forms)

    relationships: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(rtype: RelationType, head: str, tail: str, rel: Relation | None) -> None:
        if rtype in SYMMETRIC_RELATIONS and tail < head:
            head, tail = tail, head
        if head == tail:  # both ends merged into one entity
            return
        rt = vocab.relationship_types[rtype]
        k = (rt, head, tail)
        row = relationships.get(k)
        confidence = rel.confidence if rel is not None else 1.0
        if row is None:
            row = relationships[k] = {
                "head": head,
                "tail": tail,
                "sources": [art.id],
                "evidence": [],
                "evidenceSources": [],
                "confidence": confidence,
                "firstSeen": published,
                "lastSeen": published,
                "title": None,
            }
        else:
            row["confidence"] = max(row["confidence"], confidence)
        if rel is not None:
            sentence = rel.evidence.sentence
            if sentence and sentence not in row["evidence"] and len(row["evidence"]) < cap:
                row["evidence"].append(sentence)
                row["evidenceSources"].append(art.id)
            if row["title"] is None and rel.title:
                row["title"] = rel.title

    for r in ex.relations:
        head, tail = local.get(r.head), local.get(r.tail)
        if head is None or tail is None:
            missing = r.head if head is None else r.tail
            warn(f"{where}: relation {r.head} -{r.type.value}-> {r.tail}: no entity {missing!r}")
            continue
        add(r.type, head, tail, r)
    # An event's place is a LOCATED_IN fact even when no relation states it.
    for e in ex.entities:
        if e.place and e.place in local and e.id in local:
            k = (vocab.relationship_types[RelationType.LOCATED_IN], local[e.id], local[e.place])
            if k not in relationships:
                add(RelationType.LOCATED_IN, local[e.id], local[e.place], None)

    stored = to_json(ex)
    stored["content_hash"] = item.content_hash
    article_row = {
        "id": art.id,
        "url": art.url,
        "title": art.title,
        "published": published,
        "publisher": art.publisher,
        "contentHash": item.content_hash,
        "extraction": json.dumps(stored, ensure_ascii=False, separators=(",", ":")),
    }
    return _ArticlePlan(
        art.id, item.content_hash, article_row, entities, mentions, relationships, len(ex.relations)
    )


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _earlier(a: str | None, b: str | None) -> str | None:
    return b if a is None or (b is not None and b < a) else a


def _later(a: str | None, b: str | None) -> str | None:
    return b if a is None or (b is not None and b > a) else a


def _combine(plans: list[_ArticlePlan], vocab: Vocabulary, cap: int) -> dict[str, Any]:
    """Merge the rows of several articles into one set of statement parameters."""
    entities: dict[str, dict[str, Any]] = {}
    mentions: list[dict[str, Any]] = []
    rels: dict[tuple[str, str, str], dict[str, Any]] = {}
    for p in plans:
        for key, row in p.entities.items():
            have = entities.get(key)
            if have is None:
                entities[key] = dict(row, forms=list(row["forms"]))
            else:
                have["forms"] = _unique(have["forms"] + row["forms"])
                have["date"] = have["date"] or row["date"]
                have["firstSeen"] = _earlier(have["firstSeen"], row["firstSeen"])
                have["lastSeen"] = _later(have["lastSeen"], row["lastSeen"])
        mentions.extend(p.mentions.values())
        for k, row in p.relationships.items():
            have = rels.get(k)
            if have is None:
                rels[k] = dict(
                    row,
                    sources=list(row["sources"]),
                    evidence=list(row["evidence"]),
                    evidenceSources=list(row["evidenceSources"]),
                )
                continue
            have["sources"] += [s for s in row["sources"] if s not in have["sources"]]
            for sentence, source in zip(row["evidence"], row["evidenceSources"]):
                if len(have["evidence"]) < cap:
                    have["evidence"].append(sentence)
                    have["evidenceSources"].append(source)
            have["confidence"] = max(have["confidence"], row["confidence"])
            have["title"] = have["title"] or row["title"]
            have["firstSeen"] = _earlier(have["firstSeen"], row["firstSeen"])
            have["lastSeen"] = _later(have["lastSeen"], row["lastSeen"])
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in entities.values():
        labels = vocab.entity_labels[EntityType(row["type"])]
        by_labels.setdefault(labels, []).append(row)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for (rt, _, _), row in rels.items():
        by_type.setdefault(rt, []).append(row)
    return {
        "articles": [p.article_row for p in plans],
        "entities": by_labels,
        "mentions": mentions,
        "relationships": by_type,
    }


# --- writing ----------------------------------------------------------------------------


@dataclass
class _BatchResult:
    loaded: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    relations: int = 0
    counters: list[Any] = field(default_factory=list)


def _write_batch(
    tx: neo4j.ManagedTransaction,
    plans: list[_ArticlePlan],
    vocab: Vocabulary,
    force: bool,
    cap: int,
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
    if result.replaced:
        for name in ("remove_relationship_sources", "remove_mentions"):
            result.counters.append(tx.run(statement(name), ids=result.replaced).consume().counters)
    if not todo:
        return result
    rows = _combine(todo, vocab, cap)

    def run(text: str, **params: Any) -> None:
        result.counters.append(tx.run(text, **params).consume().counters)

    run(statement("merge_articles"), rows=rows["articles"])
    for labels, entity_rows in rows["entities"].items():
        run(statement("merge_entities", labels=vocab.label_expression(labels)), rows=entity_rows)
    run(statement("merge_mentions"), rows=rows["mentions"])
    for rel_type, rel_rows in rows["relationships"].items():
        vocab.check_relationship_type(rel_type)
        run(statement("merge_relationships", type=rel_type), rows=rel_rows, cap=cap)
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
    redirects = redirects or {}
    ensure_schema(driver, database)
    summary = LoadSummary()
    plans: list[_ArticlePlan] = []
    ids: set[str] = set()
    size = 0

    def flush() -> None:
        nonlocal plans, ids, size
        if not plans:
            return
        with driver.session(database=database) as session:
            res = session.execute_write(_write_batch, plans, vocab, force, evidence_cap)
        summary.articles_loaded += len(res.loaded)
        summary.articles_replaced += len(res.replaced)
        summary.articles_skipped += len(res.skipped)
        summary.relations_read += res.relations
        for counters in res.counters:
            summary.add(counters)
        if progress is not None:
            progress(len(plans))
        plans, ids, size = [], set(), 0

    for item in items:
        if isinstance(item, Extraction):
            item = LoadItem(item, item.article.content_hash, item.article.source or "")
        plan = _plan_article(item, vocab, redirects, evidence_cap, warn)
        if plan.id in ids:  # a second version of an article in one batch: the first goes first
            flush()
        plans.append(plan)
        ids.add(plan.id)
        size += max(plan.relations, 1)
        if size >= batch_size:
            flush()
    flush()
    return summary


def stored_items(
    driver: neo4j.Driver, ids: Iterable[str], database: str | None = None
) -> list[LoadItem]:
    """The extractions stored on the given Article nodes, to load them again."""
    with driver.session(database=database) as session:
        records = session.execute_read(
            lambda tx: list(tx.run(statement("stored_extractions"), ids=list(ids)))
        )
    items = []
    for rec in records:
        where = f"article {rec['id']}"
        item = parse_extraction(json.loads(rec["extraction"]), where)
        if item is not None:
            items.append(LoadItem(item.extraction, rec["contentHash"], where))
    return items


def ingest(
    driver: neo4j.Driver,
    paths: Iterable[str | Path],
    *,
    database: str | None = None,
    force: bool = False,
    redirects: Mapping[str, Redirect] | None = None,
    model: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    warn: Warn = _ignore,
) -> LoadSummary:
    """Read the articles in ``paths``, extract them with spaCy and load the result.

    ``warn`` gets one line per file, JSONL line or relation that was skipped.
    """
    from eikg.ingest.model import DEFAULT_MODEL
    from eikg.ingest.pipeline import extract
    from eikg.ingest.sources import read_articles

    articles = read_articles(paths, on_problem=warn)

    def extracted() -> Iterator[Extraction]:
        # extraction is the slow part: count progress as articles leave spaCy
        for ex in extract(articles, model=model or DEFAULT_MODEL):
            yield ex
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
