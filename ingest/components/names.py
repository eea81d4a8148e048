"""``eikg_names``: proper names as runs of capitalised words, repaired and typed.

Finds runs joined by little words ("Education Department of Fernvale Province",
"X Co., Ltd."), repairing the spans statistical NER splits; strips position titles
("Vice President of X"), splits off personal names and coordinated names, and
types each name from its head word ("... College" -> COLLEGE); a unit named with
its parent ("Y Center of <Org>") takes the parent's type and the parent is a
name too.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from eikg.ingest import lexicon as lx
from eikg.records import EntityType
from eikg.ingest.components.mentions import (
    Mention, _tokens, _text, _Tokens, _ORG_LIKE, _PREPS, _NAME_PUNCT_AFTER, _NER_TYPES,
    _ACRONYM, _GOV_WORDS
)


@Language.factory("eikg_names", default_config={"max_tokens": 40})
def make_names(nlp: Language, name: str, max_tokens: int) -> "NameFinder":
    return NameFinder(max_tokens)


class NameFinder:
    """Capitalised runs -> typed name mentions (see the module docstring)."""

    def __init__(self, max_tokens: int = 40) -> None:
        self.max_tokens = max_tokens

    def __call__(self, doc: Doc) -> Doc:
        tk = _tokens(doc)
        _mute_shouting_lines(tk)
        headline_end = _headline_end(doc)
        mentions: list[Mention] = []
        for start, end in self._runs(tk):
            analysis = _Analysis(doc, tk, in_headline=start < headline_end)
            found = analysis.run(start, end)
            alias = _paren_alias(doc, end)
            if alias and found:
                main = max(found, key=lambda m: m.end)
                if main.end == end and main.type is not EntityType.PERSON:
                    main.alias = alias[0]
            mentions.extend(found)
        for m in mentions:
            if m.end - m.start == 1 and _dateline_place(tk, m.start):
                m.type, m.kind = EntityType.PLACE, "name"  # "FENWICK, May 18 — ..."
        doc._.eikg_mentions = _drop_alias_runs(doc, mentions)
        return doc

    def _runs(self, tk: _Tokens):
        n = tk.n
        i = 0
        while i < n:
            if not _starts_name(tk, i):
                i += 1
                continue
            start, last, j = i, i, i + 1
            while j < n and j - start < self.max_tokens:
                text, low = tk.text[j], tk.lower[j]
                if _namey(tk, j):
                    last, j = j, j + 1
                    continue
                if tk.space[j] and "\n" not in text and j + 1 < n and _namey(tk, j + 1):
                    j += 1
                    continue
                if text in ("'s", "’s", "'", "’") and tk.lower[j - 1] in lx.GROUP_NOUNS and j + 1 < n and _namey(tk, j + 1):
                    j += 1
                    continue
                if text in ("-", "–") and not tk.ws[j - 1] and not tk.ws[j] and (
                    j + 1 < n and tk.text[j + 1][:1].isalnum() and tk.tag[j + 1] not in ("VBN", "VBD")
                ):  # "Industry-Education", "Plaque-unveiling"; not "Oslo-based"
                    last, j = j + 1, j + 2
                    continue
                if text == "." and not tk.ws[j - 1] and (
                    tk.lower[j - 1] in _NAME_PUNCT_AFTER or len(tk.text[j - 1]) == 1
                ):
                    last, j = j, j + 1
                    continue
                if text == "," and j + 1 < n and tk.lower[j + 1].rstrip(".") in ("ltd", "inc", "llc"):
                    j += 1
                    continue
                if low in lx.CONNECTORS or text == "&":
                    k = j + 1
                    if k < n and tk.lower[k] == "the" and low != "the":
                        k += 1
                    if k < n and _namey(tk, k) and not tk.sent_start[k]:
                        j = k
                        continue
                    break
                if text == "(" and j + 3 < n and tk.text[j + 2] == ")" and _namey(tk, j + 1) and (
                    not _ACRONYM.match(tk.text[j + 1]) and _namey(tk, j + 3)
                ):
                    last, j = j + 3, j + 4
                    continue
                break
            yield start, last + 1
            i = last + 1


def _headline_verb(low: str) -> bool:
    """"Leads", "Signs", "Holds": a headline's verb in the third person."""
    return low.endswith("s") and low[:-1] in lx.HEADLINE_VERBS or low[:-2] in lx.HEADLINE_VERBS and low.endswith("es")


