"""``eikg_entities``: one ``EntityDraft`` per real-world thing in ``doc._.eikg_entities``.

Abbreviations ("(KU)") and short forms become aliases, references become
mentions, events get a date and a place.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from eikg.ingest import lexicon as lx
from eikg.ingest.drafts import EntityDraft
from eikg.ingest.resolve import normalise_name
from eikg.records import EntityType
from eikg.ingest.components.mentions import (
    _ORG_LIKE, _PREFIX_UNITS, Mention, _Tokens, _text, _tokens
)
from eikg.ingest.components.names import _chinese_name


@Language.factory(
    "eikg_entities",
    default_config={"default_acronym_type": "COLLEGE", "headless_org_type": "ENTERPRISE"},
)
def make_entities(
    nlp: Language, name: str, default_acronym_type: str, headless_org_type: str
) -> "EntityResolver":
    """``default_acronym_type``: the type of an acronym the article never expands;
    ``headless_org_type``: the type of an organisation name with no head word
    ("Harlow Motors") that the statistical NER tags ORG."""
    return EntityResolver(EntityType(default_acronym_type), EntityType(headless_org_type))


@dataclass
class _Ent:
    type: EntityType | None
    name: str
    start: int  # token start of the mention giving the name
    head: str
    mentions: list[Mention] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    unit: bool = False
    headed: bool = True  # named with a head word ("... Group"), not bare "Harlow Motors"

    @property
    def confidence(self) -> float:
        named = [m.confidence for m in self.mentions if m.kind != "ref"]
        return max(named) if named else 1.0


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    return normalise_name(text)


def _bag(text: str, t: EntityType | None = None) -> frozenset[str]:
    """The words of a name in any order ("Education Department of X" is "Department
    of Education of X"); a company's without its legal form and a college's
    without its school word ("X Education College", "X University of Education"),
    when two or more words remain."""
    words = frozenset(w for w in _key(text).split() if w not in lx.CONNECTORS)
    if t is EntityType.ENTERPRISE:
        rest = words - lx.LEGAL_FORMS
        if len(rest) >= 2:
            return rest  # "X Semiconductor Co., Ltd." is "X Semiconductor"
    if t is EntityType.COLLEGE:
        rest = words - lx.SCHOOL_NOUNS - {"university", "universities"}
        if len(rest) >= 2 and len(words) - len(rest) == 1:
            return rest
    return words


class EntityResolver:
    """Mentions -> one EntityDraft per real-world thing in ``doc._.eikg_entities``."""

    def __init__(
        self,
        default_acronym_type: EntityType = EntityType.COLLEGE,
        headless_org_type: EntityType = EntityType.ENTERPRISE,
    ) -> None:
        self.default_acronym_type = default_acronym_type
        self.headless_org_type = headless_org_type

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.eikg_mentions or []
        ents: list[_Ent] = []
        index: dict[str, _Ent] = {}
        bags: dict[frozenset[str], _Ent] = {}
        # web text glues and splits words ("ShenzhenPolytechnic", "Yang Ke" and
        # "Yangke"): a name equal to a known one but for its spaces is that one
        glued: dict[str, _Ent] = {}

        def new(m: Mention, text: str, t: EntityType | None) -> _Ent:
            e = _Ent(t, text, m.start, m.head, unit=m.unit, headed=m.kind == "name")
            ents.append(e)
            return e

        def attach(e: _Ent, m: Mention, text: str) -> None:
            e.mentions.append(m)
            k = _key(text)
            if k != _key(e.name) and m.kind not in ("desc", "ref") and text not in e.aliases:
                e.aliases.append(text)
            index.setdefault(k, e)
            glued.setdefault(k.replace(" ", ""), e)
            if e.type is None and m.type is not None:
                e.type = m.type
            if e.unit and not m.unit and m.type is not None:
                e.unit = False
                e.type = m.type

        names = [m for m in mentions if m.kind in ("name", "org", "bare", "acronym")]
        # longest first, so a short form meets the full name it shortens
        for m in sorted(names, key=lambda m: (-(m.end - m.start), m.start)):
            text = _text(doc, m.start, m.end)
            k = _key(text)
            if not k:
                continue
            e = index.get(k)
            if e is None:
                e = glued.get(k.replace(" ", ""))
                if e is not None and k.count(" ") > _key(e.name).count(" "):
                    e.aliases.append(e.name)  # the spaced form names it: "Huawei Technology Co., LTD", not "...Co.LTD"
                    e.name = text
            e = e or (bags.get(_bag(text, m.type)) if m.type not in (None, EntityType.PERSON) else None)
            if e is None and m.kind == "acronym":
                e = _acronym_owner(text, ents)
            if e is None and m.type is not EntityType.PLACE:
                e = _short_form_owner(doc, m, ents)
            if e is None and m.type is EntityType.PLACE:
                e = _place_owner(k, ents)
                if e is None and not (m.start > 0 and doc[m.start - 1].lower_ in _PLACE_PREPS):
                    e = _brand_owner(k, ents)  # "Harlow is hiring", not "a plant in Harlow"
            if e is None and m.type in (None, EntityType.PERSON) and m.end - m.start == 1:
                e = _surname_owner(text, ents)
            if e is None:
                if m.kind == "bare":
                    continue
                if m.kind == "org":
                    m.type = self.headless_org_type
                e = new(m, text, m.type if m.kind != "acronym" else None)
                bags.setdefault(_bag(text, e.type), e)
            attach(e, m, text)
            for extra in (*m.parts, *([m.alias] if m.alias else [])):
                if extra and _key(extra) not in index:
                    index[_key(extra)] = e
                    glued.setdefault(_key(extra).replace(" ", ""), e)
                    if extra not in e.aliases and _key(extra) != _key(e.name):
                        e.aliases.append(extra)
        for e in ents:
            if e.type is None:
                e.type = self.default_acronym_type
        owner = {id(m): e for e in ents for m in e.mentions}
        for e in ents:
            for m in e.mentions:
                if m.follow is not None and id(m.follow) in owner and e.type in _ORG_LIKE:
                    e.type = owner[id(m.follow)].type
        self._type_units(doc, ents)
        self._events(doc, mentions, ents)
        self._references(doc, mentions, ents)
        doc._.eikg_entities = self._drafts(doc, ents)
        return doc

    def _type_units(self, doc: Doc, ents: list[_Ent]) -> None:
        """A unit named without its parent takes the type of the organisation a
        list of units it stands in ends with ("the A Office and B Department of
        X"), else of the one the sentence names before it ("its X Department":
        the one named last), else of the main college."""
        order = sorted(
            ((m.start, e) for e in ents for m in e.mentions if e.type in _ORG_LIKE and not e.unit),
            key=lambda x: x[0],
        )
        main = _main_college(ents)
        tk = _tokens(doc)
        owner = {i: e for e in ents if e.type in _ORG_LIKE for m in e.mentions for i in range(m.start, m.end)}
        for e in ents:
            if not e.unit:
                continue
            first = min(m.start for m in e.mentions)
            after = _listed_parent(doc, owner, max(m.end for m in e.mentions if m.start == first))
            if after is not None:
                e.type = after.type
                continue
            sent_start = tk.sent_bounds[tk.sent[first]][0]
            if first > 0 and tk.lower[first - 1] in ("its", "their"):
                sent_start = 0
            before = [x for s, x in order if sent_start <= s < first and tk.line[s] == tk.line[first]]
            if before:
                e.type = before[-1].type
            elif main is not None:
                e.type = EntityType.COLLEGE
            else:
                e.type = EntityType.ORGANIZATION

    def _events(self, doc: Doc, mentions: list[Mention], ents: list[_Ent]) -> None:
        descs = [m for m in mentions if m.kind == "desc"]
        for m in sorted(descs, key=lambda m: -(m.end - m.start)):
            text = _text(doc, m.start, m.end)
            same = [e for e in ents if e.type is EntityType.EVENT and (e.head == m.head or _key(e.name) == _key(text))]
            if same:
                same[0].mentions.append(m)
                continue
            e = _Ent(EntityType.EVENT, text, m.start, m.head, headed=False)
            e.mentions.append(m)
            ents.append(e)
            if m.head in lx.VAGUE_EVENT_NOUNS:
                # "the robot event of the 2025 Skills Competition" is the competition's
                # instance the article reports: one event, the competition's name an alias
                for inner in ents:
                    if inner is not e and inner.type is EntityType.EVENT and any(
                        m.start <= x.start and x.end <= m.end for x in inner.mentions
                    ):
                        e.mentions.extend(inner.mentions)
                        e.aliases.append(inner.name)
                        inner.mentions = []

    def _references(self, doc: Doc, mentions: list[Mention], ents: list[_Ent]) -> None:
        first = {id(e): min(m.start for m in e.mentions) for e in ents if e.mentions}
        positions = sorted(
            ((m.start, e) for e in ents for m in e.mentions if m.kind != "ref"), key=lambda p: p[0]
        )
        publisher = _publisher(doc, ents)
        tk = _tokens(doc)
        for m in mentions:
            if m.kind != "ref":
                continue
            target = None
            named = [e for s, e in positions if s < m.start and e.head == m.head]
            if m.head in ("institute", "academy") and named and doc[m.end - 1].text[:1].isupper():
                target = named[-1]  # "the Institute": research institutes are not schools
            elif m.head in lx.SCHOOL_NOUNS:
                # "our school" is the publisher; "the college" the one this sentence
                # has just named, else the publisher
                sent_start = tk.sent_bounds[tk.sent[m.start]][0]
                before = [
                    e for s, e in positions
                    if sent_start <= s < m.start and e.type is EntityType.COLLEGE and e.head in lx.SCHOOL_NOUNS
                ]
                target = before[-1] if before and m.det != "our" else publisher
            elif m.head in lx.EVENT_NOUNS or lx.HEAD_TYPES.get(m.head) is EntityType.EVENT:
                # the latest event, passing over a described one of another kind
                # ("the opening ceremony" ... "the competition")
                before = [e for s, e in positions if s < m.start and e.type is EntityType.EVENT]
                fitting = [e for e in before if e.headed or e.head == m.head]
                before = fitting or before
                target = before[-1] if before else next((e for e in ents if e.type is EntityType.EVENT), None)
                if target is None and m.start > 0 and tk.lower[m.start - 1] == "at" and m.head not in lx.VAGUE_EVENT_NOUNS:
                    # "At the symposium, ..." in an article that names no event:
                    # the event it reports, named by its noun
                    target = _Ent(EntityType.EVENT, tk.text[m.end - 1].lower(), m.start, m.head, headed=False)
                    ents.append(target)
                    first[id(target)] = m.start
                    positions.append((m.start, target))
                    positions.sort(key=lambda p: p[0])
            else:
                before = [e for s, e in positions if s < m.start and e.head == m.head]
                if not before and m.head in ("company", "firm", "enterprise"):
                    before = [
                        e for s, e in positions
                        if s < m.start and e.type is EntityType.ENTERPRISE and e.head not in _PREFIX_UNITS
                    ]
                target = before[-1] if before else None
            if target is not None and id(target) in first:
                target.mentions.append(m)

    def _drafts(self, doc: Doc, ents: list[_Ent]) -> list[EntityDraft]:
        ents = [e for e in ents if e.mentions]
        ents.sort(key=lambda e: min(m.start for m in e.mentions))
        drafts = []
        for n, e in enumerate(ents, 1):
            spans = sorted({(doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1])) for m in e.mentions})
            drafts.append(EntityDraft(
                id=f"e{n}", name=e.name, type=e.type, aliases=list(e.aliases), mentions=spans,
                confidence=round(e.confidence, 4),
            ))
        ids = {id(e): d.id for e, d in zip(ents, drafts)}
        for e, d in zip(ents, drafts):
            if e.type is EntityType.EVENT:
                d.date, place = _event_date_place(doc, e, ents)
                d.place = ids.get(id(place)) if place is not None else None
        return drafts


def _publisher(doc: Doc, ents: list[_Ent]) -> _Ent | None:
    """The organisation that wrote the article: the one named as its publisher
    when the input says, else the first college its headline or byline names
    (the first two short lines), else the college it names most often."""
    name = doc._.eikg_publisher if Doc.has_extension("eikg_publisher") else None
    if name:
        key = _key(name)
        for e in ents:
            if e.type in _ORG_LIKE and key in {_key(n) for n in (e.name, *e.aliases)}:
                return e
    top = _top_lines_end(_tokens(doc))
    guests = _guests(doc, ents) | _coordinated_with_us(doc, ents)
    if top:
        first = [
            (m.start, e) for e in ents if e.type is EntityType.COLLEGE and e.head in lx.SCHOOL_NOUNS
            for m in e.mentions if m.start < top and m.kind != "ref"
        ]
        first = [p for p in first if id(p[1]) not in guests] or first
        if first:
            return min(first, key=lambda p: p[0])[1]
    main = _main_college([e for e in ents if id(e) not in guests])
    return main if main is not None else _main_college(ents)


_RECEIVE_LEMMAS = frozenset({"receive", "welcome", "meet"})
_DELEGATION_WORDS = frozenset({"delegation", "visiting", "entourage"})


def _coordinated_with_us(doc: Doc, ents: list[_Ent]) -> set[int]:
    """ids of the colleges named beside "our university" ("our University and X
    College jointly organised ..."): they are the publisher's partners, not it."""
    tk = _tokens(doc)
    out: set[int] = set()
    for m in doc._.eikg_mentions or ():
        if m.kind != "ref" or m.det != "our" or m.head not in lx.SCHOOL_NOUNS:
            continue
        if not (m.end < tk.n and tk.lower[m.end] in ("and", ",")) and not (m.start > 0 and tk.lower[m.start - 1] == "and"):
            continue
        sent = tk.sent[m.start]
        out.update(
            id(x) for x in ents if x.type is EntityType.COLLEGE
            for xm in x.mentions if xm.kind != "ref" and tk.sent[xm.start] == sent
        )
    return out


def _guests(doc: Doc, ents: list[_Ent]) -> set[int]:
    """ids of the entities named inside "received the visiting delegation (of/led
    by ...)": in such a report the host writes, so a guest is never "our school"."""
    spans = []
    for tok in doc:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in _RECEIVE_LEMMAS:
            for c in tok.children:
                if c.dep_ in ("dobj", "obj") and any(t.lower_ in _DELEGATION_WORDS for t in c.subtree):
                    spans.append((c.left_edge.i, c.right_edge.i + 1))
    if not spans:
        return set()
    return {
        id(e) for e in ents for m in e.mentions
        if m.kind != "ref" and any(a <= m.start < b for a, b in spans)
    }


def _top_lines_end(tk: _Tokens, lines: int = 2, limit: int = 60) -> int:
    """Token index where the first ``lines`` lines end, or 0 when they run past
    ``limit`` tokens (the text has no headline or byline)."""
    seen = 0
    for i in range(min(tk.n, limit)):
        if "\n" in tk.text[i] or "\n" in tk.ws[i]:
            if i > 0 and not (tk.space[i - 1] or "\n" in tk.ws[i - 1]):
                seen += 1
            if seen >= lines:
                return i
    return tk.n if tk.n < limit else 0


def _listed_parent(doc: Doc, owner: dict[int, _Ent], i: int) -> _Ent | None:
    """The organisation a list of units ends with: "heads of the A Office, B
    Department and C Section of X" -> X, read from the end ``i`` of one unit."""
    n = len(doc)
    while i < n and not doc[i].is_sent_start:
        low = doc[i].lower_
        if low == "of" and i + 1 < n:
            j = i + 1 + (doc[i + 1].lower_ == "the")
            parent = owner.get(j)
            return parent if parent is not None and not parent.unit else None
        if i in owner or low in (",", "and", "&", ";", "the"):
            i += 1
            continue
        return None
    return None


def _main_college(ents: list[_Ent]) -> _Ent | None:
    colleges = [
        e for e in ents
        if e.type is EntityType.COLLEGE and e.mentions and (e.head in lx.SCHOOL_NOUNS or e.name.isupper())
    ]
    if not colleges:
        return None
    return max(colleges, key=lambda e: (len(e.mentions), -min(m.start for m in e.mentions)))


def _acronym_owner(text: str, ents: list[_Ent]) -> _Ent | None:
    """The organisation an acronym abbreviates: its letters, in order, in the
    name (or the name before an "of <parent>"), first and last letters starting
    the first and last words; the shortest such name wins ("NBOU" is
    "Northbay Ocean University", not a school of it)."""
    a = text.lower()
    if len(a) < 2:
        return None
    best, best_len = None, 0
    for e in ents:
        if e.type not in _ORG_LIKE and e.type is not None:
            continue
        names = [e.name, *e.aliases]
        for n in list(names):
            parts = n.split(" of ")
            names += [" of ".join(parts[:k]) for k in range(1, len(parts))]
        for name in names:
            words = re.findall(r"[A-Za-z]+", name)
            if not words or words[0][0].lower() != a[0] or words[-1][0].lower() != a[-1]:
                continue
            it = iter("".join(words).lower())
            if all(ch in it for ch in a) and (best is None or len(words) < best_len):
                best, best_len = e, len(words)
    return best


def _short_form_owner(doc: Doc, m: Mention, ents: list[_Ent]) -> _Ent | None:
    """"Qiaoyun Group" for "Fernvale Qiaoyun Technology Group": an ordered subset of
    a longer organisation name's words, keeping a distinctive word and its head."""
    words = _key(_text(doc, m.start, m.end)).split()
    if not words or m.type is EntityType.PERSON and _chinese_name(_tokens(doc), m.start, m.end):
        return None
    distinctive = [w for w in words if w not in lx.HEAD_TYPES and w not in lx.CONNECTORS]
    if not distinctive:
        return None
    candidates: list[_Ent] = []
    for e in ents:
        if e.type is EntityType.EVENT and m.type is EntityType.EVENT:
            # "X Forum" for "X Forum of Kestrel University"
            full = _key(e.name).split()
            if len(full) > len(words) and full[: len(words)] == words and full[len(words)] in ("of", "at"):
                return e
            continue
        if e.type not in _ORG_LIKE or not e.headed:
            continue
        full = _key(e.name).split()
        if len(full) <= len(words):
            continue
        brand = m.type is e.type is EntityType.ENTERPRISE and m.end - m.start == 1
        if m.type not in (None, EntityType.PERSON) and m.head != e.head and not brand:
            continue  # "Greenway" may shorten "Greenway Automotive Group", not "Greenway College"
        if m.type is e.type and m.type in (EntityType.COLLEGE, EntityType.GOVERNMENT) and e.head not in _PREFIX_UNITS:
            if (
                full[-len(words):] == words and all(w in lx.GENERIC_WORDS or w in lx.HEAD_TYPES for w in words)
                and sum(
                    _key(x.name).split()[-len(words):] == words and not set(_key(x.name).split()) & lx.CONNECTORS
                    for x in ents if x.type is e.type
                ) == 1
                and not set(full) & lx.CONNECTORS
            ):
                candidates.append(e)  # "Education Bureau" for the one "Fenwick Education Bureau": no name of its own
            continue  # "Kestrel University" is not "Kestrel Normal University"
        if e.head in _PREFIX_UNITS:
            # a unit's short name drops only its parent: "X Section" of "X Section of Y";
            # but one sentence naming both means two units ("the HR Department, and
            # ... the HR Department of the subsidiary")
            tk = _tokens(doc)
            same_sentence = any(tk.sent[x.start] == tk.sent[m.start] for x in e.mentions)
            if full[: len(words)] == words and full[len(words)] in ("of", "at") and not same_sentence:
                return e
            continue
        it = iter(full)
        if all(w in it for w in words) and words[0] in full[:2] + [w for w in full if w not in lx.HEAD_TYPES][:2]:
            candidates.append(e)
    if not candidates:
        return None
    # a bare brand ("Harlow") is the company before the industry college named after it
    if m.type is None and m.end - m.start == 1:
        return min(candidates, key=lambda e: e.type is not EntityType.ENTERPRISE)
    return candidates[0]


def _place_owner(key: str, ents: list[_Ent]) -> _Ent | None:
    """"Fernvale" for "Fernvale Province"; "Harbor Science City" for "Eastport
    Harbor Science City": a place named without its place word or its prefix."""
    words = key.split()
    for e in ents:
        if e.type is not EntityType.PLACE:
            continue
        full = _key(e.name).split()
        if len(full) == len(words) + 1 and full[:-1] == words and full[-1] in lx.HEAD_TYPES:
            return e
        if len(words) >= 2 and len(full) > len(words) and full[-len(words):] == words and "of" not in full:
            return e
    return None


_PLACE_PREPS = frozenset({"in", "at", "from", "to", "near", "across", "of"})


def _brand_owner(key: str, ents: list[_Ent]) -> _Ent | None:
    """"Harlow" that the NER calls a place, in an article naming "Harlow Dairy Co.,
    Ltd." and no other organisation or place starting with "Harlow": the company."""
    if " " in key:
        return None
    owners = [e for e in ents if _key(e.name).split()[:1] == [key]]
    if len(owners) == 1 and owners[0].type is EntityType.ENTERPRISE and owners[0].headed:
        return owners[0]
    return None


def _surname_owner(text: str, ents: list[_Ent]) -> _Ent | None:
    people = [e for e in ents if e.type is EntityType.PERSON]
    hits = [e for e in people if text in e.name.split()[:1] + e.name.split()[-1:]]
    return hits[0] if len(hits) == 1 else None


_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?$")


def _event_date_place(doc: Doc, e: _Ent, ents: list[_Ent]) -> tuple[str | None, _Ent | None]:
    tk = _tokens(doc)
    sents = []  # (sentence bounds, token where the event is mentioned in it)
    for m in sorted(e.mentions, key=lambda m: m.start):
        s = tk.sent_bounds[tk.sent[m.start]]
        if all(s != seen for seen, _ in sents):
            sents.append((s, m.start))
    places = [(mm.start, x) for x in ents if x.type is EntityType.PLACE for mm in x.mentions]
    dates = [ent for ent in doc.ents if ent.label_ == "DATE"]
    published = doc._.eikg_published
    date = place = fallback = None
    for (s_start, s_end), at in sents:
        if date is None:
            # the date nearest the mention (one before it wins a tie); the
            # publication date only when no other is found ("Posted on ...")
            inside = [d for d in dates if s_start <= d.start < s_end]
            for ent in sorted(inside, key=lambda x: (abs(x.start - at), x.start > at)):
                found = parse_date(ent.text, published)
                if found and found == published:
                    fallback = fallback or found
                elif found:
                    date = found
                    break
        if place is None:
            here = [x for st, x in sorted(places, key=lambda p: p[0]) if s_start <= st < s_end]
            place = here[0] if here else None
    return date or fallback, place


def parse_date(text: str, published: str | None) -> str | None:
    """ISO date from "July 4, 2025", "1st of March, 2022", "October 14" (the
    year of ``published`` when the text gives none) or "2022-03-01".

    >>> parse_date("October 14", "2025-10-17")
    '2025-10-14'
    """
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        y, mo, d = map(int, m.groups())
    else:
        words = re.findall(r"[A-Za-z]+|\d+(?:st|nd|rd|th)?", text)
        mo = next((lx.MONTHS[w.lower()] for w in words if w.lower() in lx.MONTHS), None)
        days = [int(_ORDINAL.match(w).group(1)) for w in words if _ORDINAL.match(w)]
        years = [int(w) for w in words if w.isdigit() and len(w) == 4]
        if mo is None or not days:
            return None
        d = days[0]
        y = years[0] if years else (int(published[:4]) if published and published[:4].isdigit() else None)
        if y is None:
            return None
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None
