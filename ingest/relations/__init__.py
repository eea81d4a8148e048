"""Relation extraction: the last eikg component of the spaCy pipeline.

It reads the entity drafts the entity components left on ``doc._.eikg_entities``
(each with its mentions as character offsets, including resolved references such
as "the college") together with the dependency parse, and fills
``doc._.eikg_relations`` with ``RelationDraft`` records of the types, directions
and argument types of ``shared/corpus/ANNOTATION.md``.

The work is per sentence, over the entity mentions in it: appositive and
pre-nominal titles give HOLDS_POSITION; agent phrases ("sponsored by A, undertaken
by B and co-organised by C") give ORGANIZED, LEADS, MEMBER_OF and, for joint
agents, PARTNERS_WITH; subjects and objects of cue verbs give VISITED,
PARTNERS_WITH and PARTICIPATED_IN; names and possessives give PART_OF and
LOCATED_IN. A few article-level rules fill what the genre leaves implicit: the
people presented in a report of one event took part in it, and a title given
without an organisation is read against the article's own organisation (the one
it is written by or about), at a lower confidence.

Where each rule lives (a relation's ``rule`` field names the method):

- ``positions.py``: HOLDS_POSITION (``positions``, ``fallback_positions``, ``hold``);
- ``organizers.py``: ``agents``, ``active_organizers``;
- ``partners.py``: ``partners``;
- ``participants.py``: ``visits``, ``org_visits``, ``signatories``, ``org_participants``, ``person_participants``;
- ``membership.py``: ``member_lists``, ``members``, ``part_of_mentions``, ``part_of_names``;
- ``places.py``: ``event_places``, ``org_places``;
- ``state.py``: the per-document state and helpers the rules share; ``extractor.py``: the
  component and the order the rules run in.
"""

from eikg.ingest.relations.extractor import DEFAULT_CONFIG, RelationExtractor, make_relations
from eikg.ingest.relations.state import sentences, types_fit

__all__ = ["DEFAULT_CONFIG", "RelationExtractor", "make_relations", "sentences", "types_fit"]