def _dateline_place(tk: _Tokens, i: int) -> bool:
    """A capitalised city opening a line before a comma and a date: "FENWICK, May 18"."""
    at_line_start = i == 0 or "\n" in tk.text[i - 1] or "\n" in tk.ws[i - 1]
    return (
        at_line_start and i + 2 < tk.n and tk.text[i].isupper() and tk.alpha[i] and len(tk.text[i]) > 2
        and tk.text[i + 1] == "," and (tk.lower[i + 2] in lx.MONTHS or tk.text[i + 2][:1].isdigit())
    )


def _mute_shouting_lines(tk: _Tokens) -> None:
    """A line in capitals ("KESTREL UNIVERSITY SIGNS DEAL") is not a run of
    acronyms: its words are lower-cased for the name finder."""
    start = 0
    for i in range(tk.n + 1):
        if i < tk.n and not ("\n" in tk.text[i] or "\n" in tk.ws[i]):
            continue
        end = i + 1 if i < tk.n and "\n" in tk.ws[i] else i
        words = [x for x in range(start, end) if tk.alpha[x]]
        if len(words) >= 3 and all(tk.text[x].isupper() for x in words):
            for x in words:
                tk.text[x] = tk.lower[x]
        start = i + 1


def _is_cap(text: str) -> bool:
    c = text[:1]
    return c.isupper() or (c.isdigit() and len(text) > 1 and any(ch.isalpha() for ch in text))


_NOT_OPENERS = frozenset({"ADP", "DET", "PRON", "ADV", "CCONJ", "SCONJ", "AUX", "PART"})


def _namey(tk: _Tokens, i: int) -> bool:
    text = tk.text[i]
    c = text[:1]
    if not (c.isupper() or c.isdigit()) or tk.space[i]:
        return False
    if c.isdigit():
        return any(ch.isupper() for ch in text)  # "3D", "5G"
    if tk.sent_start[i] or (i > 0 and tk.space[i - 1]):
        if _pronoun_surname(tk, i):
            return True
        if tk.stop[i] or tk.pos[i] in _NOT_OPENERS:
            return False
        if tk.pos[i] != "PROPN" and tk.lower[i] not in lx.HEAD_TYPES and not tk.text[i].isupper():
            return False  # "Yesterday Kestrel University": a capitalised opener
    return tk.lower[i] not in lx.NOT_NAMES


def _pronoun_surname(tk: _Tokens, i: int) -> bool:
    """A surname that reads as a word ("He", "Yu") opening "He Minghui, Director of
    ...": surname + pinyin given name + comma + title is a person."""
    g = i + 1
    if tk.lower[i] not in lx.SURNAMES or g + 2 >= tk.n or tk.text[g + 1] != ",":
        return False
    given = tk.text[g]
    return (
        given[:1].isupper() and not given.isupper() and tk.lower[g] not in lx.NOT_GIVEN_NAMES
        and bool(lx.PINYIN_WORD.fullmatch(given))
        and (tk.lower[g + 2] in lx.CORE_TITLES or tk.lower[g + 2] in ("general", "executive", "party"))
    )


_NUMBERED = re.compile(r"^(?:\d{4}|\d{1,4}(?:st|nd|rd|th))$")


def _starts_name(tk: _Tokens, i: int) -> bool:
    if tk.text[i][:1].isdigit() and _NUMBERED.match(tk.text[i]):
        # "2024 National Conference", "9th KCI ..."; a name must follow
        return i + 1 < tk.n and _namey(tk, i + 1) and tk.lower[i + 1] not in lx.MONTHS
    return _namey(tk, i)


def _headline_end(doc: Doc) -> int:
    """Token index where a Title Case first line ends (0 when there is none)."""
    tk = _tokens(doc)
    for i in range(min(tk.n, 61)):
        if tk.space[i] and "\n" in tk.text[i] or "\n" in tk.ws[i]:
            words = [w for w in range(i) if tk.alpha[w]]
            if not words or tk.text[i - 1] in ".!?":
                return 0
            caps = sum(1 for w in words if tk.text[w][:1].isupper() or tk.stop[w])
            return i if caps >= 0.8 * len(words) else 0
    return 0


