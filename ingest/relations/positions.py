"""HOLDS_POSITION: who holds which post where.

Appositive and pre-nominal titles ("Vice President Li Hua", "Li Hua, Dean of X",
"X CEO Li Hua"), appointments ("appointed as ...") and, for titles given
without an organisation, the colleague's organisation just before or the
article's own one (``_fallback_positions``, at a lower confidence).
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from eikg.ingest import relation_patterns as cue
from eikg.ingest.relations.state import (
    ORG, PERSON, R, DocState, Mention, _SPACE_RE, _VERB_POS, _clause_verb
)


class PositionRules(DocState):
    """The positions rules, mixed into the per-document extractor."""

    def _positions(self, k: int) -> None:
        sent = self.sents[k]
        if k in self.byline_sents and not any(self.title_tok[i] for i in range(sent.start, sent.end)):
            return
        persons = [m for m in self.by_sent[k] if m.type is PERSON]
        if not persons:
            return
        pending: list[tuple[Mention, str | None]] = []
        tails: set[str] = set()
        for p in persons:
            title, org = self._left_title(p, sent)
            via_right = False
            if org is None:
                org = self._after_prep(p, sent)
                # "Dean A, Vice Dean B and C of X": titled names listed before "C of X" share it
                via_right = org is not None
            if org is None or title is None:
                r_title, r_org, closed = self._right_appositive(p, sent)
                if r_org is not None and (org is None or (title is None and r_title is not None)):
                    org = r_org
                    title = r_title or title
                    via_right = True
                elif title is None:
                    title = r_title
                if org is None and r_title is not None and not closed:
                    org = self._trailing_org(p, sent)
                    via_right = org is not None
            if org is None and title is None:
                title, org = self._preceding_appositive(p, sent)
            if org is None and title is not None:
                org = self._appointed_as(p, sent)
            appointed = self._appointed(p, sent)
            if appointed is not None:
                a_title, a_org = appointed
                tails.add(a_org.ent.id)
                self._hold(p.ent.id, a_org.ent.id, k, self.cfg.pattern_confidence, a_title)
                if org is None or org.ent.id == a_org.ent.id:
                    continue
            if org is not None:
                earlier = [m for m in self.by_sent[k] if m.type in ORG and m.ent.id in tails]
                tails.add(org.ent.id)
                self._hold(p.ent.id, org.ent.id, k, self.cfg.pattern_confidence, title)
                if via_right:
                    # "A, Dean, B, Vice Dean of X": titles listed before an organisation share it
                    kept = []
                    for q, q_title in pending:
                        if any(t.pos_ == "VERB" and self.owner[t.i] is None for t in self.toks[q.end : p.start]):
                            kept.append((q, q_title))  # "President A received the delegation led by B, Dean of X"
                            continue
                        if any(m.start < q.start for m in earlier):
                            # "A, President of X, B, Vice President, C, Dean of Y": B's title continues
                            # X's list (the fallback gives B the colleague's organisation before it)
                            kept.append((q, q_title))
                            continue
                        self._hold(q.ent.id, org.ent.id, k, self.cfg.article_confidence, q_title)
                    pending = kept
            elif title is not None:
                pending.append((p, title))
        self.pending[k] = pending
        self.title_tails[k] = tails

    def _hold(self, person: str, org: str, k: int, conf: float, title: str | None, explicit=True) -> None:
        if self.drafts[org].type not in ORG:
            return
        self.positions.setdefault(person, [])
        if (org, explicit) not in self.positions[person]:
            self.positions[person].append((org, explicit))
        self.add(person, R.HOLDS_POSITION, org, k, conf, title=title)

    def _fallback_positions(self, k: int) -> None:
        """Titles given without an organisation: a colleague's just before, else the article's own."""
        for p, title in self.pending.get(k, []):
            if p.ent.id in self.positions:
                continue
            before = [
                m for m in self.by_sent[k]
                if m.start < p.start and m.type in ORG and m.ent.id in self.title_tails.get(k, set())
            ]
            if before:
                self._hold(p.ent.id, before[-1].ent.id, k, self.cfg.article_confidence, title)
            elif self.home is not None:
                home = self.home
                if any(person == p.ent.id and home in visited for person, visited, _ in self.person_visits):
                    # a visitor to the article's organisation comes from its partner, if it has one
                    partners = {a if b == home else b for a, b in self.partner_pairs if home in (a, b)}
                    if len(partners) != 1:
                        continue
                    home = partners.pop()
                self._hold(p.ent.id, home, k, self.cfg.fallback_confidence, title, explicit=False)

    def _is_titleish(self, tok: Token) -> bool:
        if self.title_tok[tok.i]:
            return True
        low = tok.lower_
        if low in cue.TITLE_FILLERS:
            return True
        return tok.is_title and tok.pos_ in ("PROPN", "NOUN") and not tok.like_num

    def _left_title(self, p: Mention, sent: Span) -> tuple[str | None, Mention | None]:
        """'Vice President Li Hua', 'Dean of the School of Law Li Hua', 'ACME CEO Li Hua'."""
        j = p.start - 1
        org = None
        if j < sent.start or self.low(j) in ("and", ",", "&"):
            return None, None
        while j >= sent.start:
            m = self.owner[j]
            if m is not None:
                if m.type in ORG and org is None:
                    prev = self.low(m.start - 1) if m.start - 1 >= sent.start else ""
                    org = m
                    if prev in ("of", "at", "the"):
                        j = m.start - 1
                        continue
                    j = m.start - 1
                break
            tok = self.toks[j]
            if tok.lower_ in ("'s", "’s") and j - 1 >= sent.start:
                # "ACME University's president Li Hua"
                m = self.owner[j - 1]
                if m is not None and m.type in ORG and org is None:
                    org = m
                break
            if not self._is_titleish(tok):
                break
            if tok.lower_ in ("and", "&") and (j - 1 < sent.start or self.owner[j - 1] is not None):
                break
            j -= 1
        lo = j + 1
        toks = [t for t in self.toks[lo : p.start] if self.owner[t.i] is None]
        while toks and toks[0].lower_ in ("of", "the", "and", "&", "at"):
            toks = toks[1:]
        if not any(self.title_tok[t.i] for t in toks):
            return None, None
        if org is not None:
            title_toks = [t for t in toks if t.i < org.start] or [t for t in toks if t.i >= org.end]
        else:
            title_toks = toks
        return _title_text(title_toks), org

    def _after_prep(self, p: Mention, sent: Span) -> Mention | None:
        """'Li Hua from ACME University', 'Li Hua of the ACME Group'."""
        i = p.end
        if i < sent.end and self.low(i) in ("from", "of", "at"):
            i += 1
            while i < sent.end and self.low(i) in cue.OPENERS and self.owner[i] is None:
                i += 1
            m = self.mention_at(i)
            if m is not None and m.type in ORG:
                return m
        return None

    def _right_appositive(self, p: Mention, sent: Span) -> tuple[str | None, Mention | None, bool]:
        """'Li Hua, Vice President of ACME University': (title, org, closed by another person)."""
        i = p.end
        if i >= sent.end or self.toks[i].text not in (",", "(", "，"):
            return None, None, False
        i += 1
        start = i
        end = i
        closed = False
        while end < sent.end:
            m = self.owner[end]
            if m is not None:
                if m.type is PERSON:
                    closed = True
                    break
                end = m.end
                continue
            tok = self.toks[end]
            if tok.text in (",", ";", ":", ")", "，") or tok.is_sent_end and tok.is_punct:
                break
            end += 1
        if closed:
            # "..., head of X Li Hua": the phrase is the next person's own title, unless
            # an "and" hands it over ("Dean and Li Hua")
            if end - 1 >= start and self.low(end - 1) == "and":
                end -= 1
            else:
                return None, None, True
        toks = self.toks[start:end]
        while toks and toks[0].lower_ in cue.OPENERS and self.owner[toks[0].i] is None:
            toks = toks[1:]
        if not toks:
            return None, None, closed
        orgs = self.in_span(toks[0].i, toks[-1].i + 1, ORG)
        has_title = any(self.title_tok[t.i] for t in toks)
        if not orgs:
            if has_title:
                return _title_text(_titleish_prefix(self, toks)), None, closed
            return None, None, closed
        org = orgs[0]
        if len(orgs) > 1 and self.low(org.end) in ("'s", "’s") and orgs[1].start == org.end + 1:
            org = orgs[1]
        free = [t for t in toks if self.owner[t.i] is None and t.lower_ not in ("'s", "’s")]
        if not has_title:
            # "Li Hua, ACME University": an affiliation without a title
            if len(free) <= 1 and (not free or free[0].lower_ in ("'s", "of")):
                return None, org, closed
            return None, None, closed
        before = [t for t in free if t.i < org.start]
        if any(self.title_tok[t.i] for t in before):
            return _title_text(_titleish_prefix(self, before)), org, closed
        after = [t for t in free if t.i >= org.end and t.lower_ not in ("'s", "’s", "’")]
        return _title_text(after), org, closed

    def _right_of(self, p: Mention, sent: Span) -> Iterator[tuple[int, Mention | None]]:
        """The sentence after ``p``: each mention once (``(its start, it)``) and each
        token outside mentions (``(i, None)``), ending before the next person."""
        i = p.end
        while i < sent.end:
            m = self.owner[i]
            if m is None:
                yield i, None
                i += 1
                continue
            if m.type is PERSON:
                return
            yield m.start, m
            i = m.end

    def _trailing_org(self, p: Mention, sent: Span) -> Mention | None:
        """'X, general director of operations, growth and leadership at ACME'."""
        for i, m in self._right_of(p, sent):
            if m is not None:
                if m.type in ORG and self.low(m.start - 1) in ("at", "of"):
                    return m
            elif _clause_verb(self.toks[i]) or self.toks[i].text in (";", ":"):
                return None
        return None

    def _preceding_appositive(self, p: Mention, sent: Span) -> tuple[str | None, Mention | None]:
        """'... presided by Deputy Dean of ACME, Li Hua.'"""
        j = p.start - 1
        if j <= sent.start or self.toks[j].text != ",":
            return None, None
        if p.end < sent.end and not (self.toks[p.end].is_punct or self.toks[p.end].pos_ in _VERB_POS):
            return None, None
        j -= 1
        org = None
        while j >= sent.start:
            m = self.owner[j]
            if m is not None:
                if m.type in ORG and org is None and self.low(m.start - 1) in ("of", "at", "the"):
                    org = m
                    j = m.start - 1
                    continue
                break
            if not self._is_titleish(self.toks[j]):
                break
            j -= 1
        if org is None:
            return None, None
        # the phrase must not be another person's appositive
        if j > sent.start and self.toks[j].text == "," and self.owner[j - 1] is not None:
            if self.owner[j - 1].type is PERSON:
                return None, None
        toks = [t for t in self.toks[j + 1 : org.start] if self.owner[t.i] is None]
        if not any(self.title_tok[t.i] for t in toks):
            return None, None
        return _title_text(toks), org

    def _appointed(self, p: Mention, sent: Span) -> tuple[str | None, Mention] | None:
        """'Li Hua, Dean of X, was appointed (as) Executive Dean of the Y College'."""
        i = next(
            (i for i, m in self._right_of(p, sent)
             if m is None and self.lem_at(i) in cue.APPOINT_VERBS and self.toks[i].pos_ in _VERB_POS),
            None,
        )
        if i is None:
            return None
        j = i + 1
        title: list[Token] = []
        while j < sent.end and j - i < 12:
            m = self.owner[j]
            if m is not None:
                if m.type in ORG and title and title[-1].lower_ in ("of", "at", "the"):
                    if any(self.title_tok[t.i] for t in title):
                        return _title_text(title), m
                return None
            tok = self.toks[j]
            if tok.lower_ in ("as", "the", "a", "an") and not title:
                j += 1
                continue
            if not (self._is_titleish(tok) or tok.lower_ in ("of", "at")):
                break
            title.append(tok)
            j += 1
        if not title or not any(self.title_tok[t.i] for t in title) or title[-1].lower_ in ("of", "at"):
            return None
        if j < sent.end and self.toks[j].is_alpha:
            return None
        # "A was elected Chair of the alliance, and B was appointed Secretary-General":
        # the organisation of the appointment before it in the sentence
        verbs = [t.i for t in self.toks[sent.start : p.start] if self.lem_of(t) in cue.APPOINT_VERBS and t.pos_ in _VERB_POS]
        if not verbs:
            return None
        before = [m for m in self.by_sent[self.sent_of[p.start]] if m.type in ORG and verbs[0] < m.start and m.end <= p.start]
        return (_title_text(title), before[-1]) if before else None

    def _appointed_as(self, p: Mention, sent: Span) -> Mention | None:
        """'Li Hua was appointed as the Vice President of the alliance'."""
        for i in range(p.end, min(sent.end, p.end + 6)):
            if self.low(i) == "as":
                for j in range(i + 1, min(sent.end, i + 10)):
                    m = self.owner[j]
                    if m is not None:
                        if m.type in ORG and self.low(m.start - 1) in ("of", "at", "the"):
                            return m
                        return None
                return None
            if self.owner[i] is not None:
                return None
        return None


def _titleish_prefix(state: DocState, toks: list[Token]) -> list[Token]:
    """The title words at the start of a phrase, stopping before clause words."""
    out = []
    for t in toks:
        if state.owner[t.i] is not None:
            break
        if not (state._is_titleish(t) or t.lower_ in ("of", "and", "the", "&", "for", "in")):
            break
        out.append(t)
    return out


def _title_text(toks: list[Token]) -> str | None:
    while toks and toks[0].lower_ in ("the", "a", "an", "and", "of", "at", "'s", "’s"):
        toks = toks[1:]
    while toks and toks[-1].lower_ in ("the", "a", "an", "and", "of", "at", "from", "'s", "’s", ",", "for", "in"):
        toks = toks[:-1]
    if not toks:
        return None
    text = "".join(t.text_with_ws for t in toks).strip()
    return _SPACE_RE.sub(" ", text) or None
