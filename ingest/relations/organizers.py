"""ORGANIZED, LEADS, MEMBER_OF and joint PARTNERS_WITH from agents of events and alliances.

Agent phrases ("sponsored by A, undertaken by B and co-organised by C",
"led by A"; rule ``agents``) and active organisers ("A held the forum",
"A and B jointly organised X"; rule ``active_organizers``).
"""

from __future__ import annotations

from itertools import combinations


from eikg.ingest import relation_patterns as cue
from eikg.ingest.relations.state import (
    ALLIANCE, EVENT, ORG, PERSON, R, DocState, _AGENT_VERBS, _joint, _norm, _singular
)


class OrganizerRules(DocState):
    """The organizers rules, mixed into the per-document extractor."""

    def _agents(self, k: int) -> None:
        """'sponsored by A, undertaken by B and co-organised by C'; 'led by A'."""
        sent = self.sents[k]
        for by in self.toks[sent.start : sent.end]:
            if by.lower_ != "by" or self.owner[by.i] is not None:
                continue
            verb = None
            j = by.i - 1
            while j >= sent.start and self.toks[j].pos_ == "ADV":
                j -= 1
            if j >= sent.start:
                verb = self.toks[j]
            if verb is None:
                continue
            lemma = self.lem_of(verb)
            joint = _joint(self.doc, verb.i)
            if lemma not in _AGENT_VERBS:
                continue
            group = self.window(by.i + 1)
            if verb.dep_ == "acl":
                # "laboratories jointly built by A and B, including X Laboratory": X was built
                made = _singular(verb.head.lower_)
                group = [m for m in group if _singular(_norm(m.ent.name).split()[-1]) != made]
            orgs = [m.ent.id for m in group if m.type in ORG]
            persons = [m.ent.id for m in group if m.type is PERSON]
            if not orgs and not persons:
                continue
            conf = self.cfg.pattern_confidence
            target = self.event_for(verb, k, (EVENT, ALLIANCE))
            if target is not None:
                tid, tk = target
                ttype = self.drafts[tid].type
                if ttype is EVENT and lemma in cue.ORGANIZE_VERBS | {"initiate", "launch"}:
                    for o in orgs:
                        self.add(o, R.ORGANIZED, tid, k, conf, sent2=tk)
                    if lemma in ("host", "chair", "preside"):
                        for p in persons:
                            self.add(p, R.PARTICIPATED_IN, tid, k, conf, sent2=tk)
                elif ttype is ALLIANCE:
                    if lemma in cue.LEAD_VERBS:
                        for o in orgs:
                            self.add(o, R.LEADS, tid, k, conf, sent2=tk)
                            self.add(o, R.MEMBER_OF, tid, k, conf, sent2=tk)
                    elif lemma in cue.MEMBER_VERBS:
                        for o in orgs:
                            self.add(o, R.MEMBER_OF, tid, k, conf, sent2=tk)
            if len(orgs) >= 2 and (joint or lemma in cue.JOINT_VERBS):
                if target is not None and self.drafts[target[0]].type is ALLIANCE and not joint:
                    continue
                for a, b in combinations(orgs, 2):
                    self.add(a, R.PARTNERS_WITH, b, k, conf)

    def _active_organizers(self, k: int) -> None:
        """'ACME University held the Forum', 'A and B jointly organised X', '... held X with B'."""
        sent = self.sents[k]
        for tok in self.toks[sent.start : sent.end]:
            # "with ACME serving as the executive organiser"
            if tok.lower_ == "as" and self.owner[tok.i] is None:
                role = [t for t in self.toks[tok.i + 1 : min(sent.end, tok.i + 5)] if self.lem_of(t) in cue.ORGANIZER_NOUNS]
                if not role:
                    continue
                j = tok.i - 1
                while j >= sent.start and self.owner[j] is None and self.toks[j].pos_ in ("VERB", "ADV", "AUX") and tok.i - j < 4:
                    j -= 1
                m = self.mention_at(j)
                target = self.event_for(None, k)
                if m is not None and m.type in ORG and target is not None:
                    self.add(m.ent.id, R.ORGANIZED, target[0], k, self.cfg.pattern_confidence, sent2=target[1])
        for verb in self.toks[sent.start : sent.end]:
            if self.owner[verb.i] is not None:
                continue
            lemma = self.lem_of(verb)
            if lemma not in cue.ORGANIZE_VERBS or lemma in ("lead", "guide"):
                continue
            nxt = verb.i + 1
            while nxt < sent.end and self.toks[nxt].pos_ == "ADV":
                nxt += 1
            if nxt < sent.end and self.low(nxt) == "by":
                continue
            if verb.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in verb.children):
                continue
            subj = [m for m in self.subject_mentions(verb) if m.type in ORG]
            if not subj:
                prev = verb.i - 1
                while prev >= sent.start and self.toks[prev].pos_ == "ADV":
                    prev -= 1
                m = self.mention_at(prev)
                if m is not None and m.type in ORG and prev >= sent.start:
                    subj = [m]
            if not subj:
                continue
            events = [m for m in self.in_span(verb.i + 1, verb.right_edge.i + 1, (EVENT,))]
            if not events:
                continue
            event = events[0].ent.id
            conf = self.cfg.pattern_confidence
            co = []
            for t in verb.subtree:
                if t.i > verb.i and t.lower_ == "with" and self.owner[t.i] is None:
                    co.extend(self.window(t.i + 1, ORG))
                    break
            orgs = list(dict.fromkeys([m.ent.id for m in subj] + [m.ent.id for m in co]))
            for o in orgs:
                self.add(o, R.ORGANIZED, event, k, conf)
            if len(orgs) >= 2 and (co or _joint(self.doc, verb.i)):
                for a, b in combinations(orgs, 2):
                    self.add(a, R.PARTNERS_WITH, b, k, conf)
