"""What the eikg spaCy components leave on a Doc, before records are built.

The entity components fill ``doc._.eikg_entities``; the relation component reads
them and fills ``doc._.eikg_relations``. Offsets are character offsets into
``doc.text``. ``ingest/pipeline.py`` turns these drafts into ``eikg.records``
(adding canonical keys and shifting offsets when a long article was split), so
spaCy objects never leave ``ingest/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from eikg.records import EntityType, RelationType


@dataclass
class EntityDraft:
    id: str  # "e1", "e2", ... unique within the doc
    name: str  # fullest surface form in the text
    type: EntityType
    aliases: list[str] = field(default_factory=list)  # other surface forms used
    mentions: list[tuple[int, int]] = field(default_factory=list)  # (start, end) chars
    date: str | None = None  # EVENT: ISO date
    place: str | None = None  # EVENT: id of a PLACE draft
    confidence: float = 1.0  # the learned layer's probability for its type


@dataclass
class RelationDraft:
    head: str  # EntityDraft.id
    type: RelationType
    tail: str
    sentence: tuple[int, int]  # (start, end) chars of the supporting sentence(s)
    title: str | None = None  # HOLDS_POSITION
    date: str | None = None
    confidence: float = 1.0
    rule: str | None = None  # the rule in ingest/relations/ that proposed it


for _name in ("eikg_entities", "eikg_relations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
# Article-level context the pipeline passes in (publication date, publisher name).
if not Doc.has_extension("eikg_published"):
    Doc.set_extension("eikg_published", default=None)
if not Doc.has_extension("eikg_publisher"):
    # The publisher's name, for components that resolve "our school".
    Doc.set_extension("eikg_publisher", default=None)
