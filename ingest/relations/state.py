"""The state of one document's relation extraction and the helpers every rule uses.

A ``DocState`` holds the mentions of the entity drafts as token spans (the
longest mention owns its tokens), the sentences, the cue-word positions, and the
facts earlier rules left for later ones (positions held, partner pairs, visits).
Its ``add`` is the one way a rule emits a relation: it checks the argument
types, keeps the most confident copy of each fact and records which rule fired.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from eikg.ingest import relation_patterns as cue
from eikg.ingest.drafts import EntityDraft, RelationDraft
from eikg.records import ORGANIZATION_TYPES, EntityType, RelationType

if TYPE_CHECKING:
    from eikg.ingest.relations.extractor import RelationExtractor

ORG = ORGANIZATION_TYPES
PERSON = EntityType.PERSON
EVENT = EntityType.EVENT
PLACE = EntityType.PLACE
ALLIANCE = EntityType.ALLIANCE
R = RelationType

_IRREGULAR = {
    "held": "hold", "holds": "hold", "led": "lead", "leads": "lead", "built": "build",
    "undertaken": "undertake", "undertook": "undertake", "went": "go", "goes": "go",
    "came": "come", "gave": "give", "given": "give", "made": "make", "met": "meet",
    "spoke": "speak", "said": "say", "says": "say", "founded": "found", "set": "set",
    "ran": "run", "run": "run", "began": "begin", "took": "take", "taken": "take",
}
_VERB_POS = ("VERB", "AUX")
_STOP_WORDS = frozenset({";", ".", "with", "which", "while", "who", "whose", "where"})
_SPACE_RE = re.compile(r"\s+")
_ROLE_VERBS = cue.ORGANIZE_VERBS | cue.JOINT_VERBS
_AGENT_VERBS = _ROLE_VERBS | cue.MEMBER_VERBS | cue.LEAD_VERBS


@dataclass(frozen=True)
class Mention:
    ent: EntityDraft
    start: int  # token index
    end: int  # token index, exclusive

    @property
    def type(self) -> EntityType:
        return self.ent.type


def _lemma(tok: Token) -> str:
    low = tok.lower_
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    pos = tok.pos_
    if pos in ("VERB", "AUX", "NOUN", "ADJ"):
        return tok.lemma_.lower()
    if pos != "PROPN" or not low.isalpha():
        return low
    # title-cased verbs in headlines are often tagged PROPN: undo the inflection
    for suffix, repl in (("ied", "y"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", "")):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            return low[: -len(suffix)] + repl
    return low


@lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    text = _SPACE_RE.sub(" ", text.replace("\u00a0", " ")).strip().lower()
    if text.startswith("the "):
        text = text[4:]
    return re.sub(r"[^\w\s&]", "", text).strip()


def _unit_head(name: str) -> str | None:
    """The head noun of an organisation name ("Human Resources Department" -> department)."""
    words = _norm(name).split()
    if not words:
        return None
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1]



class DocState:
    """The state of one document's relation extraction; the rules are mixins over it."""

    def __init__(self, cfg: RelationExtractor, doc: Doc, drafts: list[EntityDraft]) -> None:
        self.cfg = cfg
        self.doc = doc
        self.drafts = {d.id: d for d in drafts}
        self.out: dict[tuple[str, RelationType, str], RelationDraft] = {}
        self.owner: list[Mention | None] = [None] * len(doc)
        self.mentions: list[Mention] = []
        spans = [(start, end, d) for d in drafts for start, end in d.mentions]
        if cfg.complete_mentions:
            spans.extend(_more_mentions(doc.text, drafts, spans))
        for start, end, d in spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            self.mentions.append(Mention(d, span.start, span.end))
        # longer mentions win the tokens they cover
        for m in sorted(self.mentions, key=lambda m: m.end - m.start):
            for i in range(m.start, m.end):
                self.owner[i] = m
        self.mentions = sorted(
            {id(self.owner[m.start]): self.owner[m.start] for m in self.mentions if self.owner[m.start]}.values(),
            key=lambda m: m.start,
        )
        self.toks: list[Token] = list(doc)
        self.lem: list[str | None] = [None] * len(self.toks)  # filled on demand
        self.sents: list[Span] = sentences(doc, self.toks)
        self.sent_of = [0] * len(doc)
        for k, s in enumerate(self.sents):
            for i in range(s.start, s.end):
                self.sent_of[i] = k
        self.by_sent: list[list[Mention]] = [[] for _ in self.sents]
        for m in self.mentions:
            self.by_sent[self.sent_of[m.start]].append(m)
        self.title_tok = [False] * len(doc)
        self.cues: dict[str, list[tuple[int, int]]] = {"TITLE": [], "PARTICIPANT": [], "BYLINE": []}
        for t in self.toks:
            low = t.lower_
            if low in cue.TITLE_HEADS:
                self.cues["TITLE"].append((t.i, t.i + 1))
                self.title_tok[t.i] = self.owner[t.i] is None
            elif low in cue.PARTICIPANT_NOUNS:
                self.cues["PARTICIPANT"].append((t.i, t.i + 1))
            elif low in cue.BYLINE_CUES:
                self.cues["BYLINE"].append((t.i, t.i + 1))
        for match_id, start, end in cfg.matcher(doc):
            self.cues.setdefault(doc.vocab.strings[match_id], []).append((start, end))
        self.byline_sents = {self.sent_of[s] for s, _ in self.cues.get("BYLINE", [])}
        self.participant_sents = {self.sent_of[s] for s, _ in self.cues.get("PARTICIPANT", [])}
        self.both_parties_sents = {self.sent_of[s] for s, _ in self.cues.get("BOTH_PARTIES", [])}
        self.positions: dict[str, list[tuple[str, bool]]] = {}  # person -> [(org, explicit)]
        self.pending: dict[int, list[tuple[Mention, str | None]]] = {}  # titles still without an org
        self.title_tails: dict[int, set[str]] = {}  # sentence -> orgs named in titles there
        self.partner_pairs: list[tuple[str, str]] = []
        self.person_visits: list[tuple[str, list[str], int]] = []
        self.signed: list[tuple[str, str, int]] = []
        self.main_event = self._main_event()
        self.home: str | None = None

    def add(
        self,
        head: str,
        rtype: RelationType,
        tail: str,
        sent: int,
        confidence: float,
        title: str | None = None,
        sent2: int | None = None,
    ) -> None:
        if head == tail:
            return
        h, t = self.drafts[head], self.drafts[tail]
        if not types_fit(rtype, h.type, t.type):
            return
        if rtype is R.PARTICIPATED_IN and h.type is ALLIANCE and _norm(h.name) in _norm(t.name):
            return  # an alliance is founded at its founding conference, it does not attend it
        key_head, key_tail = head, tail
        if rtype is R.PARTNERS_WITH and tail < head:
            key_head, key_tail = tail, head
        key = (key_head, rtype, key_tail)
        first = self.sents[min(sent, sent if sent2 is None else sent2)]
        last = self.sents[max(sent, sent if sent2 is None else sent2)]
        date = None
        if rtype in (R.ORGANIZED, R.PARTICIPATED_IN, R.LOCATED_IN):
            event = h if h.type is EVENT else t if t.type is EVENT else None
            date = event.date if event is not None else None
        draft = RelationDraft(
            head=key_head,
            type=rtype,
            tail=key_tail,
            sentence=(first.start_char, last.end_char),
            title=title if rtype is R.HOLDS_POSITION else None,
            date=date,
            confidence=round(confidence, 3),
            rule=_calling_rule(),
        )
        old = self.out.get(key)
        if old is None or (draft.confidence, draft.title is not None) > (old.confidence, old.title is not None):
            if old is not None and draft.title is None:
                draft.title = old.title
            self.out[key] = draft
        elif old.title is None and draft.title is not None:
            old.title = draft.title
        if rtype is R.PARTNERS_WITH and (key_head, key_tail) not in self.partner_pairs:
            self.partner_pairs.append((key_head, key_tail))

    def low(self, i: int) -> str:
        """The lower-case text of token ``i``, or "" outside the doc (no wrap-around)."""
        return self.toks[i].lower_ if 0 <= i < len(self.toks) else ""

    def lem_at(self, i: int) -> str:
        lem = self.lem[i]
        if lem is None:
            lem = self.lem[i] = _lemma(self.toks[i])
        return lem

    def lem_of(self, tok: Token) -> str:
        return self.lem_at(tok.i)

    def mention_at(self, i: int) -> Mention | None:
        return self.owner[i] if 0 <= i < len(self.doc) else None

    def in_span(self, start: int, end: int, types=None) -> list[Mention]:
        """Mentions wholly inside tokens [start, end), in order."""
        out = []
        for m in self.by_sent[self.sent_of[start]] if start < len(self.doc) else []:
            if m.start >= start and m.end <= end and (types is None or m.type in types):
                out.append(m)
        if end > start and self.sent_of[min(end, len(self.doc)) - 1] != self.sent_of[start]:
            for k in range(self.sent_of[start] + 1, self.sent_of[end - 1] + 1):
                out.extend(
                    m for m in self.by_sent[k] if m.end <= end and (types is None or m.type in types)
                )
        return out

    def subtree_mentions(self, tok: Token, types=None) -> list[Mention]:
        lo, hi = tok.left_edge.i, tok.right_edge.i + 1
        # a token inside a mention carries the whole mention
        ms = {}
        for i in range(lo, hi):
            m = self.owner[i]
            if m is not None and (types is None or m.type in types):
                ms[id(m)] = m
        return sorted(ms.values(), key=lambda m: m.start)

    def window(self, start: int, types=None) -> list[Mention]:
        """Mentions from token ``start`` to the next clause break (a verb outside a mention)."""
        sent = self.sents[self.sent_of[start]] if start < len(self.doc) else None
        if sent is None:
            return []
        out: dict[int, Mention] = {}
        i = start
        end = sent.end
        k = self.sent_of[start]
        while k + 1 < len(self.sents) and self.toks[self.sents[k].end - 1].text == ",":
            # the parser split a list after "Corp.,": the list goes on
            k += 1
            end = self.sents[k].end
        while i < end:
            m = self.owner[i]
            if m is not None:
                if types is None or m.type in types:
                    out[id(m)] = m
                i = m.end
                continue
            tok = self.toks[i]
            if self.lem_at(i) in _ROLE_VERBS and tok.pos_ in ("VERB", "ADJ", "AUX"):
                break
            if _clause_verb(tok) and tok.lower_ not in ("including", "include", "includes"):
                if tok.dep_ == "relcl" or (i > 0 and self.low(i - 1) in ("that", "which")):
                    # skip a relative clause up to the next comma
                    while i < end and self.toks[i].text != ",":
                        i += 1
                    continue
                break
            if tok.lower_ in _STOP_WORDS:
                break
            i += 1
        return sorted(out.values(), key=lambda m: m.start)

    def subjects(self, verb: Token) -> list[Token]:
        """nsubj / nsubjpass of a verb, climbing through conj/xcomp/advcl heads."""
        tok = verb
        for _ in range(4):
            subs = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
            if subs:
                return subs
            if tok.dep_ in ("conj", "xcomp", "advcl", "acl", "pcomp") and tok.head is not tok:
                tok = tok.head
                continue
            break
        return []

    def subject_mentions(self, verb: Token, types=None) -> list[Mention]:
        out: list[Mention] = []
        for s in self.subjects(verb):
            out.extend(self.subtree_mentions(s, types))
        if not out and verb.dep_ == "acl" and self.owner[verb.head.i] is not None:
            m = self.owner[verb.head.i]
            if types is None or m.type in types:
                out.append(m)
        return out

    def speaker_org(self, k: int) -> str | None:
        """Whose 'our' a sentence says: the quoted speaker's organisation, else the article's."""
        for j in (k, k + 1):
            if j >= len(self.sents):
                break
            for m in self.by_sent[j]:
                if m.type is PERSON:
                    orgs = self.org_of_person(m.ent.id, explicit_only=True)
                    if orgs and any(self.lem_of(t) in ("say", "state", "add", "note") for t in self.toks[self.sents[j].start : self.sents[j].end]):
                        return orgs[0]
        return self.home

    def generic_ref(self, tok: Token) -> Mention | None:
        """'the institute' -> the last organisation named '... Institute' before it (two sentences back at most)."""
        if tok.pos_ != "NOUN" or not any(c.lower_ in ("the", "this") for c in tok.children):
            return None
        noun = _singular(tok.lower_)
        k = self.sent_of[tok.i]
        for j in range(k, max(-1, k - 3), -1):
            for m in reversed(self.by_sent[j]):
                if m.start < tok.i and m.type in ORG and _singular(_norm(m.ent.name).split()[-1]) == noun:
                    return m
        return None

    def org_of_person(self, person: str, explicit_only: bool = False) -> list[str]:
        return [o for o, explicit in self.positions.get(person, []) if explicit or not explicit_only]

    def actors(self, mentions: list[Mention], sent: int) -> list[str]:
        """Organisations acting in a clause: named ones, else those of the named people."""
        tails = self.title_tails.get(sent, set())
        people = [m.ent.id for m in mentions if m.type is PERSON]
        orgs = [m.ent.id for m in mentions if m.type in ORG and m.ent.id not in tails]
        if not orgs:
            for p in people:
                orgs.extend(self.org_of_person(p))
        return list(dict.fromkeys(orgs))

    def _main_event(self) -> str | None:
        """The event the article reports: named most, and the one that was held or attended."""
        score: Counter[str] = Counter()
        first: dict[str, int] = {}
        cues = cue.ORGANIZE_VERBS | cue.LOCATE_VERBS | {"attend", "participate"}
        for m in self.mentions:
            if m.type is not EVENT:
                continue
            score[m.ent.id] += 1
            first.setdefault(m.ent.id, m.start)
            root = self.doc[m.start : m.end].root
            head = root.head
            if root.dep_ == "pobj" and head.head is not head:
                head = head.head
            if root.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "ROOT") and self.lem_of(head) in cues:
                score[m.ent.id] += 3
            elif m.end < len(self.doc) and self.lem_of(self.toks[m.end]) in cues | {"be"}:
                score[m.ent.id] += 2
        if not score:
            return None
        return max(score, key=lambda e: (score[e], -first[e]))

    def event_for(self, verb: Token | None, sent: int, wanted=(EVENT,)) -> tuple[str, int] | None:
        """The event (or alliance) a clause is about, and the sentence naming it."""
        generic = False
        if verb is not None:
            for s in self.subjects(verb):
                for m in self.subtree_mentions(s, wanted):
                    return m.ent.id, sent
                low = s.lemma_.lower()
                if low in cue.ALLIANCE_NOUNS and ALLIANCE in wanted:
                    wanted = (ALLIANCE,)
                elif low in cue.EVENT_NOUNS or low in ("it", "which"):
                    wanted = (EVENT,)
                    generic = True
            if verb.dep_ == "acl" and self.owner[verb.head.i] is not None:
                m = self.owner[verb.head.i]
                if m.type in wanted:
                    return m.ent.id, sent
        here = [m for m in self.by_sent[sent] if m.type in wanted]
        if here and not generic:
            if verb is not None:
                here.sort(key=lambda m: (m.start > verb.i, abs(m.start - verb.i)))
            return here[0].ent.id, sent
        near = []
        for back in range(0 if generic else 1, self.cfg.max_sentence_distance + 1):
            if sent - back < 0:
                break
            prev = [m for m in self.by_sent[sent - back] if m.type in wanted]
            near.extend((m.ent.id, sent - back) for m in reversed(prev))
        if near:
            for eid, k in near:
                if eid == self.main_event:
                    return eid, k
            return near[0]
        if EVENT in wanted and self.main_event is not None:
            sent_words = {t.lower_ for t in self.toks[self.sents[sent].start : self.sents[sent].end]}
            if generic or sent_words & cue.EVENT_NOUNS or sent_words & {"it", "which"}:
                return self.main_event, sent
        if wanted == (ALLIANCE,):
            # "This Alliance is led by X": the alliance the article named last, if only one
            named = {m.ent.id for m in self.mentions if m.type is ALLIANCE and m.start < self.sents[sent].start}
            if len(named) == 1:
                return named.pop(), sent
        return None

    def _home_org(self) -> str | None:
        """The organisation the article is by or about: named most, resolved references weigh more."""
        publisher = getattr(self.doc._, "eikg_publisher", None) if Doc.has_extension("eikg_publisher") else None
        if publisher:
            wanted = _norm(publisher)
            for d in self.drafts.values():
                if d.type in ORG and wanted in _names(d):
                    return d.id
        score: Counter[str] = Counter()
        for m in self.mentions:
            if m.type not in ORG or m.type is ALLIANCE:
                continue
            score[m.ent.id] += 1
            first = self.low(m.start)
            if first in ("our", "the", "this") and m.end - m.start <= 3:
                score[m.ent.id] += 2
            if self.sent_of[m.start] == 0:
                score[m.ent.id] += 1
        for org, _ in [x for v in self.positions.values() for x in v]:
            score[org] += 1
        guests = self._guest_orgs()
        if set(score) - guests:
            # "X received the visiting delegation of Y": the host writes, not the guests
            for g in guests:
                score.pop(g, None)
        if not score:
            return None
        first: dict[str, int] = {}
        for m in self.mentions:
            first.setdefault(m.ent.id, m.start)
        return max(score, key=lambda e: (score[e], -first.get(e, len(self.doc))))

    def place_chain(self, i: int, end: int) -> list[Mention]:
        """The places from token ``i`` on, joined by commas: "A District, B City"."""
        out: list[Mention] = []
        while i < end:
            m = self.mention_at(i)
            if m is None or m.type is not PLACE or m.start != i:
                break
            out.append(m)
            if m.end + 1 < end and self.low(m.end) == ",":
                i = m.end + 1
            else:
                break
        return out

    def _guest_orgs(self) -> set[str]:
        """Organisations of a delegation someone received or welcomed."""
        guests: set[str] = set()
        for verb in self.toks:
            if verb.pos_ != "VERB" or self.lem_of(verb) not in cue.RECEIVE_VERBS:
                continue
            for c in verb.children:
                if c.dep_ in ("dobj", "obj") and any(t.lower_ in cue.VISIT_NOUNS for t in c.subtree):
                    for m in self.subtree_mentions(c):
                        if m.type in ORG:
                            guests.add(m.ent.id)
                        elif m.type is PERSON:
                            guests.update(self.org_of_person(m.ent.id, explicit_only=True))
        return guests


