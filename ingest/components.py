"""Entity components of the eikg spaCy pipeline.

Three components, each registered with ``@Language.factory`` and a default
config, run after the statistical model:

``eikg_names``
    Finds proper names as runs of capitalised words joined by little words
    ("Education Department of Fernvale Province", "X Co., Ltd."), repairing the
    spans statistical NER splits; strips position titles ("Vice President of X"),
    splits off personal names and coordinated names, and types each name from
    its head word ("... College" -> COLLEGE); a unit named with its parent
    ("Y Center of <Org>") takes the parent's type and the parent is a name too.
``eikg_references``
    Finds events named only by a description ("the signing ceremony") and
    references such as "the college", "our school", "the Association".
``eikg_entities``
    Resolves everything into one ``EntityDraft`` per real-world thing in
    ``doc._.eikg_entities``: abbreviations ("(KU)") and short forms become
    aliases, references become mentions, events get a date and a place.

The intermediate mentions live in ``doc._.eikg_mentions`` (``Mention`` objects).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

import eikg.ingest.drafts  # noqa: F401  (registers the Doc extensions)
from eikg.ingest import lexicon as lx
from eikg.ingest.drafts import EntityDraft
from eikg.ingest.resolve import normalise_name
from eikg.records import ORGANIZATION_TYPES, EntityType

if not Doc.has_extension("eikg_mentions"):
    Doc.set_extension("eikg_mentions", default=None)

_ORG_LIKE = ORGANIZATION_TYPES
_PREPS = frozenset({"of", "for", "on", "in", "with", "at", "between"})
_NAME_PUNCT_AFTER = frozenset({"co", "ltd", "inc", "corp", "st", "jr", "co.ltd", "l.a", "u.s"})
_NER_TYPES = {"PERSON": EntityType.PERSON, "GPE": EntityType.PLACE, "LOC": EntityType.PLACE}
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,7}$")
_PREFIX_UNITS = lx.GOVERNMENT_UNIT_HEADS | {"center", "centre", "committee", "branch", "unit", "team"}
_GOV_WORDS = frozenset({"provincial", "municipal", "national", "state", "federal", "county",
                        "city", "district", "people's", "government", "u.s.", "central"})


@dataclass
class Mention:
    """A stretch of the doc that names (or refers to) an entity."""

    start: int  # token offsets
    end: int
    type: EntityType | None
    kind: str = "name"  # name | acronym | bare | desc | ref
    head: str = ""  # lower-cased head word
    parts: tuple[str, ...] = ()  # coordinated sub-names ("A and the B": A, B)
    alias: str | None = None  # defined in parentheses right after the name
    unit: bool = False  # a unit whose type comes from its context
    det: str = ""  # refs: the determiner ("the", "our")
    follow: "Mention | None" = None  # a unit of an acronym: takes its resolved type
    confidence: float = 1.0  # the learned layer's probability for its type


def _text(doc: Doc, start: int, end: int) -> str:
    tk = _tokens(doc)
    return tk.doc_text[tk.idx[start] : tk.idx[end - 1] + len(tk.text[end - 1])]


class _Tokens:
    """Token attributes read once per doc: the components look at each token many
    times, and reading plain lists is much cheaper than making Token objects."""

    def __init__(self, doc: Doc) -> None:
        toks = list(doc)
        self.n = len(toks)
        self.text = [t.text for t in toks]
        self.idx = [t.idx for t in toks]
        self.doc_text = doc.text  # built by joining every token: read it once
        self.lower = [t.lower_ for t in toks]
        self.ws = [t.whitespace_ for t in toks]
        self.tag = [t.tag_ for t in toks]
        self.pos = [t.pos_ for t in toks]
        self.iob = [t.ent_iob_ for t in toks]
        self.ent = [t.ent_type_ for t in toks]
        self.sent_start = [bool(t.is_sent_start) for t in toks]
        self.stop = [t.is_stop for t in toks]
        self.alpha = [t.is_alpha for t in toks]
        self.punct = [t.is_punct for t in toks]
        self.space = [t.is_space for t in toks]
        self.num = [t.like_num for t in toks]
        self.line: list[int] = []  # the index of the line each token is in
        line = 0
        for t in toks:
            self.line.append(line)
            line += t.text.count("\n") + t.whitespace_.count("\n")
        self.sent: list[int] = []  # the index of the sentence each token is in
        self.sent_bounds: list[tuple[int, int]] = []
        if doc.has_annotation("SENT_START"):
            for sent in doc.sents:
                self.sent.extend([len(self.sent_bounds)] * (sent.end - sent.start))
                self.sent_bounds.append((sent.start, sent.end))
        else:
            self.sent = [0] * self.n
            self.sent_bounds = [(0, self.n)]


def _tokens(doc: Doc) -> _Tokens:
    tk = doc.user_data.get("eikg_tokens")
    if tk is None or tk.n != len(doc):
        tk = doc.user_data["eikg_tokens"] = _Tokens(doc)
    return tk


# --- eikg_names ---------------------------------------------------------------------


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


# --- eikg_references ------------------------------------------------------------------

_REF_DETS = frozenset({"the", "our", "this", "that", "its", "their"})
_REF_NOUNS = frozenset(lx.HEAD_TYPES) | lx.EVENT_NOUNS | {"company", "firm", "enterprise"}


@Language.factory("eikg_references", default_config={"min_modifiers": 1})
def make_references(nlp: Language, name: str, min_modifiers: int) -> "ReferenceFinder":
    return ReferenceFinder(min_modifiers)


#: Event nouns that also name a place of work ("sterile injection workshop").
_PLACE_OR_EVENT = frozenset({"workshop"})
#: Verbs that make such a noun an event: it is held or attended.
_HOLD_LEMMAS = frozenset(
    {"hold", "attend", "host", "organize", "organise", "participate", "convene", "sponsor",
     "conclude", "preside", "co-host", "co-organize"}
)


def _held(doc: Doc, i: int) -> bool:
    """Does the sentence of token ``i`` hold or attend something?"""
    return any(t.lemma_.lower() in _HOLD_LEMMAS for t in doc[i].sent)


class ReferenceFinder:
    """Event descriptions ("the signing ceremony") and references ("the college")."""

    def __init__(self, min_modifiers: int = 1) -> None:
        self.min_modifiers = min_modifiers

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.eikg_mentions
        if mentions is None:
            mentions = doc._.eikg_mentions = []
        tk = _tokens(doc)
        taken = bytearray(len(doc))
        for m in mentions:
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
        found = []
        for i, low in enumerate(tk.lower):
            if low not in _REF_NOUNS or taken[i]:
                continue
            if low in lx.EVENT_NOUNS and tk.text[i][:1].islower():
                desc = self._description(tk, i, mentions)
                if desc is not None and low in _PLACE_OR_EVENT and not _held(doc, i):
                    desc = None  # "the company's precision parts workshop" is a shop floor
                if desc is not None:
                    found.append(desc)
                    continue
            if i > 0 and tk.lower[i - 1] in _REF_DETS:
                found.append(Mention(i - 1, i + 1, None, kind="ref", head=low, det=tk.lower[i - 1]))
            elif i > 1 and tk.lower[i - 1] == "a" and tk.lower[i - 2] == "at" and low in lx.EVENT_NOUNS:
                # "At a ceremony at the college, ...": the event the article reports
                found.append(Mention(i - 1, i + 1, None, kind="ref", head=low, det="a"))
        mentions.extend(found)
        mentions.sort(key=lambda m: m.start)
        return doc

    def _description(self, tk: _Tokens, i: int, mentions: list[Mention]) -> Mention | None:
        k = i
        while k > 0:
            p = k - 1
            if tk.text[p] == "-" and not tk.ws[p] and k >= 2:
                k -= 1
                continue
            if tk.lower[p] == "and" and k >= 2 and tk.text[k - 2][:1].islower() and not tk.stop[k - 2]:
                k -= 1
                continue
            if tk.alpha[p] and tk.text[p][:1].islower() and not tk.stop[p] and tk.tag[p] in ("NN", "NNS", "JJ", "VBG"):
                k -= 1
                continue
            break
        while k < i and tk.lower[k] == "and":
            k += 1
        modifiers = sum(1 for x in range(k, i) if tk.alpha[x] and tk.lower[x] != "and")
        # "cultural activities" is no event; "cooperation and exchange activities" is
        needed = self.min_modifiers + (tk.lower[i] in lx.VAGUE_EVENT_NOUNS)
        if modifiers < needed:
            return None
        if i + 1 < tk.n and tk.pos[i + 1] in ("NOUN", "PROPN") and tk.text[i + 1][:1].islower():
            return None  # "workshop resonance": the event word is not the head
        end = i + 1
        if end + 1 < tk.n and tk.lower[end] == "of" and tk.text[end + 1][:1].islower():
            x = end + 2 if tk.lower[end + 1] == "the" else end + 1  # "... of the cooperation agreement"
            while x < tk.n and tk.text[x][:1].islower() and tk.tag[x] in ("JJ", "JJR", "JJS", "NN", "NNS", "VBG"):
                x += 1
            if x > end + 1 and tk.tag[x - 1] in ("NN", "NNS"):
                end = x
        if end + 1 < tk.n and tk.lower[end] in ("of", "for"):
            # the fullest description: "signing ceremony for the X Industry College"
            starts = (end + 1, end + 2) if tk.lower[end + 1] == "the" else (end + 1,)
            for m in mentions:
                if m.start in starts and (m.kind == "bare" or m.type is not None and m.kind in ("name", "org")):
                    end = m.end
                    break
        det = tk.lower[k - 1] if k > 0 else ""
        return Mention(k, end, EntityType.EVENT, kind="desc", head=tk.lower[i], det=det)


# --- eikg_entities ----------------------------------------------------------------------


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
    of Education of X"); a college's without its school word ("X Education
    College", "X University of Education"), when two or more words remain."""
    words = frozenset(w for w in _key(text).split() if w not in lx.CONNECTORS)
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
            e = index.get(k) or (bags.get(_bag(text, m.type)) if m.type not in (None, EntityType.PERSON) else None)
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
        """A unit named without its parent takes the type of the organisation the
        sentence names before it ("its X Department": the one named last), else
        of the main college."""
        order = sorted(
            ((m.start, e) for e in ents for m in e.mentions if e.type in _ORG_LIKE and not e.unit),
            key=lambda x: x[0],
        )
        main = _main_college(ents)
        tk = _tokens(doc)
        for e in ents:
            if not e.unit:
                continue
            first = min(m.start for m in e.mentions)
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
        if m.type not in (None, EntityType.PERSON) and m.head != e.head:
            continue
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
