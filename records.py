"""Typed records that flow ingest -> graph -> queries.

Nothing here knows about spaCy, Neo4j or rdflib: these are the plain values the
stages hand to each other, and the JSON Lines shape of ``eikg extract`` output
(``to_json`` / ``from_json``), which follows the gold annotation format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from eikg.errors import InputError


class EntityType(str, Enum):
    PERSON = "PERSON"
    COLLEGE = "COLLEGE"
    ENTERPRISE = "ENTERPRISE"
    ALLIANCE = "ALLIANCE"
    GOVERNMENT = "GOVERNMENT"
    ORGANIZATION = "ORGANIZATION"
    EVENT = "EVENT"
    PLACE = "PLACE"
    PLATFORM = "PLATFORM"
    POLICY = "POLICY"


#: Entity types that the annotation guideline scores (PLATFORM and POLICY are not).
SCORED_ENTITY_TYPES = frozenset(
    t for t in EntityType if t not in (EntityType.PLATFORM, EntityType.POLICY)
)

#: Organisation-like types: anything that can partner, hold members, organise.
ORGANIZATION_TYPES = frozenset(
    {
        EntityType.COLLEGE,
        EntityType.ENTERPRISE,
        EntityType.ALLIANCE,
        EntityType.GOVERNMENT,
        EntityType.ORGANIZATION,
    }
)


class RelationType(str, Enum):
    HOLDS_POSITION = "HOLDS_POSITION"
    PARTNERS_WITH = "PARTNERS_WITH"
    MEMBER_OF = "MEMBER_OF"
    LEADS = "LEADS"
    ORGANIZED = "ORGANIZED"
    PARTICIPATED_IN = "PARTICIPATED_IN"
    LOCATED_IN = "LOCATED_IN"
    VISITED = "VISITED"
    PART_OF = "PART_OF"


#: Relations whose direction carries no meaning.
SYMMETRIC_RELATIONS = frozenset({RelationType.PARTNERS_WITH})


@dataclass(frozen=True)
class Article:
    """One news article as read from a source file."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date, yyyy-mm-dd
    publisher: str | None = None
    source: str | None = None  # the file (and line) it was read from
    text_hash: str | None = None  # the content hash recorded with it, when the text is not at hand

    @property
    def content_hash(self) -> str:
        if self.text_hash is not None:
            return self.text_hash
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Span:
    """Character offsets into an article's text (end exclusive)."""

    start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    """The sentence that supports a relation, with its offsets in the article."""

    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    """One real-world thing named in one article (not one mention).

    ``id`` is local to the article (``e1``); ``key`` is the canonical key shared by
    every article that names the same thing (type + normalised name, or the key
    an abbreviation was tied to).
    """

    id: str
    key: str
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()
    date: str | None = None  # events: ISO date
    place: str | None = None  # events: the id of the PLACE entity
    confidence: float = 1.0  # the entity layer's probability for its type


@dataclass(frozen=True)
class Relation:
    head: str  # entity id within the article
    type: RelationType
    tail: str
    evidence: Evidence
    title: str | None = None  # HOLDS_POSITION
    date: str | None = None
    confidence: float = 1.0
    rule: str | None = None  # the extraction rule that proposed it (ingest/relations/, one module per family)


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()

    def entity(self, entity_id: str) -> Entity:
        for e in self.entities:
            if e.id == entity_id:
                return e
        raise KeyError(f"no entity {entity_id!r} in article {self.article.id!r}")

    @property
    def content_hash(self) -> str:
        """What tells versions of this extraction apart: the article's content hash,
        or, with neither its text nor a recorded hash at hand, a hash of what was extracted."""
        a = self.article
        if a.text or a.text_hash is not None:
            return a.content_hash
        obj = to_json(self)
        del obj["content_hash"]
        canonical = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- JSON Lines shape of `eikg extract` ------------------------------------------------


def to_json(ex: Extraction) -> dict[str, Any]:
    """The JSON object ``eikg extract`` writes for one article."""
    a = ex.article
    out: dict[str, Any] = {
        "id": a.id,
        "title": a.title,
        "url": a.url,
        "published": a.published,
        "publisher": a.publisher,
        "content_hash": a.content_hash,
        "entities": [],
        "relations": [],
    }
    for e in ex.entities:
        d: dict[str, Any] = {
            "id": e.id,
            "key": e.key,
            "name": e.name,
            "type": e.type.value,
            "aliases": list(e.aliases),
            "mentions": [{"start": m.start, "end": m.end} for m in e.mentions],
        }
        if e.date is not None:
            d["date"] = e.date
        if e.place is not None:
            d["place"] = e.place
        d["confidence"] = e.confidence
        out["entities"].append(d)
    for r in ex.relations:
        d = {"head": r.head, "type": r.type.value, "tail": r.tail}
        if r.title is not None:
            d["title"] = r.title
        if r.date is not None:
            d["date"] = r.date
        d["evidence"] = {
            "sentence": r.evidence.sentence,
            "start": r.evidence.start,
            "end": r.evidence.end,
        }
        d["confidence"] = r.confidence
        if r.rule is not None:
            d["rule"] = r.rule
        out["relations"].append(d)
    return out