_HELPERS = frozenset({"add", "_hold"})


def _calling_rule() -> str | None:
    """The name of the ``DocState`` rule method that is adding a relation
    (``_partners`` -> "partners"), passing over the helpers that add for it: so
    every relation says which rule fired, without each call site naming itself."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name in _HELPERS:
        frame = frame.f_back
    return frame.f_code.co_name.lstrip("_") if frame is not None else None


def types_fit(rtype: RelationType, head: EntityType, tail: EntityType) -> bool:
    if rtype is R.HOLDS_POSITION:
        return head is PERSON and tail in ORG
    if rtype is R.PARTNERS_WITH:
        return head in ORG and tail in ORG
    if rtype in (R.MEMBER_OF, R.LEADS):
        return head in ORG and head is not ALLIANCE and tail is ALLIANCE
    if rtype is R.ORGANIZED:
        return head in ORG and tail is EVENT
    if rtype is R.PARTICIPATED_IN:
        return (head is PERSON or head in ORG) and tail is EVENT
    if rtype is R.LOCATED_IN:
        return (head is EVENT and (tail is PLACE or tail in ORG)) or (
            (head in ORG or head is PLACE) and tail is PLACE
        )
    if rtype is R.VISITED:
        return (head is PERSON or head in ORG) and tail in ORG
    if rtype is R.PART_OF:
        return head in ORG and tail in ORG
    return False


def _more_mentions(
    text: str, drafts: list[EntityDraft], known: list[tuple[int, int, EntityDraft]]
) -> list[tuple[int, int, EntityDraft]]:
    """Further occurrences of the drafts' own names and aliases that carry no mention.

    Only capitalised forms are sought (names, not "the college"), whole words,
    longest first, and never across a mention the entity components made.
    """
    forms: dict[str, EntityDraft] = {}
    for d in drafts:
        if d.type in (EntityType.PLATFORM, EntityType.POLICY):
            continue
        for form in (d.name, *d.aliases):
            form = form.strip()
            if len(form) >= 2 and (form[0].isupper() or form[0].isdigit()):
                forms.setdefault(form, d)
    if not forms:
        return []
    taken = bytearray(len(text))
    for start, end, _ in known:
        taken[start:end] = b"\x01" * (end - start)
    out = []
    for form in sorted(forms, key=len, reverse=True):
        n = len(form)
        i = text.find(form)
        while i >= 0:
            end = i + n
            if (
                not any(taken[i:end])
                and (i == 0 or not text[i - 1].isalnum())
                and (end == len(text) or not text[end].isalnum())
            ):
                taken[i:end] = b"\x01" * n
                out.append((i, end, forms[form]))
            i = text.find(form, end)
    return out


def sentences(doc: Doc, toks: list[Token]) -> list[Span]:
    """The parser's sentences, also cut at blank lines: a headline or a dateline is never
    part of the sentence after it, whatever the parser made of the paragraph break."""
    out = []
    for sent in doc.sents:
        start = sent.start
        for tok in toks[sent.start : sent.end]:
            if tok.is_space and tok.text.count("\n") >= 2 and tok.i > start:
                out.append(doc[start : tok.i + 1])
                start = tok.i + 1
        if start < sent.end:
            out.append(doc[start : sent.end])
    return out


def _is_bare_event(name: str) -> bool:
    """An event named only by its noun ("symposium"), from "At the symposium, ..."."""
    return " " not in name and name.islower()


def _is_unit_name(name: str) -> bool:
    """'School of Law', 'Office of Academic Affairs': a unit named by its head word first."""
    words = _norm(name).split()
    return len(words) > 2 and words[0] in cue.UNIT_HEADS and words[1] == "of"


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _clause_verb(tok: Token) -> bool:
    """A verb that opens a clause (not 'Nasdaq-listed' or 'efficiency-focused')."""
    return tok.pos_ in _VERB_POS and tok.dep_ not in ("amod", "compound", "nmod", "npadvmod", "nummod")


def _joint(doc: Doc, i: int) -> bool:
    """'jointly held', 'co-organised', 'held together'."""
    lo = max(0, i - 3)
    for t in doc[lo : min(len(doc), i + 2)]:
        if t.lower_ in ("jointly", "together", "joint", "co"):
            return True
    return doc[i].lower_.startswith("co-")


def _names(d: EntityDraft) -> set[str]:
    return {_norm(n) for n in [d.name, *d.aliases] if n}

