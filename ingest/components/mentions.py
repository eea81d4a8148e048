"""What the entity components share: the ``Mention`` record, token attributes read
once per doc, and the word classes the rules test against."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from eikg.ingest import lexicon as lx
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