#: The confidence below which ``eikg ingest`` keeps a fact out of the graph by
#: default. Chosen from ``eikg eval --cv 5``: at 0.5, cross-validated entity
#: precision rises from 0.84 to 0.87 (F1 unchanged, 0.75) and relation precision
#: from 0.67 to 0.71 (F1 0.46 either way): a graph people act on wants fewer wrong facts.
DEFAULT_MIN_CONFIDENCE = 0.5


def at_confidence(ex: Extraction, level: float) -> Extraction:
    """``ex`` without the entities and relations below ``level`` confidence (a
    relation goes with either of its ends; an event's place with the place)."""
    if level <= 0.0:
        return ex
    entities = [e for e in ex.entities if e.confidence >= level]
    kept = {e.id for e in entities}
    entities = [e if e.place is None or e.place in kept else replace(e, place=None) for e in entities]
    relations = tuple(
        r for r in ex.relations if r.confidence >= level and r.head in kept and r.tail in kept
    )
    return replace(ex, entities=tuple(entities), relations=relations)


Problem = Callable[[str], None]


def from_json(obj: dict[str, Any], text: str = "", on_problem: Problem | None = None) -> Extraction:
    """Rebuild an Extraction from ``to_json`` output.

    The article text is not part of the extract output; pass it when known (else
    the object's ``content_hash`` is kept as the article's ``text_hash``).

    Without ``on_problem`` a bad entity or relation raises (KeyError, TypeError or
    ValueError); with it, each gets one line there (``entity 'e3': unknown type
    'SPACESHIP'``) and is left out, and the rest is decoded.
    """
    article = Article(
        id=str(obj["id"]),
        text=text,
        title=_text(obj.get("title")),
        url=_text(obj.get("url")),
        published=_text(obj.get("published")),
        publisher=_text(obj.get("publisher")),
        text_hash=None if text else _text(obj.get("content_hash")) or None,
    )
    entities = _decoded(obj.get("entities"), _entity_from_json, "entity", on_problem)
    relations = _decoded(obj.get("relations"), _relation_from_json, "relation", on_problem)
    return Extraction(article=article, entities=entities, relations=relations)


def _entity_from_json(e: dict[str, Any]) -> Entity:
    eid, etype = str(e["id"]), e["type"]
    if etype not in EntityType.__members__:
        raise _Unknown(f"entity {eid!r}: unknown type {etype!r}")
    return Entity(
        id=eid,
        key=str(e.get("key") or ""),
        name=str(e["name"]),
        type=EntityType(etype),
        aliases=tuple(e.get("aliases") or ()),
        mentions=tuple(Span(int(m["start"]), int(m["end"])) for m in e.get("mentions") or ()),
        date=_text(e.get("date")),
        place=_text(e.get("place")),
        confidence=float(e.get("confidence", 1.0)),
    )


def _relation_from_json(r: dict[str, Any]) -> Relation:
    head, rtype, tail = str(r["head"]), r["type"], str(r["tail"])
    if rtype not in RelationType.__members__:
        raise _Unknown(f"relation {head} -{rtype}-> {tail}: unknown type {rtype!r}")
    ev = r.get("evidence")
    ev = ev if isinstance(ev, dict) else {}
    return Relation(
        head=head,
        type=RelationType(rtype),
        tail=tail,
        evidence=Evidence(
            sentence=str(ev.get("sentence") or ""),
            start=int(ev.get("start", 0)),
            end=int(ev.get("end", 0)),
        ),
        title=_text(r.get("title")),
        date=_text(r.get("date")),
        confidence=float(r.get("confidence", 1.0)),
        rule=_text(r.get("rule")),
    )


class _Unknown(ValueError):
    """A type outside the closed vocabulary; its message is the whole report."""


def _decoded(items: Any, decode: Callable[[Any], Any], what: str, on_problem: Problem | None) -> tuple:
    out = []
    for item in items or ():
        try:
            out.append(decode(item))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            if on_problem is None:
                raise
            on_problem(str(err) if isinstance(err, _Unknown) else f"{what} {_describe(item)}: {_reason(err)}")
    return tuple(out)


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


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


def jsonl_lines(path: Path | str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank line of a JSON Lines file; an
    InputError naming the file when it cannot be read."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    with handle:
        for n, line in enumerate(handle, 1):
            if line.strip():
                yield n, line
