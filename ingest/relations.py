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
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import eikg.ingest.drafts  # noqa: F401  (registers the Doc extensions)
from eikg.errors import EikgError
from eikg.ingest import relation_patterns as cue
from eikg.ingest.drafts import EntityDraft, RelationDraft
from eikg.records import ORGANIZATION_TYPES, EntityType, RelationType

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


@dataclass(frozen=True)
class _Mention:
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
        relations = _DocRelations(self, doc, drafts).run() if drafts else []
        doc._.eikg_relations = [r for r in relations if r.confidence >= self.min_confidence]
        return doc


class _DocRelations:
    """The state of one document's relation extraction."""

    def __init__(self, cfg: RelationExtractor, doc: Doc, drafts: list[EntityDraft]) -> None:
        self.cfg = cfg
        self.doc = doc
        self.drafts = {d.id: d for d in drafts}
        self.out: dict[tuple[str, RelationType, str], RelationDraft] = {}
        self.owner: list[_Mention | None] = [None] * len(doc)
        self.mentions: list[_Mention] = []
        spans = [(start, end, d) for d in drafts for start, end in d.mentions]
        if cfg.complete_mentions:
            spans.extend(_more_mentions(doc.text, drafts, spans))
        for start, end, d in spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            self.mentions.append(_Mention(d, span.start, span.end))
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
        self.by_sent: list[list[_Mention]] = [[] for _ in self.sents]
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
        self.pending: dict[int, list[tuple[_Mention, str | None]]] = {}  # titles still without an org
        self.title_tails: dict[int, set[str]] = {}  # sentence -> orgs named in titles there
        self.partner_pairs: list[tuple[str, str]] = []
        self.person_visits: list[tuple[str, list[str], int]] = []
        self.signed: list[tuple[str, str, int]] = []
        self.main_event = self._main_event()
        self.home: str | None = None

    # ------------------------------------------------------------------ output

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

    # ------------------------------------------------------------------ helpers

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

    def mention_at(self, i: int) -> _Mention | None:
        return self.owner[i] if 0 <= i < len(self.doc) else None

    def in_span(self, start: int, end: int, types=None) -> list[_Mention]:
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

    def subtree_mentions(self, tok: Token, types=None) -> list[_Mention]:
        lo, hi = tok.left_edge.i, tok.right_edge.i + 1
        # a token inside a mention carries the whole mention
        ms = {}
        for i in range(lo, hi):
            m = self.owner[i]
            if m is not None and (types is None or m.type in types):
                ms[id(m)] = m
        return sorted(ms.values(), key=lambda m: m.start)

    def window(self, start: int, types=None) -> list[_Mention]:
        """Mentions from token ``start`` to the next clause break (a verb outside a mention)."""
        sent = self.sents[self.sent_of[start]] if start < len(self.doc) else None
        if sent is None:
            return []
        out: dict[int, _Mention] = {}
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

    def subject_mentions(self, verb: Token, types=None) -> list[_Mention]:
        out: list[_Mention] = []
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

    def generic_ref(self, tok: Token) -> _Mention | None:
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

    def actors(self, mentions: list[_Mention], sent: int) -> list[str]:
        """Organisations acting in a clause: named ones, else those of the named people."""
        tails = self.title_tails.get(sent, set())
        people = [m.ent.id for m in mentions if m.type is PERSON]
        orgs = [m.ent.id for m in mentions if m.type in ORG and m.ent.id not in tails]
        if not orgs:
            for p in people:
                orgs.extend(self.org_of_person(p))
        return list(dict.fromkeys(orgs))

    # ------------------------------------------------------------------ events

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

    # ------------------------------------------------------------------ HOLDS_POSITION

    def _positions(self, k: int) -> None:
        sent = self.sents[k]
        if k in self.byline_sents and not any(self.title_tok[i] for i in range(sent.start, sent.end)):
            return
        persons = [m for m in self.by_sent[k] if m.type is PERSON]
        if not persons:
            return
        pending: list[tuple[_Mention, str | None]] = []
        tails: set[str] = set()
        for p in persons:
            title, org = self._left_title(p, sent)
            via_right = False
            if org is None:
                org = self._after_prep(p, sent)
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
                tails.add(org.ent.id)
                self._hold(p.ent.id, org.ent.id, k, self.cfg.pattern_confidence, title)
                if via_right:
                    # "A, Dean, B, Vice Dean of X": titles listed before an organisation share it
                    kept = []
                    for q, q_title in pending:
                        if any(t.pos_ == "VERB" and self.owner[t.i] is None for t in self.toks[q.end : p.start]):
                            kept.append((q, q_title))  # "President A received the delegation led by B, Dean of X"
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

    def _left_title(self, p: _Mention, sent: Span) -> tuple[str | None, _Mention | None]:
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

    def _after_prep(self, p: _Mention, sent: Span) -> _Mention | None:
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

    def _right_appositive(self, p: _Mention, sent: Span) -> tuple[str | None, _Mention | None, bool]:
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

    def _trailing_org(self, p: _Mention, sent: Span) -> _Mention | None:
        """'X, general director of operations, growth and leadership at ACME'."""
        i = p.end
        while i < sent.end:
            m = self.owner[i]
            if m is not None:
                if m.type is PERSON:
                    return None
                if m.type in ORG and self.low(m.start - 1) in ("at", "of"):
                    return m
                i = m.end
                continue
            if _clause_verb(self.toks[i]) or self.toks[i].text in (";", ":"):
                return None
            i += 1
        return None

    def _preceding_appositive(self, p: _Mention, sent: Span) -> tuple[str | None, _Mention | None]:
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

    def _appointed(self, p: _Mention, sent: Span) -> tuple[str | None, _Mention] | None:
        """'Li Hua, Dean of X, was appointed (as) Executive Dean of the Y College'."""
        i = p.end
        while i < sent.end:
            m = self.owner[i]
            if m is not None:
                if m.type is PERSON:
                    return None
                i = m.end
                continue
            if self.lem_at(i) in cue.APPOINT_VERBS and self.toks[i].pos_ in _VERB_POS:
                break
            i += 1
        else:
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

    def _appointed_as(self, p: _Mention, sent: Span) -> _Mention | None:
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

    def place_chain(self, i: int, end: int) -> list[_Mention]:
        """The places from token ``i`` on, joined by commas: "A District, B City"."""
        out: list[_Mention] = []
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

    # ------------------------------------------------------------------ agents

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

    def _named_tail(self, ent: EntityDraft) -> list[str]:
        out = []
        for name in [ent.name, *ent.aliases]:
            if "," in name:
                tail = _norm(name.rsplit(",", 1)[1])
                out.extend(d.id for d in self.drafts.values() if d.id != ent.id and d.type in ORG and tail in _names(d))
        return out

    # ------------------------------------------------------------------ partners

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

    # ------------------------------------------------------------------ visits

    def _visits(self, k: int) -> None:
        sent = self.sents[k]
        conf = self.cfg.pattern_confidence
        for verb in self.toks[sent.start : sent.end]:
            if self.owner[verb.i] is not None or verb.pos_ not in ("VERB",):
                continue
            lemma = self.lem_of(verb)
            visitors: list[_Mention] = []
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

    # ------------------------------------------------------------------ participation

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
        persons: dict[str, list[_Mention]] = {}
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

    def _according_to(self, m: _Mention) -> bool:
        return m.start >= 2 and self.low(m.start - 2) == "according" and self.low(m.start - 1) == "to"

    def _byline_near(self, m: _Mention) -> bool:
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

    # ------------------------------------------------------------------ members

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

    # ------------------------------------------------------------------ part of / located in

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


# ---------------------------------------------------------------------- helpers


_HELPERS = frozenset({"add", "_hold"})


def _calling_rule() -> str | None:
    """The name of the ``_DocRelations`` rule method that is adding a relation
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


def _titleish_prefix(state: _DocRelations, toks: list[Token]) -> list[Token]:
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
