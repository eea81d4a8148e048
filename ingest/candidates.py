"""Candidate spans for the learned entity layer.

The rules (``eikg_names``, ``eikg_references``) and the statistical NER each
propose names; neither is right often enough on unseen news to be trusted
alone. ``eikg_candidates`` pools what they propose, plus variants that repair
their usual boundary errors, into ``doc.spans["eikg_candidates"]``:

- every name mention of the rules and every NER entity of a naming label;
- maximal runs of capitalised words (joined by little words such as "of");
- noun phrases, alone and with the "of"/"for" phrase after them (events named
  by a description: "signing ceremony of the X base");
- for each of these: the pieces either side of "and", "&" or a comma (two
  names fused: "X University and Y Group"), the part before a preposition or a
  verb (headline words glued on: "X Polytechnic Signs Agreement"), the parent
  after "of" ("Section of the Z Bureau"), and, for short runs, every shorter
  run of words they begin or end with ("X India" in "X India Research").

A trained span classifier (``eikg_spans``, spaCy's ``spancat_singlelabel``)
then reads these candidates through ``candidate_suggester`` and decides each
one's type or rejects it; ``ingest/span_types.py`` turns its decisions back
into the mentions the rest of the pipeline reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

CANDIDATES_KEY = "eikg_candidates"

#: NER labels that name something eikg types (dates and numbers do not).
NER_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "PRODUCT", "WORK_OF_ART", "LAW"})
_LEADING = frozenset({"the", "a", "an", "our", "its", "their", "this", "his", "her"})
_JOINERS = frozenset({"of", "and", "&", "for", "the", "de", "-", "on", "in"})
_COORD = frozenset({"and", "&", ",", "/", ";"})
_CUT_PREPS = frozenset({"for", "in", "at", "on", "with", "to", "from", "by", "between", "as"})
_TRAILING = frozenset({"'s", "’s", ",", ".", ":", ";", "-", "–", "—", "(", ")", '"', "'", "“", "”"})
#: Legal-form words a comma may precede inside one company name ("Co., Ltd.").
_LEGAL = frozenset({"ltd", "ltd.", "limited", "inc", "inc.", "llc", "plc", "co.ltd", "co.,ltd"})
_LEGAL_ABBREVIATED = _LEGAL | {"co"}  # a legal form its full stop may follow
_EXTEND = frozenset({"of", "for", "on", "between"})
_SHORT_RUN = 8  # runs up to this many tokens give all their prefixes and suffixes


@Language.factory("eikg_candidates", default_config={"max_tokens": 40})
def make_candidates(nlp: Language, name: str, max_tokens: int) -> "CandidateFinder":
    """``max_tokens``: the longest candidate span kept."""
    return CandidateFinder(max_tokens)


class CandidateFinder:
    """Rule mentions, NER entities and capitalised runs -> ``doc.spans["eikg_candidates"]``."""

    def __init__(self, max_tokens: int = 40) -> None:
        self.max_tokens = max_tokens

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[CANDIDATES_KEY] = [doc[s:e] for s, e in sorted(candidate_spans(doc, self.max_tokens))]
        return doc


def candidate_spans(doc: Doc, max_tokens: int = 40) -> set[tuple[int, int]]:
    """Token ``(start, end)`` pairs of every candidate name in ``doc``."""
    seeds: set[tuple[int, int]] = set()
    for m in doc._.eikg_mentions or ():
        if m.kind != "ref":
            seeds.add((m.start, m.end))
    for ent in doc.ents:
        if ent.label_ in NER_LABELS:
            seeds.add((ent.start, ent.end))
    seeds.update(_capitalised_runs(doc))
    seeds.update(_noun_phrases(doc))
    out: set[tuple[int, int]] = set()
    for s, e in seeds:
        for vs, ve in (*_variants(doc, s, e), (s, e)):
            span = _trim(doc, vs, ve)
            if span is not None and span[1] - span[0] <= max_tokens:
                out.add(span)
                if span[1] < len(doc) and doc[span[1]].text == "." and doc[span[1] - 1].lower_ in _LEGAL_ABBREVIATED:
                    out.add((span[0], span[1] + 1))  # "Co., LTD." keeps its full stop
    return out


def _noun_phrases(doc: Doc) -> Iterable[tuple[int, int]]:
    """The parser's noun chunks, and each with the "of"/"for" chunk after it."""
    if not doc.has_annotation("DEP"):
        return
    chunks = list(doc.noun_chunks)
    starts = {c.start: c for c in chunks}
    for c in chunks:
        yield (c.start, c.end)
        if c.end + 1 < len(doc) and doc[c.end].lower_ in _EXTEND and c.end + 1 in starts:
            nxt = starts[c.end + 1]
            yield (c.start, nxt.end)
            if nxt.end + 1 < len(doc) and doc[nxt.end].lower_ in _EXTEND and nxt.end + 1 in starts:
                yield (c.start, starts[nxt.end + 1].end)


