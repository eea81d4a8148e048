"""LOCATED_IN: where events were held and where organisations are.

"The forum was held at X", "X concludes in Springfield" (rule
``event_places``); "X, a college in Springfield" (``org_places``).
"""

from __future__ import annotations


from eikg.ingest import relation_patterns as cue
from eikg.ingest.relations.state import ALLIANCE, EVENT, ORG, PLACE, R, DocState


class PlaceRules(DocState):
    """The places rules, mixed into the per-document extractor."""

    def _event_places(self, k: int) -> None:
        """'The forum was held at ACME University', 'X concludes in Springfield'."""
        sent = self.sents[k]
        for m in self.by_sent[k]:
            # "At a ceremony at the college on May 3, ...": the event's site follows it
            if m.type is EVENT and m.end + 1 < sent.end and self.low(m.end) in ("at", "in"):
                site = self.mention_at(m.end + 1)
                if site is not None and (site.type is PLACE or site.type in ORG) and site.type is not ALLIANCE:
                    self.add(m.ent.id, R.LOCATED_IN, site.ent.id, k, self.cfg.pattern_confidence)
        for verb in self.toks[sent.start : sent.end]:
            if self.owner[verb.i] is not None and self.owner[verb.i].type is not EVENT:
                continue
            if self.lem_of(verb) not in cue.LOCATE_VERBS:
                continue
            i = verb.i + 1
            obj = self.mention_at(i)
            if obj is not None and obj.type is EVENT:
                i = obj.end
            else:
                obj = None
            while i < sent.end and (self.toks[i].pos_ in ("ADV", "NOUN") and self.owner[i] is None) and i - verb.i < 3:
                i += 1
            if i >= sent.end or self.low(i) not in ("in", "at"):
                continue
            places = [m for m in self.window(i + 1) if m.type is PLACE or m.type in ORG]
            if not places:
                continue
            target = (obj.ent.id, k) if obj is not None else self.event_for(verb, k)
            if target is None:
                continue
            tid, tk = target
            for m in places:
                self.add(tid, R.LOCATED_IN, m.ent.id, k, self.cfg.pattern_confidence, sent2=tk)
                # "the Conference Centre, ACME University": the site's own organisation
                for other in self._named_tail(m.ent):
                    self.add(tid, R.LOCATED_IN, other, k, self.cfg.article_confidence, sent2=tk)

    def _org_places(self, k: int) -> None:
        """'ACME College in Ruritania', 'Ruritania's ACME cluster', 'US firm ACME'."""
        sent = self.sents[k]
        conf = self.cfg.article_confidence
        ms = self.by_sent[k]
        for m in ms:
            if m.type not in ORG:
                continue
            i = m.end
            if i + 2 < sent.end and self.low(i) == "(" and self.low(i + 2) == ")":
                i += 3  # "X College (XC) in Y City"
            if i + 1 < sent.end and self.low(i) == "in":
                for place in self.place_chain(i + 1, sent.end):
                    self.add(m.ent.id, R.LOCATED_IN, place.ent.id, k, conf)
            elif i + 1 < sent.end and self.low(i) == "," and (i + 2 >= sent.end or self.low(i + 2) != "and"):
                # "Address: X College, Y City, Z Province"
                chain = self.place_chain(i + 1, sent.end)
                after = chain[-1].end if chain else i
                if chain and (after >= sent.end or not self.toks[after].is_alpha):
                    for place in chain:
                        self.add(m.ent.id, R.LOCATED_IN, place.ent.id, k, conf)
            j = m.start - 1
            if j > sent.start and self.low(j) in ("'s", "’s"):
                place = self.mention_at(j - 1)
                if place is not None and place.type is PLACE:
                    self.add(m.ent.id, R.LOCATED_IN, place.ent.id, k, conf)
            if j > sent.start and self.low(j) in cue.ORG_NOUNS and self.owner[j] is None:
                place = self.mention_at(j - 1)
                if place is not None and place.type is PLACE:
                    self.add(m.ent.id, R.LOCATED_IN, place.ent.id, k, conf)
        for verb in self.toks[sent.start : sent.end]:
            if verb.pos_ != "VERB" or self.lem_of(verb) not in cue.SITE_VERBS:
                continue
            # "X is located in A District, B City"; "X was founded in 2012 in B City"
            orgs = [m for m in self.subject_mentions(verb) if m.type in ORG]
            if not orgs:
                continue
            j = verb.i + 1
            while j < sent.end - 1 and self.toks[j].text not in (";",) and self.lem_of(self.toks[j]) not in ("and",):
                if self.low(j) == "in" and self.mention_at(j + 1) is not None:
                    for place in self.place_chain(j + 1, sent.end):
                        for o in orgs:
                            self.add(o.ent.id, R.LOCATED_IN, place.ent.id, k, conf)
                j += 1
