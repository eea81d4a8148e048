"""The learned entity layer's decisions -> the mentions the rule resolver reads.

``eikg_spans`` (a trained ``spancat_singlelabel``, see ``ingest/candidates.py``)
leaves in ``doc.spans["eikg"]`` each candidate it kept, labelled with its type
and scored with its probability. ``eikg_span_types`` turns those into
``doc._.eikg_mentions``:

- candidates are taken best first; one that crosses an accepted span's
  boundary (overlaps without nesting) is dropped;
- an accepted span that a rule already found keeps that mention (its alias in
  parentheses, its coordinated parts) with the learned type; others become new
  name mentions (a lower-case EVENT a description);
- rule name mentions the classifier did not accept are dropped; references
  ("the college", "our school") stay for ``eikg_entities`` to resolve.

Each mention carries the probability as ``confidence``; an entity's is the
highest of its names'.
"""

from __future__ import annotations


import numpy
from spacy.language import Language
from spacy.tokens import Doc

from eikg.ingest.components import Mention
from eikg.ingest.components.mentions import _ACRONYM
from eikg.ingest.training.gold import SPANS_KEY
from eikg.ingest import lexicon as lx
from eikg.records import ORGANIZATION_TYPES, EntityType


@Language.factory("eikg_span_types", default_config={"threshold": 0.0})
def make_span_types(nlp: Language, name: str, threshold: float) -> "SpanTyper":
    """``threshold``: the lowest probability a candidate's type needs to be kept
    (the classifier's own negative label already rejects most)."""
    return SpanTyper(threshold)


class SpanTyper:
    def __init__(self, threshold: float = 0.0) -> None:
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else []
        scores = group.attrs.get("scores", []) if len(group) else []
        ranked = sorted(
            ((float(numpy.asarray(score).ravel()[0]), sp.start, sp.end, sp.label_)
             for sp, score in zip(group, scores)),
            key=lambda x: (-x[0], x[1]),
        )
        accepted: list[tuple[int, int, str, float]] = []
        for score, s, e, label in ranked:
            if score < self.threshold:
                continue
            if any(_crosses(s, e, a[0], a[1]) for a in accepted):
                continue
            accepted.append((s, e, label, score))
        mentions = doc._.eikg_mentions or []
        by_span = {(m.start, m.end): m for m in mentions if m.kind != "ref"}
        out = [m for m in mentions if m.kind == "ref"]
        for s, e, label, score in accepted:
            t = EntityType(label)
            m = by_span.get((s, e))
            if m is None:
                m = Mention(s, e, t, kind=_kind(doc, s, e, t), head=doc[e - 1].lower_)
            else:
                m.type, m.unit, m.follow = t, False, None
                if m.kind in ("bare", "org"):
                    m.kind = "name"
            if t in ORGANIZATION_TYPES and _bare_unit(doc, s, e):
                m.unit = True  # "the Planning Department": its organisation's type, from context
            m.confidence = score
            out.append(m)
        out.sort(key=lambda m: (m.start, m.end))
        doc._.eikg_mentions = out
        return doc


def _bare_unit(doc: Doc, s: int, e: int) -> bool:
    """A department or office named without the organisation it belongs to."""
    words = [t.lower_ for t in doc[s:e]]
    return words[-1] in lx.GOVERNMENT_UNIT_HEADS and "of" not in words and not any(
        lx.HEAD_TYPES.get(w) is not None and w not in lx.GOVERNMENT_UNIT_HEADS for w in words[:-1]
    )


def _kind(doc: Doc, s: int, e: int, t: EntityType) -> str:
    """The kind of mention ``eikg_entities`` expects: a lower-case event is a
    description, a lone capitalised abbreviation an acronym (it may abbreviate
    a name the article gives in full)."""
    if t is EntityType.EVENT and not doc[s].text[:1].isupper():
        return "desc"
    if e - s == 1 and _ACRONYM.match(doc[s].text) and t is not EntityType.PERSON:
        return "acronym"
    return "name"


def _crosses(s: int, e: int, s2: int, e2: int) -> bool:
    """Do two token spans overlap without one holding the other?"""
    overlap = s < e2 and s2 < e
    nested = (s2 <= s and e <= e2) or (s <= s2 and e2 <= e)
    return overlap and not nested