def _is_cap(text: str) -> bool:
    return text[:1].isupper() or (text[:1].isdigit() and any(c.isalpha() for c in text))


def _capitalised_runs(doc: Doc) -> Iterable[tuple[int, int]]:
    """Maximal runs of capitalised tokens, joined by little words between two of them."""
    n = len(doc)
    i = 0
    while i < n:
        if not _is_cap(doc[i].text) or doc[i].is_space:
            i += 1
            continue
        j = i + 1
        while j < n:
            t = doc[j]
            if "\n" in doc[j - 1].whitespace_ or t.is_space:
                break
            if _is_cap(t.text):
                j += 1
            elif t.lower_ in _JOINERS and j + 1 < n and (_is_cap(doc[j + 1].text) or doc[j + 1].lower_ == "the"):
                j += 1
            else:
                break
        while j > i and doc[j - 1].lower_ in _JOINERS:
            j -= 1
        if j > i:
            yield (i, j)
        i = max(j, i + 1)


def _variants(doc: Doc, s: int, e: int) -> Iterable[tuple[int, int]]:
    cuts = [
        k for k in range(s + 1, e)
        if doc[k].lower_ in _COORD and not (doc[k].text == "," and k + 1 < e and doc[k + 1].lower_ in _LEGAL)
    ]
    bounds = [s - 1, *cuts, e]
    for a in range(len(bounds) - 1):
        for b in range(a + 1, len(bounds)):
            if (a, b) != (0, len(bounds) - 1):
                yield (bounds[a] + 1, bounds[b])  # pieces and runs of pieces
    for k in range(s + 1, e):
        t = doc[k]
        if t.lower_ in _CUT_PREPS or t.pos_ in ("VERB", "AUX") or t.text in ("(", ":", "|", "—", "–"):
            yield (s, k)
        if t.lower_ == "of" and k + 1 < e:
            yield (k + 1, e)
        if e - s <= _SHORT_RUN:
            yield (s, k)
            yield (k, e)
        if t.text == "(":
            close = next((x for x in range(k + 1, e) if doc[x].text == ")"), None)
            if close is not None and close > k + 1:
                yield (k + 1, close)


def _trim(doc: Doc, s: int, e: int) -> tuple[int, int] | None:
    while s < e and (doc[s].lower_ in _LEADING or doc[s].text in _TRAILING or doc[s].is_space):
        s += 1
    while e > s and (doc[e - 1].text in _TRAILING or doc[e - 1].is_space or doc[e - 1].lower_ in _CUT_PREPS
                     or doc[e - 1].lower_ in ("and", "&", "of", "the")):
        e -= 1
    if e <= s or not any(t.is_alpha for t in doc[s:e]):
        return None
    return (s, e)


@registry.misc("eikg.candidate_suggester.v1")
def build_candidate_suggester():
    """A spancat suggester that proposes ``doc.spans["eikg_candidates"]``."""
    return candidate_suggester


def candidate_suggester(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
    if ops is None:
        ops = get_current_ops()
    rows: list[list[int]] = []
    lengths = []
    for doc in docs:
        spans = doc.spans[CANDIDATES_KEY] if CANDIDATES_KEY in doc.spans else ()
        rows.extend([sp.start, sp.end] for sp in spans)
        lengths.append(len(spans))
    data = ops.asarray2i(rows) if rows else ops.xp.zeros((0, 2), dtype="i")
    return Ragged(data, ops.asarray1i(lengths))
