"""PARTNERS_WITH between organisations: cue verbs and nouns of cooperation.

"A signed a cooperation agreement with B", "A and B partnered",
"cooperation between A and B" (rule ``partners``).
"""

from __future__ import annotations

from itertools import combinations


from eikg.ingest import relation_patterns as cue
from eikg.ingest.drafts import EntityDraft
from eikg.ingest.relations.state import ORG, R, DocState, _VERB_POS, _joint, _names, _norm


class PartnerRules(DocState):
    """The partners rules, mixed into the per-document extractor."""

    def _named_tail(self, ent: EntityDraft) -> list[str]:
        out = []
        for name in [ent.name, *ent.aliases]:
            if "," in name:
                tail = _norm(name.rsplit(",", 1)[1])
                out.extend(d.id for d in self.drafts.values() if d.id != ent.id and d.type in ORG and tail in _names(d))
        return out

    def _partners(self, k: int) -> None:
        sent = self.sents[k]
        conf = self.cfg.pattern_confidence
        for tok in self.toks[sent.start : sent.end]:
            if self.owner[tok.i] is not None:
                continue
            lemma = self.lem_of(tok)
            low = tok.lower_
            if low == "between" and any(self.lem_of(t) in cue.PARTNER_NOUNS for t in self.toks[max(sent.start, tok.i - 4) : tok.i]):
                orgs = [m.ent.id for m in self.window(tok.i + 1, ORG)]
                for a, b in combinations(dict.fromkeys(orgs), 2):
                    self.add(a, R.PARTNERS_WITH, b, k, conf)
            elif tok.pos_ == "VERB" and lemma in cue.PARTNER_VERBS:
                with_tok = None
                for j in range(tok.i + 1, min(sent.end, tok.i + 12)):
                    if self.low(j) == "with" and self.owner[j] is None:
                        with_tok = j
                        break
                    if self.toks[j].pos_ in _VERB_POS or self.toks[j].text in (",", ";"):
                        break
                if with_tok is None:
                    continue
                # "works with X through the Y Alliance": Y is the channel, not a partner
                channel = next(
                    (j for j in range(with_tok + 1, sent.end) if self.low(j) in ("through", "via") and self.owner[j] is None),
                    sent.end,
                )
                others = [m.ent.id for m in self.window(with_tok + 1, ORG) if m.start < channel]
                if not others:
                    continue
                subj = self.actors(self.subject_mentions(tok), k)
                if not subj and self.home is not None:
                    subj = [self.home]
                for a in subj:
                    for b in others:
                        self.add(a, R.PARTNERS_WITH, b, k, conf)
                        if lemma == "sign":
                            self.signed.append((a, b, k))
                if len(others) >= 2 and lemma != "sign":
                    for a, b in combinations(dict.fromkeys(others), 2):
                        self.add(a, R.PARTNERS_WITH, b, k, self.cfg.article_confidence)
            elif lemma in ("partnership", "collaboration", "cooperation") and tok.i + 1 < sent.end and self.low(tok.i + 1) == "with":
                others = [m.ent.id for m in self.window(tok.i + 2, ORG)]
                owner = None
                for c in tok.children:
                    if c.dep_ == "poss":
                        m = self.owner[c.i]
                        if m is not None and m.type in ORG:
                            owner = m.ent.id
                        elif c.lower_ in ("our", "its"):
                            owner = self.speaker_org(k)
                owners = [owner] if owner is not None else []
                if not owners and self.low(tok.i - 1) == "in":
                    # "X launched the programme in partnership with Y"
                    verb = tok.head
                    while verb.pos_ not in _VERB_POS and verb.head is not verb:
                        verb = verb.head
                    owners = self.actors(self.subject_mentions(verb), k) if verb.pos_ in _VERB_POS else []
                for a in owners:
                    for b in others:
                        self.add(a, R.PARTNERS_WITH, b, k, conf)
            elif low in cue.PARTNER_LIST_NOUNS or (tok.pos_ in ("NOUN", "ADJ") and lemma in cue.PARTNER_LIST_NOUNS):
                # "partners include A, B and C": each listed one partners the article's organisation
                for j in range(tok.i + 1, min(sent.end, tok.i + 6)):
                    if self.low(j) in ("include", "includes", "including", "included") or (
                        self.low(j) == "such" and j + 1 < sent.end and self.low(j + 1) == "as"
                    ):
                        listed = [m.ent.id for m in self.window(j + 1, ORG)]
                        if self.home is not None:
                            for b in listed:
                                self.add(self.home, R.PARTNERS_WITH, b, k, self.cfg.article_confidence)
                        break
        # "A and B jointly set up ...", "A and B signed ..."
        for verb in self.toks[sent.start : sent.end]:
            if verb.pos_ != "VERB" or self.owner[verb.i] is not None:
                continue
            lemma = self.lem_of(verb)
            if lemma not in cue.JOINT_VERBS and lemma not in cue.PARTNER_VERBS:
                continue
            if any(c.dep_ == "agent" for c in verb.children):
                continue
            subj = [m.ent.id for m in self.subject_mentions(verb) if m.type in ORG]
            subj = list(dict.fromkeys(s for s in subj if s not in self.title_tails.get(k, set())))
            if len(subj) >= 2 and (_joint(self.doc, verb.i) or lemma in ("sign", "establish", "found", "co-found", "build")):
                for a, b in combinations(subj, 2):
                    self.add(a, R.PARTNERS_WITH, b, k, conf)