_QUOTES = "\"'“”‘’「」"


def _paren_alias(doc: Doc, end: int) -> tuple[str, int] | None:
    """``(ABBR)``, ``(Other Name)`` or ``(hereinafter referred to as "X")`` right
    after a name: the alias and the token index after the ")"."""
    tk = _tokens(doc)
    if end < len(doc) and tk.text[end] == "(":
        for k in range(end + 1, min(end + 16, len(doc))):
            if tk.text[k] == ")":
                inner = [x for x in range(end + 1, k) if tk.text[x] not in _QUOTES]
                if "as" in (tk.lower[x] for x in inner[:5]) and tk.lower[inner[0]] in lx.ALIAS_OPENERS:
                    inner = inner[[tk.lower[x] for x in inner].index("as") + 1 :]
                if inner and all(_is_cap(tk.text[x]) or tk.lower[x] in lx.CONNECTORS for x in inner):
                    return _text(doc, inner[0], inner[-1] + 1), k + 1
                return None
    return None


def _drop_alias_runs(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Names inside "(...)" that define an alias are not names of their own."""
    spans = set()
    for m in mentions:
        if m.alias:
            found = _paren_alias(doc, m.end)
            if found:
                spans.add((m.end + 1, found[1] - 1))
    return [m for m in mentions if not any(s <= m.start and m.end <= e for s, e in spans)]


def _joins_modifiers(tk: _Tokens, i: int, start: int, end: int) -> bool:
    """Is the "and" at ``i`` inside one name, between two generic modifiers
    ("... of Fenwick Vocational and Technical College")?"""
    if not start < i < end - 2:
        return False
    before, after = tk.lower[i - 1], tk.lower[i + 1]
    return (
        before in lx.GENERIC_WORDS and after in lx.GENERIC_WORDS
        and before not in lx.HEAD_TYPES and after not in lx.HEAD_TYPES
        and before not in lx.CONNECTORS and after not in lx.CONNECTORS
    )


class _Analysis:
    """Turns one capitalised run into typed mentions."""

    def __init__(self, doc: Doc, tk: _Tokens, in_headline: bool) -> None:
        self.doc = doc
        self.tk = tk
        self.ner = tk.ent
        self.in_headline = in_headline
        self.out: list[Mention] = []

    def run(self, start: int, end: int) -> list[Mention]:
        tk = self.tk
        if self.in_headline:
            cuts = [
                i for i in range(start + 1, end)
                if (tk.tag[i] in ("VBD", "VBZ", "VBP", "VBG", "VBN") or _headline_verb(tk.lower[i]))
                and tk.lower[i] not in lx.HEAD_TYPES
                and tk.text[i - 1] != "-" and tk.lower[i - 1] not in lx.CONNECTORS
            ]
            if start > 0 and tk.lower[start - 1] == "to" and tk.lower[start] in lx.HEADLINE_VERBS:
                cuts.insert(0, start)  # "Delegation to Visit X"
            bounds = [start, *cuts, end]
            for a, b in zip(bounds, bounds[1:]):
                a = a + 1 if a in cuts else a
                self._strip_titles(a, b)
        else:
            self._strip_titles(start, end)
        return self.out

    def _strip_titles(self, start: int, end: int) -> None:
        tk = self.tk
        while start < end and tk.lower[start] in lx.CONNECTORS:
            start += 1
        k = start
        while k < end and tk.lower[k] in lx.TITLE_WORDS:
            k += 1
        if k >= end:
            return  # only title words: "Party Committee", "Board of Directors"
        if k > start and any(tk.lower[i] in lx.CORE_TITLES for i in range(start, k)):
            start = k  # "Vice President of X", "Secretary of the Party Committee of X"
        while start < end and tk.lower[start] in lx.CONNECTORS:
            start += 1
        self._split_people(start, end)

    def _person_at(self, i: int, end: int) -> int:
        """End of a personal name starting at token i (i when there is none)."""
        tk, ner = self.tk, self.ner
        if ner[i] == "PERSON" and tk.iob[i] == "B":
            k = i + 1
            while k < end and tk.iob[k] == "I" and ner[k] == "PERSON":
                k += 1
            span_words = [tk.lower[x] for x in range(i, k)]
            acronym = any(tk.text[x].isupper() and len(tk.text[x]) > 1 for x in range(i, k))
            if not acronym and not any(w in lx.HEAD_TYPES or w in lx.TITLE_WORDS for w in span_words):
                return k
        return _initialled_name(tk, i, end) or _chinese_name(tk, i, end) or i

    def _split_people(self, start: int, end: int) -> None:
        tk = self.tk
        if start >= end:
            return
        k = self._person_at(start, end)
        if k > start:
            self._add_person(start, k)
            rest = k
            while rest < end and (tk.lower[rest] in lx.CONNECTORS or tk.lower[rest] == "from"):
                rest += 1
            if rest < end:
                self._strip_titles(rest, end)
            return
        # a name at the end: "Dean of School of X Gao Ming"
        for i in range(max(start + 1, end - 4), end - 1):
            if tk.lower[i - 1] in lx.CONNECTORS:
                continue
            k = self._person_at(i, end)
            if k == end:
                b = i
                while b > start and tk.lower[b - 1] in lx.TITLE_WORDS:
                    b -= 1
                self._split_coordination(start, b)
                self._add_person(i, k)
                return
        self._split_coordination(start, end)

    def _add_person(self, start: int, end: int) -> None:
        self.out.append(Mention(start, end, EntityType.PERSON, head=self.tk.lower[end - 1]))

    def _split_coordination(self, start: int, end: int) -> None:
        tk = self.tk
        bounds = [start]
        between = False
        for i in range(start, end):
            low = tk.lower[i]
            if low == "between":
                between = True
            if (low == "and" or low == "&") and not between and not _joins_modifiers(tk, i, start, end):
                bounds.append(i)
        bounds.append(end)
        parts = []  # (start, end) of each coordinated part
        for a, b in zip(bounds, bounds[1:]):
            a = a if a == start else a + 1
            if a < b and tk.lower[a] == "the":
                a += 1
            if a < b:
                parts.append((a, b))
        heads = [self._head(a, b)[1] for a, b in parts]
        merged: list[list] = []  # [start, end, type of its first headed part]
        for (a, b), h in zip(parts, heads):
            acronyms = b - a == 1 and _ACRONYM.match(tk.text[a]) or (
                bool(merged) and merged[-1][1] - merged[-1][0] == 1 and _ACRONYM.match(tk.text[merged[-1][0]])
            )
            own = acronyms or tk.lower[a - 1] == "the" or (
                bool(merged) and merged[-1][2] is not None and tk.iob[a] == "B"
                and (self.ner[a] == "ORG" or self.ner[a] == "PERSON" and b - a > 1)  # not "... and Hospitality"
                and not any(tk.lower[x] in _PREPS for x in range(a, b))
            )
            if merged and (h is None or merged[-1][2] is None) and not own:
                merged[-1][1] = b
                if merged[-1][2] is None:
                    merged[-1][2] = h
            else:
                merged.append([a, b, h])
        types = [h for *_, h in merged]
        if len(merged) > 1 and all(t is EntityType.EVENT for t in types):
            m = self._classify(start, end)
            if m is not None:
                m.parts = tuple(_text(self.doc, a, b) for a, b, _ in merged)
            return
        for a, b, h in merged:
            self._classify(a, b, forced=h)

    def _head(self, start: int, end: int) -> tuple[int, EntityType | None]:
        """The head token (last word before the first preposition) and its type."""
        tk = self.tk
        stop = end
        for i in range(start + 1, end):
            if tk.lower[i] in _PREPS:
                stop = i
                break
        h = stop - 1
        while h > start and not tk.text[h][:1].isalnum():
            h -= 1
        low = tk.lower[h]
        t = lx.HEAD_TYPES.get(low) or lx.HEAD_TYPES.get(low.rstrip("."))
        if t is None and low.endswith("ltd.") or low.endswith("ltd"):
            t = EntityType.ENTERPRISE
        return h, t

    def _classify(self, start: int, end: int, forced: EntityType | None = None, nested: bool = False):
        tk = self.tk
        while start < end and (tk.lower[start] == "the" or tk.punct[start]):
            start += 1
        if start >= end:
            return None
        h, htype = self._head(start, end)
        head = tk.lower[h].rstrip(".")
        # "X Meeting with Y Group", "X Conference in Z Base": two names
        for i in range(start + 1, end - 1):
            low = tk.lower[i]
            if low not in ("with", "in", "at") or (low == "at" and head in lx.UNIT_HEADS):
                continue
            a = i + 2 if tk.lower[i + 1] == "the" else i + 1
            if a >= end:
                break
            th, ttype = self._head(a, end)
            if ttype in _ORG_LIKE or tk.lower[th] in lx.VENUE_HEADS:
                self._classify(a, end)
                return self._classify(start, i, nested=nested)
        if forced is not None and htype is None:
            htype = forced
        if htype is None and head in lx.VENUE_HEADS and h > start and h + 1 < end and tk.lower[h + 1] in ("of", "at"):
            # "Science Building of Fenwick Polytechnic": a named site, and its owner a name too
            self._parent(h + 1, end)
            m = Mention(start, end, EntityType.PLACE, head=head)
            self.out.append(m)
            return m
        words = {tk.lower[i] for i in range(start, end)}
        if htype is not EntityType.EVENT:
            if start < end - 1 and tk.text[start].isdigit() and htype in _ORG_LIKE | {EntityType.PLACE}:
                start += 1  # "2024 Kestrel University"; not "14th Five-Year Plan", "3D ... Laboratory"
        if htype is None:
            return self._headless(start, end, nested)
        if head in ("institute", "academy"):
            nxt = tk.lower[h + 1] if h + 1 < end else ""
            research = words & lx.RESEARCH_WORDS or nxt == "for" or "sciences" in words
            htype = EntityType.ORGANIZATION if research else EntityType.COLLEGE
        if head == "community" and "college" in words:
            htype = EntityType.COLLEGE
        # "X in Norway": the place is not part of the name
        for i in range(h + 1, end - 1):
            if tk.lower[i] == "in" and all(self.ner[x] in ("GPE", "LOC") for x in range(i + 1, end)):
                self.out.append(Mention(i + 1, end, EntityType.PLACE, head=tk.lower[end - 1]))
                end = i
                break
        m = Mention(start, end, htype, head=head)
        if h == start and end - start == 1 and htype is not EntityType.PLACE:
            return None  # a bare head word: "University", "Group"
        parent = None
        if h + 1 < end and tk.lower[h + 1] in ("of", "at") and head in lx.UNIT_HEADS | lx.GOVERNMENT_UNIT_HEADS:
            parent = self._parent(h + 1, end)
        if parent is not None and parent.type is None:
            m.follow = parent
        elif parent is not None:
            if htype not in (EntityType.COLLEGE,) or parent.type is EntityType.COLLEGE:
                m.type = parent.type
            if m.type is EntityType.PLACE and head in lx.GOVERNMENT_UNIT_HEADS:
                m.type = EntityType.GOVERNMENT
        elif head == "committee" and words & lx.PARTY_WORDS:
            m.type = EntityType.GOVERNMENT  # "CPC X Municipal Committee"
        elif head in lx.GOVERNMENT_UNIT_HEADS:
            remit = h + 2 < end and tk.lower[h + 1] == "of" and tk.lower[h + 2] in lx.PUBLIC_REMITS
            # "Fernvale Education Department": a place's department of a public remit
            remit = remit or (
                h - start >= 2 and any(tk.lower[x] in lx.PUBLIC_REMITS for x in range(start + 1, h))
                and tk.lower[start] not in lx.PUBLIC_REMITS and tk.lower[start] not in lx.GENERIC_WORDS
            )
            if remit or words & _GOV_WORDS or any(self.ner[x] == "GPE" for x in range(start, end)):
                m.type = EntityType.GOVERNMENT
            else:
                m.unit = True
        between = next((i for i in range(h + 1, end - 1) if tk.lower[i] == "between"), None)
        if htype is EntityType.EVENT and between is not None:
            # "Signing Ceremony ... between A & B": the parties are names too
            self._split_coordination(between + 1, end)
        elif htype is EntityType.EVENT and h + 1 < end and tk.lower[h + 1] == "of":
            # "Skills Forum of Kestrel University": the organiser is a name too
            a = h + 3 if h + 2 < end and tk.lower[h + 2] == "the" else h + 2
            saved = len(self.out)
            p = self._classify(a, end, nested=True) if a < end else None
            if p is None or p.type not in _ORG_LIKE or p.kind != "name":
                del self.out[saved:]
        if head in lx.VENUE_HEADS and m.type in (EntityType.ORGANIZATION, EntityType.PLATFORM, EntityType.PLACE):
            before = [tk.lower[x] for x in range(max(0, start - 2), start)]
            if "at" in before or "in" in before:
                m.type = EntityType.PLACE
        self.out.append(m)
        return m

    def _parent(self, of: int, end: int) -> Mention | None:
        """The organisation named after "of" in a unit's name, added as a mention."""
        tk = self.tk
        for i in range(of, end):
            if tk.lower[i] not in ("of", "at"):
                continue
            a = i + 1
            if a < end and tk.lower[a] == "the":
                a += 1
            if a >= end:
                return None
            saved = len(self.out)
            p = self._classify(a, end, nested=True)
            if p is not None and p.kind == "acronym":
                return p
            if p is not None and p.type in _ORG_LIKE | {EntityType.PLACE}:
                if p.type is EntityType.PLACE and p.head not in lx.VENUE_HEADS:
                    del self.out[saved:]
                return p
            del self.out[saved:]
        return None

    def _headless(self, start: int, end: int, nested: bool) -> Mention | None:
        tk, ner = self.tk, self.ner
        first = tk.text[start]
        if self.in_headline and not nested:
            # "Kestrel University Holds ...": a headline verb the tagger took for a name
            for i in range(end - 2, start, -1):
                if lx.HEAD_TYPES.get(tk.lower[i]) in _ORG_LIKE:
                    return self._classify(start, i + 1)
        if end - start == 1 and first in lx.KEEP_ACRONYM_PLACES:
            m = Mention(start, end, EntityType.PLACE, head=tk.lower[start])
            self.out.append(m)
            return m
        if first in lx.COMMON_ACRONYMS:
            return None
        for i in range(start - 1, max(-1, start - 12), -1):
            if tk.lower[i] in lx.THEME_WORDS:
                return None  # a theme or slogan: "themed Digital Minds Shape the Future"
            if tk.text[i] in (".", "!", "?", ";") or tk.space[i]:
                break
        if _ACRONYM.match(first) and (end - start == 1 or tk.lower[start + 1] == "of" or not nested):
            # "KU"; "SOE of NBOU" (a unit of an acronym); "KU Signs ..." in a headline
            m = Mention(start, start + 1, None, kind="acronym", head=tk.lower[start])
            if end - start > 2 and tk.lower[start + 1] == "of":
                saved = len(self.out)
                p = self._classify(start + 2, end, nested=True)
                del self.out[saved:]
                if p is not None and p.kind == "acronym":
                    m.follow = p
                    m.alias = _text(self.doc, start, end)
                    self.out.append(p)
            if end - start == 1 or tk.lower[start + 1] == "of":
                self.out.append(m)
                return m
            self.out.append(m)
            if not nested:
                self._headless(start + 1, end, nested)
            return m
        if end - start == 1 and not nested and _byline_name(tk, start):
            m = Mention(start, end, EntityType.PERSON, head=tk.lower[start])
            self.out.append(m)
            return m
        labels = Counter(ner[i] for i in range(start, end))
        label, count = labels.most_common(1)[0]
        words = [tk.lower[i] for i in range(start, end)]
        if all(w in lx.GENERIC_WORDS or not tk.alpha[start + x] for x, w in enumerate(words)):
            return None
        if any(tk.tag[i] in ("VBZ", "VBG", "VBD") for i in range(start, end)):
            return None
        if label == "PERSON" and any(tk.text[i].isupper() and len(tk.text[i]) > 1 for i in range(start, end)):
            label = "ORG"
        if label == "PERSON" and end - start == 1:
            # a lone word NER calls a person ("Delegation"): only a surname of a
            # person named in full elsewhere ("said Carter")
            m = Mention(start, end, None, kind="bare", head=tk.lower[start])
            self.out.append(m)
            return m
        if label in _NER_TYPES and count * 2 > end - start and not nested:
            m = Mention(start, end, _NER_TYPES[label], head=tk.lower[end - 1])
            self.out.append(m)
            return m
        if nested:
            if label in ("GPE", "LOC") and count == end - start:
                return Mention(start, end, EntityType.PLACE, head=tk.lower[end - 1])
            return None
        # a name after a preposition inside a headless run: "Agreement with X Group"
        for i in range(start + 1, end - 1):
            if tk.lower[i] in ("with", "by"):
                return self._classify(i + 1, end)
            if tk.lower[i] == "of":
                h, t = self._head(i + 1, end)
                if t in _ORG_LIKE:
                    return self._classify(i + 1, end)
        m = Mention(start, end, None, kind="bare", head=tk.lower[end - 1])
        if label == "ORG" and count * 2 > end - start:
            m.kind = "org"
        self.out.append(m)
        return m


_BYLINE_SEPARATORS = frozenset({",", "/", "and", "&", "、"})


def _byline_name(tk: _Tokens, i: int) -> bool:
    """A pinyin name written as one word in a byline ("Edited by Li Na,
    Zhaominghui"): surname + one or two syllables, in a list after "by"."""
    word = tk.lower[i]
    if not (4 <= len(word) <= 14) or not tk.text[i][1:].islower():
        return False
    if not any(word.startswith(s) and lx.PINYIN_WORD.fullmatch(word[len(s):] or "-") for s in lx.SURNAMES):
        return False
    for k in range(i - 1, max(-1, i - 10), -1):
        low = tk.lower[k]
        if low == "by":
            return True
        if "\n" in tk.text[k] or "\n" in tk.ws[k] or tk.text[k] in (".", ";", ":"):
            return False
        if low not in _BYLINE_SEPARATORS and not tk.text[k][:1].isupper():
            return False
    return False


def _initialled_name(tk: _Tokens, i: int, end: int) -> int:
    """End of a name with a middle initial at token i ("Emily R. Carter"), or 0."""
    if i + 2 >= end or not tk.alpha[i] or not tk.text[i][:1].isupper():
        return 0
    k = i + 1
    if len(tk.text[k]) == 2 and tk.text[k][0].isupper() and tk.text[k][1] == ".":
        k += 1
    elif len(tk.text[k]) == 1 and tk.text[k].isupper() and k + 1 < end and tk.text[k + 1] == ".":
        k += 2
    else:
        return 0
    if k < end and tk.alpha[k] and tk.text[k][:1].isupper() and tk.lower[k] not in lx.HEAD_TYPES:
        return k + 1
    return 0


def _chinese_name(tk: _Tokens, i: int, end: int) -> int:
    """End of a surname + pinyin given name at token i ("Gao Ming", "Tang
    Weiping"), or 0 when there is none."""
    g = i + 1
    if g < end and tk.space[g] and "\n" not in tk.text[g]:
        g += 1
    if g >= end:
        return 0
    given = tk.text[g]
    if tk.lower[i] not in lx.SURNAMES or not tk.text[i][:1].isupper() or (g == i + 1 and not tk.ws[i]):
        return 0
    if tk.lower[g] in lx.NOT_GIVEN_NAMES or not given[:1].isupper() or given.isupper():
        return 0
    if not lx.PINYIN_WORD.fullmatch(given):
        return 0
    # "Wang Xiao-ming"
    if g + 2 < end and tk.text[g + 1] == "-" and not tk.ws[g] and lx.PINYIN_WORD.fullmatch(tk.text[g + 2]):
        return g + 3
    # "Wang Xiao Ming": a given name of two single syllables written apart
    nxt = tk.text[g + 1] if g + 1 < end else ""
    if (
        nxt[:1].isupper() and not nxt.isupper() and tk.ws[g] == " " and tk.lower[g + 1] not in lx.HEAD_TYPES
        and lx.PINYIN_SYLLABLE.fullmatch(given) and lx.PINYIN_SYLLABLE.fullmatch(nxt)
    ):
        return g + 2
    return g + 1


