"""Articles in, extractions out: the streaming extraction pipeline.

``extract`` feeds articles through one spaCy pipeline with ``nlp.pipe`` (batched,
optionally in several processes), turns the drafts the eikg components leave on
each Doc (``ingest/drafts.py``) into ``eikg.records`` with canonical keys
(``ingest/resolve.py``), and yields one ``Extraction`` per article, in input
order. Nothing is held beyond the batches in flight and the resolver's table of
distinct names.

A text longer than ``CHUNK_CHARS`` (or ``nlp.max_length`` when that is
smaller) is cut into chunks at paragraph, line or sentence boundaries; offsets
stay relative to the article and the chunks' drafts merge into one extraction
(same normalised name and compatible type = one entity). Batches are capped at
``BATCH_CHARS`` characters as well as ``batch_size`` texts, so however long an
article, the model works on a bounded amount of text at a time.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from eikg.errors import InputError
from eikg.ingest.drafts import EntityDraft, RelationDraft
from eikg.ingest.model import DEFAULT_MODEL
from eikg.ingest.resolve import Resolver, compatible, normalise_name
from eikg.ingest.sources import read_articles
from eikg.records import (
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

#: Longest text handed to spaCy at once, in characters. The statistical model's
#: working memory grows with the text it holds (about 2.7 MB per 1,000
#: characters for en_core_web_sm), so a 1 MB article in one piece peaks near
#: 3 GB; news articles are far shorter than this, and are never split.
CHUNK_CHARS = 20_000
#: Most characters in one batch through the pipeline (a batch also ends at
#: ``batch_size`` texts): the model's working memory stays near 300 MB.
BATCH_CHARS = 100_000


def build_pipeline(model: str = DEFAULT_MODEL, **options) -> Language:
    """The eikg pipeline (``ingest.nlp.build_nlp``; ``options`` such as
    ``learned=None`` go to it)."""
    from eikg.ingest.nlp import build_nlp

    return build_nlp(model=model, **options)


def extract(
    articles: Iterable[Article],
    nlp: Language | None = None,
    *,
    batch_size: int = 32,
    workers: int = 1,
    model: str = DEFAULT_MODEL,
    max_length: int | None = None,
    resolver: Resolver | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> Iterator[Extraction]:
    """Extract entities and relations from ``articles``, one ``Extraction`` each.

    ``nlp`` defaults to the eikg pipeline built on ``model``. ``workers`` > 1
    runs spaCy in that many processes. ``max_length`` (default ``CHUNK_CHARS``,
    or ``nlp.max_length`` if smaller) is the longest text handed to spaCy at
    once; longer articles are extracted in parts. ``resolver`` carries
    canonical keys across calls (a fresh one by default). ``on_notice`` hears
    of each article that had to be split, in one line naming its source.
    """
    if resolver is None:
        resolver = Resolver()
    drafted = draft_articles(
        articles, nlp if nlp is not None else build_pipeline(model),
        batch_size=batch_size, workers=workers, max_length=max_length, on_notice=on_notice,
    )
    for article, drafts in drafted:
        yield drafts.finish(article, resolver)


def draft_articles(
    articles: Iterable[Article], nlp: Language, *, batch_size: int = 32, workers: int = 1,
    max_length: int | None = None, on_notice: Callable[[str], None] | None = None,
) -> Iterator[tuple[Article, _Merger]]:
    """``extract`` up to cross-article keys: each article with its merged drafts, in
    input order. ``drafts.finish(article, resolver)`` is its Extraction; the drafts
    depend on the article alone, so they can be made anywhere (``ingest/distributed.py``)
    and finished in input order by one resolver."""
    limit = max_length or min(nlp.max_length, CHUNK_CHARS)
    pending: dict[int, _Pending] = {}

    def docs() -> Iterator[tuple[Doc, tuple[int, int]]]:
        for seq, article in enumerate(articles):
            chunks = split_text(article.text, limit)
            if len(chunks) > 1 and on_notice is not None:
                on_notice(
                    f"{article.source or article.id}: {len(article.text)} characters, more "
                    f"than {limit} at once; extracted in {len(chunks)} parts"
                )
            pending[seq] = _Pending(article, len(chunks))
            for offset, chunk in chunks:
                doc = nlp.make_doc(chunk)
                doc._.eikg_published = article.published
                doc._.eikg_publisher = article.publisher
                yield doc, (seq, offset)

    if workers > 1:
        # Workers take batches of batch_size texts: size them for the longest chunk.
        size = max(1, min(batch_size, BATCH_CHARS // limit))
        processed = nlp.pipe(docs(), as_tuples=True, batch_size=size, n_process=workers)
    else:
        processed = (
            item
            for batch in _batches(docs(), batch_size, BATCH_CHARS)
            for item in nlp.pipe(batch, as_tuples=True, batch_size=len(batch))
        )
    for doc, (seq, offset) in processed:
        state = pending[seq]
        state.merger.add(doc._.eikg_entities or (), doc._.eikg_relations or (), offset)
        state.remaining -= 1
        if state.remaining == 0:
            del pending[seq]
            yield state.article, state.merger


def _batches(
    items: Iterable[tuple[Doc, tuple[int, int]]], size: int, chars: int
) -> Iterator[list[tuple[Doc, tuple[int, int]]]]:
    """``items`` in lists of at most ``size`` docs and ``chars`` characters (a longer doc alone)."""
    batch: list[tuple[Doc, tuple[int, int]]] = []
    held = 0
    for item in items:
        doc = item[0]
        n = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        if batch and (len(batch) >= size or held + n > chars):
            yield batch
            batch, held = [], 0
        batch.append(item)
        held += n
    if batch:
        yield batch


@dataclass
class ExtractSummary:
    """What one ``extract_files`` run did."""

    articles: int = 0  # extracted
    skipped: int = 0  # files or JSONL lines that could not be read
    entities: int = 0
    relations: int = 0

    def write(self, out: TextIO, ex: Extraction) -> None:
        """Write ``ex`` to ``out`` as one JSON line, and count it."""
        out.write(json.dumps(to_json(ex), ensure_ascii=False) + "\n")
        self.articles += 1
        self.entities += len(ex.entities)
        self.relations += len(ex.relations)


def extract_files(
    paths: Iterable[str | os.PathLike],
    out: TextIO,
    *,
    model: str = DEFAULT_MODEL,
    batch_size: int = 32,
    workers: int = 1,
    nlp: Language | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_article: Callable[[Extraction], None] | None = None,
) -> ExtractSummary:
    """Read the articles in ``paths``, extract them, write JSON Lines to ``out``.

    One ``records.to_json`` object per line, in input order. ``on_problem`` gets
    one line per skipped file or JSONL line, and (not counted as skipped) per
    article split for its length; ``on_article`` is called after each article
    is written (for progress).
    """
    summary = ExtractSummary()

    def problem(message: str) -> None:
        summary.skipped += 1
        if on_problem is not None:
            on_problem(message)

    articles = read_articles(paths, on_problem=problem)
    for ex in extract(
        articles, nlp, batch_size=batch_size, workers=workers, model=model, on_notice=on_problem
    ):
        summary.write(out, ex)
        if on_article is not None:
            on_article(ex)
    return summary


def write_extractions(
    paths: Iterable[str | os.PathLike], out: str | os.PathLike | None, **options: Any
) -> ExtractSummary:
    """``extract_files`` into the file ``out`` (created or replaced), or to stdout
    when ``out`` is None; ``options`` as for ``extract_files``.

    Raises InputError naming ``out`` when it cannot be written.
    """
    if not out:
        return extract_files(paths, sys.stdout, **options)
    try:
        sink = open(out, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror or err}") from None
    with sink:
        return extract_files(paths, sink, **options)


@dataclass
class _Pending:
    article: Article
    remaining: int
    merger: _Merger = field(default_factory=lambda: _Merger())


# --- long texts -----------------------------------------------------------------------

_BREAKS = (
    re.compile(r"\n\s*\n"),  # paragraph
    re.compile(r"\n"),  # line
    re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+"),  # sentence
    re.compile(r"\s+"),  # word
)


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Cut ``text`` into ``(offset, chunk)`` pieces of at most ``limit`` characters.

    Cuts fall at the last paragraph break that fits, else a line break, a
    sentence end, a space, and only as a last resort inside a word.

    >>> split_text("One. Two. Three.", 10)
    [(0, 'One. Two. '), (10, 'Three.')]
    """
    if limit <= 0:
        raise ValueError(f"max_length must be positive, got {limit}")
    if len(text) <= limit:
        return [(0, text)]
    chunks = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = limit
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window) if m.end() <= limit]
            # A cut in the first quarter would make tiny chunks; try a finer break.
            ends = [e for e in ends if e > limit // 4]
            if ends:
                cut = ends[-1]
                break
        chunks.append((start, text[start : start + cut]))
        start += cut
    chunks.append((start, text[start:]))
    return chunks


# --- drafts -> records ----------------------------------------------------------------


def merge_drafts(
    article: Article,
    chunks: Iterable[tuple[int, Iterable[EntityDraft], Iterable[RelationDraft]]],
    resolver: Resolver | None = None,
) -> Extraction:
    """Records for ``article`` from the drafts of its chunks ``(offset, entities, relations)``.

    Draft offsets are relative to their chunk, which starts at ``offset`` in the
    article. Entities of later chunks join an earlier one with the same
    normalised name (or a shared alias) and a compatible type; a relation that
    a later chunk repeats (same head, type and tail, either way round for
    PARTNERS_WITH) is kept once, as within one text. Entity ids are renumbered
    ``e1``, ``e2``, ... in order of appearance.
    """
    merger = _Merger()
    for offset, entities, relations in chunks:
        merger.add(entities, relations, offset)
    return merger.finish(article, resolver if resolver is not None else Resolver())



@dataclass
class _MergedEntity:
    name: str
    type: EntityType
    aliases: list[str] = field(default_factory=list)
    mentions: set[tuple[int, int]] = field(default_factory=set)
    date: str | None = None
    place: str | None = None  # merged id
    confidence: float = 0.0


class _Merger:
    """Collects the drafts of one article's chunks into one extraction."""

    def __init__(self) -> None:
        self.entities: list[_MergedEntity] = []
        # (draft, head, tail, chunk offset, title), in order of first appearance.
        self.relations: list[tuple[RelationDraft, str, str, int, str | None]] = []
        self._relation_at: dict[tuple[str, RelationType, str], int] = {}
        self._chunks = 0
        # Normalised name -> entities so named, and name or alias -> entities
        # bearing it: a long article's chunks match in time independent of its size.
        self._by_name: dict[str, list[int]] = {}
        self._by_form: dict[str, set[int]] = {}

    def _match(self, draft: EntityDraft) -> int | None:
        """The first entity with a compatible type and the same normalised name,
        else the first sharing a name or alias with ``draft``."""
        norm = normalise_name(draft.name)
        for i in self._by_name.get(norm, ()):
            if compatible(self.entities[i].type, draft.type):
                return i
        forms = {norm, *(normalise_name(a) for a in draft.aliases)}
        found = {i for form in forms for i in self._by_form.get(form, ())}
        for i in sorted(found):
            if compatible(self.entities[i].type, draft.type):
                return i
        return None

    def _new(self, draft: EntityDraft) -> int:
        i = len(self.entities)
        self.entities.append(_MergedEntity(draft.name, draft.type))
        norm = normalise_name(draft.name)
        self._by_name.setdefault(norm, []).append(i)
        self._by_form.setdefault(norm, set()).add(i)
        return i

    def add(
        self,
        entities: Iterable[EntityDraft],
        relations: Iterable[RelationDraft],
        offset: int,
    ) -> None:
        first_chunk = self._chunks == 0
        self._chunks += 1
        local: dict[str, int] = {}
        places: list[tuple[int, str]] = []
        for draft in entities:
            i = None if first_chunk else self._match(draft)
            if i is None:
                i = self._new(draft)
            merged = self.entities[i]
            local[draft.id] = i
            for form in (draft.name, *draft.aliases):
                norm = normalise_name(form)
                if norm != normalise_name(merged.name) and form not in merged.aliases:
                    merged.aliases.append(form)
                    self._by_form.setdefault(norm, set()).add(i)
            merged.mentions.update((s + offset, e + offset) for s, e in draft.mentions)
            merged.confidence = max(merged.confidence, draft.confidence)
            if merged.date is None:
                merged.date = draft.date
            if draft.place is not None:
                places.append((i, draft.place))
        for i, place in places:
            if self.entities[i].place is None and place in local:
                self.entities[i].place = _eid(local[place])
        for rel in relations:
            if rel.head not in local or rel.tail not in local:
                continue  # a draft pointing at nothing: drop it rather than invent
            head, tail = _eid(local[rel.head]), _eid(local[rel.tail])
            self._add_relation(rel, head, tail, offset)

    def _add_relation(self, rel: RelationDraft, head: str, tail: str, offset: int) -> None:
        """Keep one relation per head, type and tail, as ``eikg_relations`` does
        within one text: the more confident draft (then the one with a title)
        wins, a title once found stays, and a partnership has no direction."""
        key = (head, rel.type, tail)
        if rel.type is RelationType.PARTNERS_WITH:
            key = (min(head, tail), rel.type, max(head, tail))
        at = self._relation_at.get(key)
        if at is None:
            self._relation_at[key] = len(self.relations)
            self.relations.append((rel, head, tail, offset, rel.title))
            return
        old, old_head, old_tail, old_offset, old_title = self.relations[at]
        if (rel.confidence, rel.title is not None) > (old.confidence, old_title is not None):
            self.relations[at] = (rel, head, tail, offset, rel.title or old_title)
        elif old_title is None and rel.title is not None:
            self.relations[at] = (old, old_head, old_tail, old_offset, rel.title)

    def finish(self, article: Article, resolver: Resolver) -> Extraction:
        entities = []
        for i, e in enumerate(self.entities):
            place = self.entities[_index(e.place)].name if e.place else None
            key = resolver.resolve(
                e.name, e.type, e.aliases, date=e.date, article_id=article.id, place=place
            )
            entities.append(
                Entity(
                    id=_eid(i),
                    key=key,
                    name=e.name,
                    type=e.type,
                    aliases=tuple(e.aliases),
                    mentions=tuple(Span(s, t) for s, t in sorted(e.mentions)),
                    date=e.date,
                    place=e.place,
                    confidence=e.confidence,
                )
            )
        relations = []
        for rel, head, tail, offset, title in self.relations:
            start, end = rel.sentence[0] + offset, rel.sentence[1] + offset
            relations.append(
                Relation(
                    head=head,
                    type=rel.type,
                    tail=tail,
                    evidence=Evidence(article.text[start:end], start, end),
                    title=title,
                    date=rel.date,
                    confidence=rel.confidence,
                    rule=rel.rule,
                )
            )
        return Extraction(article=article, entities=tuple(entities), relations=tuple(relations))


def _eid(index: int) -> str:
    return f"e{index + 1}"


def _index(eid: str) -> int:
    """The merged entity an ``_eid`` names."""
    return int(eid[1:]) - 1


# --- drafts across processes ----------------------------------------------------------
# With workers > 1 spaCy sends each Doc back from its worker as Doc.to_bytes(),
# which packs user_data (our drafts) with srsly's msgpack. Teach it the drafts;
# other objects of eikg's components (their intermediate state, such as the
# mentions the entity components pass each other) do not cross over: they pack
# as None, since only the drafts are read after the pipeline.

_DRAFT_TAG = "__eikg_draft__"


def _encode_draft(obj, chain=None):
    if isinstance(obj, (EntityDraft, RelationDraft)):
        data = asdict(obj)
        data["type"] = obj.type.value
        if isinstance(obj, RelationDraft):
            data["sentence"] = list(obj.sentence)
        else:
            data["mentions"] = [list(m) for m in obj.mentions]
        data[_DRAFT_TAG] = type(obj).__name__
        return data
    if type(obj).__module__.startswith("eikg.ingest."):
        return None
    return obj if chain is None else chain(obj)


def _decode_draft(obj, chain=None):
    if isinstance(obj, dict) and _DRAFT_TAG in obj:
        data = dict(obj)
        kind = data.pop(_DRAFT_TAG)
        if kind == "EntityDraft":
            data["type"] = EntityType(data["type"])
            data["mentions"] = [tuple(m) for m in data["mentions"]]
            return EntityDraft(**data)
        data["type"] = RelationType(data["type"])
        data["sentence"] = tuple(data["sentence"])
        return RelationDraft(**data)
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("eikg_drafts", func=_encode_draft)
srsly.msgpack_decoders.register("eikg_drafts", func=_decode_draft)
