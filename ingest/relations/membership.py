"""MEMBER_OF and PART_OF: member lists of alliances and the units of organisations.

"members include A, B and C" (rules ``member_lists``, ``members``); "the School
of Law of X", "X's Human Resources Department" (``part_of_mentions``,
``part_of_names``).
"""

from __future__ import annotations


from eikg.ingest import relation_patterns as cue
from eikg.ingest.drafts import EntityDraft
from eikg.ingest.relations.state import (
    ALLIANCE, ORG, PLACE, R, DocState, _VERB_POS, _names, _norm, _unit_head
)


class MembershipRules(DocState):
    """The membership rules, mixed into the per-document extractor."""

    def _member_lists(self, k: int) -> None:
        """'Member units of the community include A, B and C'; 'Its first members include ...'."""
        sent = self.sents[k]
        for tok in self.toks[sent.start : sent.end]:
            if self.owner[tok.i] is not None or tok.lower_ not in ("member", "members", "units"):
                continue
            for j in range(tok.i + 1, min(sent.end, tok.i + 8)):
                low = self.low(j)
                if low in ("include", "includes", "including", "included", "are") or (
                    low == "such" and self.low(j + 1) == "as"
                ):
                    target = self.event_for(None, k, (ALLIANCE,))
                    if target is None:
                        return
                    for m in self.window(j + 1, ORG):
                        if m.type is not ALLIANCE:
                            self.add(m.ent.id, R.MEMBER_OF, target[0], k, self.cfg.pattern_confidence, sent2=target[1])
                    return
                if self.owner[j] is not None and self.owner[j].type is not ALLIANCE:
                    break

    def _members(self, k: int) -> None:
        sent = self.sents[k]
        self._member_lists(k)
        alliances = [m for m in self.by_sent[k] if m.type is ALLIANCE]
        if not alliances:
            return
        words = {self.lem_of(t) for t in self.toks[sent.start : sent.end] if self.owner[t.i] is None}
        if not words & (cue.MEMBER_NOUNS | cue.MEMBER_VERBS):
            return
        members: list[str] = []
        for verb in self.toks[sent.start : sent.end]:
            if verb.pos_ not in _VERB_POS or self.owner[verb.i] is not None:
                continue
            if any(c.dep_ == "agent" for c in verb.children) or (
                verb.i + 1 < sent.end and self.low(verb.i + 1) == "by"
            ):
                continue
            lemma = self.lem_of(verb)
            objs = [m for c in verb.children if c.dep_ in ("dobj", "obj", "prep", "attr", "oprd") for m in self.subtree_mentions(c, (ALLIANCE,))]
            if lemma in cue.MEMBER_VERBS and not objs:
                continue
            if lemma in cue.MEMBER_VERBS or words & cue.MEMBER_NOUNS:
                members.extend(m.ent.id for m in self.subject_mentions(verb, ORG) if m.type is not ALLIANCE)
        if k in self.both_parties_sents and self.partner_pairs:
            members.extend(self.partner_pairs[-1])
        tails = self.title_tails.get(k, set())
        for o in dict.fromkeys(members):
            if o in tails:
                continue
            self.add(o, R.MEMBER_OF, alliances[0].ent.id, k, self.cfg.pattern_confidence)

    def _part_of_mentions(self, k: int) -> None:
        sent = self.sents[k]
        conf = self.cfg.pattern_confidence
        ms = self.by_sent[k]
        for idx, m in enumerate(ms):
            if m.type not in ORG or m.type is ALLIANCE:
                continue
            head = _unit_head(m.ent.name)
            # "the School of Law of ACME University", "ACME University's School of Law"
            i = m.end
            if i + 1 < sent.end and self.low(i) in ("of", "at") and head in cue.UNIT_HEADS:
                j = i + 1
                while j < sent.end and self.low(j) in cue.OPENERS and self.owner[j] is None:
                    j += 1
                parent = self.mention_at(j)
                if parent is not None and parent.type in ORG and parent.type is not ALLIANCE:
                    self.add(m.ent.id, R.PART_OF, parent.ent.id, k, conf)
            j = m.start - 1
            if j > sent.start and self.low(j) in ("'s", "’s") and head in cue.UNIT_HEADS:
                parent = self.mention_at(j - 1)
                if parent is not None and parent.type in ORG and parent.type is not ALLIANCE:
                    self.add(m.ent.id, R.PART_OF, parent.ent.id, k, conf)
        # "The institute is a school-level unit of ACME University", "it became a member unit of X"
        for tok in self.toks[sent.start : sent.end]:
            if tok.lower_ not in cue.BELONG_NOUNS or self.owner[tok.i] is not None or self.low(tok.i + 1) != "of":
                continue
            j = tok.i + 2
            while j < sent.end and self.low(j) in cue.OPENERS and self.owner[j] is None:
                j += 1
            parent = self.mention_at(j)
            if parent is None or parent.type not in ORG or self.low(parent.end) in ("'s", "’s"):
                continue
            head = tok.head
            while head.dep_ in ("attr", "oprd", "pobj", "prep", "conj") and head.head is not head:
                head = head.head
            # the subject itself, not an organisation named inside it ("the partnership with X is part of ...")
            children = [
                self.owner[s.i] for s in self.subjects(head)
                if self.owner[s.i] is not None and self.owner[s.i].type in ORG and self.owner[s.i].ent.id != parent.ent.id
            ]
            if not children:
                children = [r for r in (self.generic_ref(t) for t in self.subjects(head)) if r is not None]
            if not children and any(s.lower_ in ("it", "which") for s in self.subjects(head)):
                children = [m for m in ms if m.type in ORG and m.end <= head.i and m.ent.id != parent.ent.id][:1]
            for child in children:
                if parent.type is ALLIANCE:
                    self.add(child.ent.id, R.MEMBER_OF, parent.ent.id, k, conf)
                elif child.type is not ALLIANCE:
                    self.add(child.ent.id, R.PART_OF, parent.ent.id, k, conf)
        # a department named with exactly one organisation of its type in the sentence
        for m in ms:
            if m.type not in ORG or _unit_head(m.ent.name) not in cue.NARROW_UNIT_HEADS:
                continue
            if " of " in f" {_norm(m.ent.name)} ":
                continue
            # the parent is named as an affiliation before it: "participants from X were: ..."
            same = {
                o.ent.id for o in ms
                if o.type is m.type and o.ent.id != m.ent.id and o.start < m.start
                and _unit_head(o.ent.name) not in cue.UNIT_HEADS
                and o.start > sent.start and self.low(o.start - 1) in ("from", "of", "at")
            }
            if len(same) == 1:
                self.add(m.ent.id, R.PART_OF, same.pop(), k, self.cfg.fallback_confidence)
        # "our training centre, A College and B Institute": units of the article's organisation
        for tok in self.toks[sent.start : sent.end]:
            if tok.lower_ != "our" or self.home is None or tok.dep_ != "poss":
                continue
            head = tok.head
            if self.owner[head.i] is not None:
                continue
            for m in self.subtree_mentions(head, ORG):
                if m.ent.id != self.home and m.type is self.drafts[self.home].type and m.start > tok.i:
                    self.add(m.ent.id, R.PART_OF, self.home, k, self.cfg.article_confidence)

    def _part_of_names(self) -> None:
        """'Vocational Section of the City Education Bureau' PART_OF 'City Education Bureau'."""
        index: dict[str, list[EntityDraft]] = {}
        for d in self.drafts.values():
            for n in _names(d):
                index.setdefault(n, []).append(d)
        first_sent = {}
        for m in self.mentions:
            first_sent.setdefault(m.ent.id, self.sent_of[m.start])
        for d in self.drafts.values():
            if d.type not in ORG and d.type is not PLACE:
                continue
            k = first_sent.get(d.id, 0)
            done = False
            for name in [d.name, *d.aliases]:
                words = _norm(name).split()
                for i, w in enumerate(words[1:-1], start=1):
                    if w not in ("of", "at"):
                        continue
                    rest = " ".join(words[i + 1 :])
                    if rest.startswith("the "):
                        rest = rest[4:]
                    for parent in index.get(rest, []):
                        if parent.id == d.id:
                            continue
                        if d.type in ORG and parent.type in ORG and parent.type is not ALLIANCE and d.type is not ALLIANCE:
                            self.add(d.id, R.PART_OF, parent.id, k, self.cfg.pattern_confidence)
                            done = True
                        elif d.type is PLACE and parent.type is PLACE:
                            self.add(d.id, R.LOCATED_IN, parent.id, k, self.cfg.pattern_confidence)
                            done = True
                    if done:
                        break
                if done:
                    break
                # "ACME Foods Training Fund" is a unit of "ACME Foods"
                for cut in range(len(words) - 1, 0, -1):
                    if words[cut] in ("of", "at", "for", "and", "in"):
                        continue
                    prefix = " ".join(words[:cut])
                    for parent in index.get(prefix, []):
                        if parent.id == d.id or parent.type is not d.type:
                            continue
                        if d.type in ORG and d.type is not ALLIANCE:
                            self.add(d.id, R.PART_OF, parent.id, k, self.cfg.article_confidence)
                            done = True
                        elif d.type is PLACE:
                            self.add(d.id, R.LOCATED_IN, parent.id, k, self.cfg.article_confidence)
                            done = True
                    if done:
                        break
                    if len(words[:cut]) < 1:
                        break
                if done:
                    break
            if not done and d.type is PLACE:
                continue
