"""The ``eikg_relations`` spaCy component: configuration, and the order the rules run in."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from eikg.errors import EikgError
from eikg.ingest import relation_patterns as cue
from eikg.ingest.drafts import RelationDraft
from eikg.ingest.relations.membership import MembershipRules
from eikg.ingest.relations.organizers import OrganizerRules
from eikg.ingest.relations.participants import ParticipantRules
from eikg.ingest.relations.partners import PartnerRules
from eikg.ingest.relations.places import PlaceRules
from eikg.ingest.relations.positions import PositionRules
from eikg.ingest.relations.state import R

DEFAULT_CONFIG = {
    "max_sentence_distance": 1,
    "complete_mentions": True,
    "fallback_confidence": 0.5,
    "pattern_confidence": 0.9,
    "article_confidence": 0.6,
    "min_confidence": 0.0,
}


@Language.factory("eikg_relations", default_config=DEFAULT_CONFIG)
def make_relations(
    nlp: Language,
    name: str,
    max_sentence_distance: int,
    complete_mentions: bool,
    fallback_confidence: float,
    pattern_confidence: float,
    article_confidence: float,
    min_confidence: float,
) -> "RelationExtractor":
    for key, value in (
        ("fallback_confidence", fallback_confidence),
        ("pattern_confidence", pattern_confidence),
        ("article_confidence", article_confidence),
        ("min_confidence", min_confidence),
    ):
        if not 0.0 <= value <= 1.0:
            raise EikgError(f"eikg_relations: {key} must be within 0..1, got {value!r}")
    if max_sentence_distance < 0:
        raise EikgError(
            f"eikg_relations: max_sentence_distance must be >= 0, got {max_sentence_distance!r}"
        )
    return RelationExtractor(
        nlp,
        max_sentence_distance=max_sentence_distance,
        complete_mentions=complete_mentions,
        fallback_confidence=fallback_confidence,
        pattern_confidence=pattern_confidence,
        article_confidence=article_confidence,
        min_confidence=min_confidence,
    )


class RelationExtractor:
    """Fills ``doc._.eikg_relations`` from the entity drafts and the parse."""

    def __init__(
        self,
        nlp: Language,
        *,
        max_sentence_distance: int = 1,
        complete_mentions: bool = True,
        fallback_confidence: float = 0.5,
        pattern_confidence: float = 0.9,
        article_confidence: float = 0.6,
        min_confidence: float = 0.0,
    ) -> None:
        self.matcher = cue.build_matcher(nlp)
        self.max_sentence_distance = max_sentence_distance
        self.complete_mentions = complete_mentions
        self.fallback_confidence = fallback_confidence
        self.pattern_confidence = pattern_confidence
        self.article_confidence = article_confidence
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        drafts = doc._.eikg_entities or []
        relations = DocRelations(self, doc, drafts).run() if drafts else []
        doc._.eikg_relations = [r for r in relations if r.confidence >= self.min_confidence]
        return doc


class DocRelations(PositionRules, OrganizerRules, PartnerRules, ParticipantRules, MembershipRules, PlaceRules):
    """One document's relation extraction: the rule families, run in order."""

    def run(self) -> list[RelationDraft]:
        for k in range(len(self.sents)):
            self._positions(k)
        self.home = self._home_org()
        for k in range(len(self.sents)):
            if not self.by_sent[k]:
                continue
            self._agents(k)
            self._active_organizers(k)
            self._event_places(k)
            self._partners(k)
            self._visits(k)
            self._org_participants(k)
            self._members(k)
            self._part_of_mentions(k)
            self._org_places(k)
        self._part_of_names()
        for k in range(len(self.sents)):
            self._fallback_positions(k)
        self._person_participants()
        self._org_visits()
        self._signatories()
        # a unit does not partner the organisation it belongs to
        parts = {(h, t) for (h, rtype, t) in self.out if rtype is R.PART_OF}
        for key in [k for k in self.out if k[1] is R.PARTNERS_WITH]:
            if (key[0], key[2]) in parts or (key[2], key[0]) in parts:
                del self.out[key]
        return list(self.out.values())
