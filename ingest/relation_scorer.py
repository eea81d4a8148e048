"""The learned relation layer: a classifier over candidate relations.

``eikg_relations`` (the rules) proposes relations; on unseen news a good share
of what they propose is wrong. ``eikg_relation_scorer`` runs after them and
decides:

- **candidates**: every relation the rules proposed; with ``pairs`` (a setting
  stored with the trained model), also every pair of entities named in one
  sentence for every relation type their types allow (``relations.types_fit``)
  and each person or organisation with each event of the article. Scoring the
  pairs too did not pay when cross-validated (``training/relations.py``), so
  the shipped model re-scores the rules' proposals;
- **features** (``_pair_features``), each crossed with the relation type:
  the entity types, the rule that proposed this relation (its name, as
  ``eikg extract`` reports it) and its confidence, the other relations the
  rules gave the pair, the words between the two names (lemmas), the words just before
  the head and after the tail, their order and distance, each name's
  dependency relation and governing word, and how many organisations the
  sentence names;
- **decision**: a logistic regression (trained by ``ingest/training/relations.py``
  with scikit-learn) gives each candidate a probability; candidates at or above
  the threshold become the doc's relations, the probability their confidence.

The model is a plain JSON file of feature weights (``ingest/trained/relations.json``),
so scoring needs no scikit-learn and nothing is unpickled.
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from eikg.errors import EikgError
from eikg.ingest.drafts import EntityDraft, RelationDraft
from eikg.ingest.relations import sentences, types_fit
from eikg.records import ORGANIZATION_TYPES, EntityType, RelationType

_SYMMETRIC = RelationType.PARTNERS_WITH
_MAX_BETWEEN = 12  # words between two names read one by one; farther is "far"


@dataclass
class Candidate:
    head: str
    type: RelationType
    tail: str
    sentence: tuple[int, int]
    features: list[str] = field(default_factory=list)
    rule: RelationDraft | None = None


@Language.factory("eikg_relation_scorer", default_config={"model": None, "threshold": None})
def make_relation_scorer(nlp: Language, name: str, model: str | None, threshold: float | None):
    """``model``: a weights file written by ``eikg train`` (None: the rules'
    relations pass unchanged); ``threshold``: the probability a relation needs
    (default: the one stored with the model)."""
    return RelationScorer(Path(model) if model else None, threshold)


class RelationScorer:
    def __init__(self, model: Path | None = None, threshold: float | None = None) -> None:
        self.weights: dict[str, float] = {}
        self.bias = 0.0
        self.threshold = 0.5
        self.pairs = False
        self.active = False
        if model is not None:
            self.load(model)
        if threshold is not None:
            self.threshold = threshold

    def load(self, model: Path) -> "RelationScorer":
        """Take the weights of a file ``eikg train`` wrote (``relations.json``)."""
        try:
            return self.take(srsly.read_json(model))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise EikgError(f"{model}: not a relation model ({exc})") from exc

    def take(self, data: dict) -> "RelationScorer":
        """Take a fitted model (what ``training.relations.fit`` returns and
        ``relations.json`` holds) and score with it."""
        self.weights, self.bias = dict(data["weights"]), float(data["bias"])
        self.threshold = float(data.get("threshold", 0.5))
        self.pairs = bool(data.get("pairs", False))
        self.active = True
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "weights.json", {
            "weights": self.weights, "bias": self.bias, "threshold": self.threshold,
            "pairs": self.pairs, "active": self.active,
        })

    def from_disk(self, path, *, exclude=()) -> "RelationScorer":
        data = srsly.read_json(Path(path) / "weights.json")
        self.weights, self.bias = data["weights"], float(data["bias"])
        self.threshold, self.active = float(data["threshold"]), bool(data["active"])
        self.pairs = bool(data.get("pairs", False))
        return self

    def probability(self, features: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def __call__(self, doc: Doc) -> Doc:
        if not self.active:
            return doc
        drafts = doc._.eikg_entities or []
        kept = []
        for c in candidates(doc, drafts, doc._.eikg_relations or [], pairs=self.pairs):
            p = self.probability(c.features)
            if p < self.threshold:
                continue
            title = c.rule.title if c.rule is not None else None
            date = c.rule.date if c.rule is not None else None
            rule = c.rule.rule if c.rule is not None else None
            kept.append(RelationDraft(c.head, c.type, c.tail, c.sentence, title=title, date=date,
                                      confidence=round(p, 4), rule=rule))
        doc._.eikg_relations = kept
        return doc


@dataclass(frozen=True)
class _Named:
    ent: EntityDraft
    span: Span


def candidates(
    doc: Doc, drafts: list[EntityDraft], rules: list[RelationDraft], pairs: bool = False
) -> list[Candidate]:
    """The candidate relations of ``doc`` with their features: what the rules
    proposed or, with ``pairs``, every pair the module docstring lists too."""
    by_id = {d.id: d for d in drafts}
    sents = sentences(doc, list(doc))
    sent_of = {}
    for k, s in enumerate(sents):
        for i in range(s.start, s.end):
            sent_of[i] = k
    named: list[list[_Named]] = [[] for _ in sents]
    for d in drafts:
        for start, end in d.mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                named[sent_of.get(span.start, 0)].append(_Named(d, span))
    rule_of = {}
    rule_types: dict[frozenset[str], set[RelationType]] = {}
    for r in rules:
        rule_of[_key(r.head, r.type, r.tail)] = r
        rule_types.setdefault(frozenset((r.head, r.tail)), set()).add(r.type)
    out: dict[tuple, Candidate] = {}
    for k, sent in enumerate(sents):
        names = named[k]
        orgs = len({n.ent.id for n in names if n.ent.type in ORGANIZATION_TYPES})
        for a in names:
            for b in names:
                if a.ent.id == b.ent.id:
                    continue
                for rtype in RelationType:
                    if not types_fit(rtype, a.ent.type, b.ent.type):
                        continue
                    if rtype is _SYMMETRIC and b.ent.id < a.ent.id:
                        continue
                    key = _key(a.ent.id, rtype, b.ent.id)
                    if not pairs and key not in rule_of:
                        continue  # only the rules' proposals are scored: no features for the rest
                    feats = _pair_features(doc, rtype, a, b, orgs)
                    old = out.get(key)
                    if old is None or len(feats) > len(old.features):
                        out[key] = Candidate(a.ent.id, rtype, b.ent.id, (sent.start_char, sent.end_char), feats)
    _cross_sentence(doc, drafts, named, sent_of, sents, out, None if pairs else rule_of)
    for key, r in rule_of.items():
        if key not in out:
            h, t = by_id.get(r.head), by_id.get(r.tail)
            if h is None or t is None:
                continue
            out[key] = Candidate(r.head, r.type, r.tail, r.sentence,
                                 [f"r={r.type.value}|far", f"r={r.type.value}|ht={h.type.value}>{t.type.value}"])
    for key, c in out.items():
        rt = c.type.value
        c.rule = rule_of.get(key)
        c.features.append(f"r={rt}")
        if c.rule is not None:
            c.features.append(f"r={rt}|rule")
            c.features.append(f"r={rt}|rule_conf={round(c.rule.confidence, 1)}")
            c.features.append(f"r={rt}|rule={c.rule.rule}")
            c.head, c.tail = c.rule.head, c.rule.tail
        for other in rule_types.get(frozenset((c.head, c.tail)), ()):
            if other is not c.type:
                c.features.append(f"r={rt}|rule_other={other.value}")
    return list(out.values())


_TO_EVENT = (RelationType.PARTICIPATED_IN, RelationType.ORGANIZED)


def _cross_sentence(doc: Doc, drafts: list[EntityDraft], named: list[list[_Named]], sent_of: dict,
                    sents: list[Span], out: dict, only: Container | None = None) -> None:
    """Candidates whose ends never share a sentence: a person or organisation and
    an event of the article (attendee lists, "the ceremony" named lines before),
    an event and a place; with ``only``, just the keys it holds."""
    where: dict[str, list[int]] = {}
    for k, names in enumerate(named):
        for n in names:
            where.setdefault(n.ent.id, []).append(k)
    events = [d for d in drafts if d.type is EntityType.EVENT and d.id in where]
    if not events:
        return
    main = max(events, key=lambda d: (len(where[d.id]), -where[d.id][0])).id
    for d in drafts:
        if d.id not in where or d.type is EntityType.EVENT:
            continue
        for ev in events:
            gap = min(abs(a - b) for a in where[d.id] for b in where[ev.id])
            pairs = [(d, r, ev) for r in _TO_EVENT] if d.type is not EntityType.PLACE else []
            if d.type is EntityType.PLACE:
                pairs.append((ev, RelationType.LOCATED_IN, d))
            for h, rtype, t in pairs:
                key = _key(h.id, rtype, t.id)
                if key in out or (only is not None and key not in only) or not types_fit(rtype, h.type, t.type):
                    continue
                rt = rtype.value
                k = where[d.id][0]
                feats = [f"r={rt}|xsent", f"r={rt}|ht={h.type.value}>{t.type.value}",
                         f"r={rt}|gap={min(gap, 6) // 2}", f"r={rt}|main={ev.id == main}",
                         f"r={rt}|events={min(len(events), 3)}"]
                feats.extend(f"r={rt}|xverb={_lemma(tok)}" for tok in sents[k] if tok.pos_ == "VERB")
                out[key] = Candidate(h.id, rtype, t.id, (sents[k].start_char, sents[k].end_char), feats)


def _key(head: str, rtype: RelationType, tail: str) -> tuple:
    if rtype is _SYMMETRIC and tail < head:
        head, tail = tail, head
    return (head, rtype, tail)


def _lemma(tok) -> str:
    return tok.lemma_.lower() if tok.lemma_ else tok.lower_


def _pair_features(doc: Doc, rtype: RelationType, a: _Named, b: _Named, orgs: int) -> list[str]:
    rt = rtype.value
    f = [f"r={rt}|ht={a.ent.type.value}>{b.ent.type.value}"]
    first, second = (a.span, b.span) if a.span.start <= b.span.start else (b.span, a.span)
    f.append(f"r={rt}|head_first={a.span.start <= b.span.start}")
    if first.end > second.start:
        f.append(f"r={rt}|nested")
        gap = 0
    else:
        gap = second.start - first.end
        between = [t for t in doc[first.end : second.start] if not t.is_space]
        if len(between) <= _MAX_BETWEEN:
            for t in between:
                f.append(f"r={rt}|btw={_lemma(t)}")
            if between:
                f.append(f"r={rt}|btw_first={_lemma(between[0])}")
                f.append(f"r={rt}|btw_last={_lemma(between[-1])}")
            else:
                f.append(f"r={rt}|adjacent")
        else:
            f.append(f"r={rt}|far")
    f.append(f"r={rt}|dist={min(gap, 20) // 4}")
    if first.start > 0:
        f.append(f"r={rt}|before={_lemma(doc[first.start - 1])}")
    if second.end < len(doc):
        f.append(f"r={rt}|after={_lemma(doc[second.end])}")
    for role, span in (("h", a.span), ("t", b.span)):
        root = span.root
        f.append(f"r={rt}|{role}dep={root.dep_}")
        f.append(f"r={rt}|{role}gov={root.dep_}:{_lemma(root.head)}")
    f.append(f"r={rt}|orgs={min(orgs, 5)}")
    if a.span.root.head.i == b.span.root.i or b.span.root.head.i == a.span.root.i:
        f.append(f"r={rt}|governs")
    if a.span.root.head.i == b.span.root.head.i:
        f.append(f"r={rt}|same_gov={_lemma(a.span.root.head)}")
    return f
