"""VISITED and PARTICIPATED_IN: visits, signings and who took part in an event.

Visits (rules ``visits``, ``org_visits``), signatories of an agreement
(``signatories``), organisations and people present at an event
(``org_participants``, ``person_participants``).
"""

from __future__ import annotations

from spacy.tokens import Token

from eikg.ingest import relation_patterns as cue
from eikg.ingest.relations.state import (
    EVENT, ORG, PERSON, R, DocState, Mention, _is_bare_event, _is_unit_name, _norm, _unit_head
)


class ParticipantRules(DocState):
    """The participants rules, mixed into the per-document extractor."""

    def _visits(self, k: int) -> None:
        sent = self.sents[k]
        conf = self.cfg.pattern_confidence
        for verb in self.toks[sent.start : sent.end]:
            if self.owner[verb.i] is not None or verb.pos_ not in ("VERB",):
                continue
            lemma = self.lem_of(verb)
            visitors: list[Mention] = []
            visited: list[str] = []
            if lemma in cue.VISIT_VERBS:
                visitors = self.subject_mentions(verb)
                for c in verb.children:
                    if c.dep_ in ("dobj", "obj", "attr") or (c.dep_ == "prep" and c.lower_ in ("to", "at")):
                        visited.extend(m.ent.id for m in self.subtree_mentions(c, ORG))
            elif lemma in cue.VISIT_MOTION_VERBS:
                for c in verb.children:
                    if c.dep_ == "prep" and c.lower_ == "to":
                        visited.extend(m.ent.id for m in self.subtree_mentions(c, ORG))
                if not visited and verb.i + 1 < sent.end and self.low(verb.i + 1) == "to":
                    m = self.mention_at(verb.i + 2)
                    if m is not None and m.type in ORG:
                        visited.append(m.ent.id)
                if visited:
                    visitors = self.subject_mentions(verb)
            elif lemma in ("pay", "make", "conduct", "lead") and any(
                self.low(c.i) in ("visit", "visits", "trip", "tour") for c in verb.children if c.dep_ in ("dobj", "obj")
            ):
                # "X paid a visit to Y", "X led a study tour to Y"
                for c in verb.subtree:
                    if c.i > verb.i and c.lower_ in ("to", "at") and self.owner[c.i] is None:
                        visited.extend(m.ent.id for m in self.window(c.i + 1, ORG))
                        break
                if visited:
                    visitors = self.subject_mentions(verb)
            elif lemma in cue.RECEIVE_VERBS:
                # "X received the visiting delegation led by Y": Y visited X's organisation
                for c in verb.children:
                    if c.dep_ in ("dobj", "obj") and any(
                        t.lower_ in cue.VISIT_NOUNS for t in c.subtree
                    ):
                        visitors = self.subtree_mentions(c)
                        hosts = self.actors(self.subject_mentions(verb), k)
                        if not hosts and self.home is not None:
                            hosts = [self.home]
                        visited = hosts
            if not visitors or not visited:
                continue
            visited = list(dict.fromkeys(visited))
            # a delegation does not visit its own organisation
            own = {o for v in visitors if v.type is PERSON for o in self.org_of_person(v.ent.id, explicit_only=True)}
            visited = [t for t in visited if t not in own]
            if not visited:
                continue
            tails = self.title_tails.get(k, set())
            for v in visitors:
                if v.type in ORG and v.ent.id in tails:
                    continue
                if v.type not in ORG and v.type is not PERSON:
                    continue
                for t in visited:
                    self.add(v.ent.id, R.VISITED, t, k, conf)
                if v.type is PERSON:
                    self.person_visits.append((v.ent.id, visited, k))
            # the event the visitors came for took place at the visited organisation
            if len(visited) == 1:
                events = [m for m in self.by_sent[k] if m.type is EVENT]
                if events and any(self.lem_of(t) in ("participate", "attend") for t in self.toks[sent.start : sent.end]):
                    self.add(events[0].ent.id, R.LOCATED_IN, visited[0], k, self.cfg.article_confidence)

    def _org_visits(self) -> None:
        """A visitor's own organisation visited too: the visited unit's parent when it has one."""
        parent = {h: t for (h, rtype, t) in self.out if rtype is R.PART_OF}
        for person, visited, k in self.person_visits:
            for org in self.org_of_person(person, explicit_only=True):
                if _unit_head(self.drafts[org].name) in cue.NARROW_UNIT_HEADS | {"laboratory", "lab", "center", "centre"}:
                    continue
                if org in parent or _is_unit_name(self.drafts[org].name):
                    continue
                parents = {parent.get(t) for t in visited} - {None}
                if len(visited) > 1 and len(parents) == 1 and sum(t in parent for t in visited) > len(visited) / 2:
                    # a tour of several units of one organisation visits that organisation
                    visited = [parents.pop()]
                for t in visited:
                    if t != org and parent.get(t) != org:
                        self.add(org, R.VISITED, t, k, self.cfg.article_confidence)

    def _signatories(self) -> None:
        """The parties that signed an agreement took part in the signing ceremony."""
        if self.main_event is None or "sign" not in _norm(self.drafts[self.main_event].name):
            return
        signed = list(self.signed)
        if self.partner_pairs:
            # "The two sides signed an agreement": the first partners the article names
            for k in sorted(self.both_parties_sents):
                if any(self.lem_of(t) == "sign" for t in self.toks[self.sents[k].start : self.sents[k].end]):
                    signed.append((*self.partner_pairs[0], k))
                    break
        for a, b, k in signed:
            for o in (a, b):
                self.add(o, R.PARTICIPATED_IN, self.main_event, k, self.cfg.article_confidence)

    def _org_participants(self, k: int) -> None:
        sent = self.sents[k]
        tails = self.title_tails.get(k, set())
        found: list[str] = []
        for start, end in self.cues.get("PARTICIPANT", []):
            if self.sent_of[start] != k:
                continue
            found.extend(m.ent.id for m in self.window(end, ORG) if m.ent.id not in tails)
        group_verb = False
        for verb in self.toks[sent.start : sent.end]:
            if verb.pos_ != "VERB":
                continue
            lem = self.lem_of(verb)
            if lem in ("attend", "participate"):
                found.extend(m.ent.id for m in self.subject_mentions(verb, ORG) if m.ent.id not in tails)
            group_verb = group_verb or lem in cue.PARTICIPATE_VERBS or lem in cue.GROUP_VERBS
        grouped: list[str] = []
        if group_verb:
            for i in range(sent.start, sent.end - 2):
                if (
                    self.toks[i].lower_ in cue.GROUP_NOUNS and self.owner[i] is None
                    and self.low(i + 1) in ("of", "from") and self.low(i - 1) != "-"
                ):
                    grouped.extend(m.ent.id for m in self.window(i + 2, ORG) if m.ent.id not in tails)
        for tok in self.toks[sent.start : sent.end]:
            # "Eighty enterprises, including A, B and C, offered jobs": named examples
            # of the organisations the clause says took part
            if tok.dep_ == "nsubj" and tok.lower_ in cue.ORG_PLURALS and self.owner[tok.i] is None:
                for j in range(tok.i + 1, min(sent.end, tok.i + 4)):
                    if self.low(j) in ("including", "include") or (self.low(j) == "such" and self.low(j + 1) == "as"):
                        grouped.extend(m.ent.id for m in self.window(j + (2 if self.low(j) == "such" else 1), ORG))
                        break
        here = [m.ent.id for m in self.by_sent[k] if m.type is EVENT]
        if here and self.low(sent.start) == "at" and self.owner[sent.start + 1] is not None and self.owner[sent.start + 1].type is EVENT:
            # "At the ceremony, the company and the school agreed ...": the clause's subjects were there
            # (active subjects only: "At the forum, the X Alliance was launched" is no attendance)
            for c in sent.root.children:
                if c.dep_ == "nsubj":
                    found.extend(m.ent.id for m in self.subtree_mentions(c, ORG) if m.ent.id not in tails)
        if here and k in self.both_parties_sents:
            # "At the symposium, the two sides discussed ...": the partners, else the visitors and the visited
            parties: list[str] = list(self.partner_pairs[-1]) if self.partner_pairs else []
            if not parties and self.person_visits:
                person, visited, _ = self.person_visits[-1]
                parties = [*self.org_of_person(person, explicit_only=True)[:1], *visited[:1]]
            for o in parties:
                self.add(o, R.PARTICIPATED_IN, here[0], k, self.cfg.article_confidence)
        if grouped and (here or self.main_event is not None):
            # a group taking part is there for the event this sentence names, else the one reported
            for o in dict.fromkeys(grouped):
                self.add(o, R.PARTICIPATED_IN, here[0] if here else self.main_event, k, self.cfg.pattern_confidence)
        if not found:
            return
        target = self.event_for(None, k)
        if target is None and self.main_event is not None:
            # representatives and participants are there for the event the article reports
            target = (self.main_event, k)
        if target is None:
            return
        tid, tk = target
        for o in dict.fromkeys(found):
            self.add(o, R.PARTICIPATED_IN, tid, k, self.cfg.pattern_confidence, sent2=tk)

    def _person_participants(self) -> None:
        """People presented in a report of an event took part in it."""
        persons: dict[str, list[Mention]] = {}
        for m in self.mentions:
            if m.type is PERSON:
                persons.setdefault(m.ent.id, []).append(m)
        since = 0
        if self.main_event is not None and _is_bare_event(self.drafts[self.main_event].name):
            # an event known only as "the symposium" is reported from where it
            # is named: the people introduced before it (hosts, escorts) are not its participants
            since = min(m.start for m in self.mentions if m.ent.id == self.main_event)
        for pid, ms in persons.items():
            best: tuple[float, str, int] | None = None
            for m in ms:
                k = self.sent_of[m.start]
                if k in self.byline_sents and self._byline_near(m):
                    continue
                sent = self.sents[k]
                events = [e for e in self.by_sent[k] if e.type is EVENT]
                words = {t.lower_ for t in self.toks[sent.start : sent.end]}
                tok = self.toks[m.end - 1]
                acts = self._acts(tok)
                if events:
                    cand = (self.cfg.pattern_confidence, events[0].ent.id, k)
                elif self.main_event is None or m.start < since:
                    continue
                elif (
                    acts
                    or k in self.participant_sents
                    or words & cue.EVENT_NOUNS
                    or (pid in self.positions and any(self.lem_of(t) in cue.PARTICIPATE_VERBS for t in self.toks[sent.start : sent.end] if t.pos_ == "VERB"))
                    or self._according_to(m)
                ):
                    cand = (self.cfg.article_confidence, self.main_event, k)
                else:
                    continue
                if best is None or cand[0] > best[0]:
                    best = cand
            if best is not None:
                self.add(pid, R.PARTICIPATED_IN, best[1], best[2], best[0])

    def _according_to(self, m: Mention) -> bool:
        return m.start >= 2 and self.low(m.start - 2) == "according" and self.low(m.start - 1) == "to"

    def _byline_near(self, m: Mention) -> bool:
        lo = max(self.sents[self.sent_of[m.start]].start, m.start - 4)
        return any(self.low(i) in ("by", "/", "|") for i in range(lo, m.start)) or any(
            self.low(i) in cue.BYLINE_CUES for i in range(lo, m.start)
        )

    def _acts(self, tok: Token) -> bool:
        """Is this person the subject (or in the subject) of a verb of taking part?"""
        t = tok
        for _ in range(6):
            if t.dep_ in ("nsubj", "nsubjpass") and self.lem_of(t.head) in cue.PARTICIPATE_VERBS:
                return True
            if t.head is t:
                break
            if t.dep_ in ("nsubj", "nsubjpass"):
                # "X said", "X, ..., introduced ..." (conj'd verbs)
                return self.lem_of(t.head) in cue.PARTICIPATE_VERBS
            t = t.head
        return False
