"""The span classifier's model: what ``eikg_spans`` reads of each candidate.

``eikg.SpanClassifier.v1`` (a registered architecture, named in
``ingest/training/config.cfg``) is log-linear: ``span_features`` names what
the rules and the statistical NER proposed for the span (an exact rule mention
and its type and kind, or a span inside or outside one; an exact, partial or
no NER entity), its words, first and last word, suffix and shape, the class of
its head and root word, legal forms, title words, lower-case words, verbs and
coordinators inside it, the words and a boundary class on each side, whether
every word is capitalised, its dependency relation and governor, and whether it
stands in the headline; the names are hashed into a ``SparseLinear`` layer whose
scores are normalised over the entity types and the negative label.

So the classifier learns when to trust each proposer rather than replacing
them. Token vectors (the base model's ``tok2vec`` through a listener, with or
without an embedding of its own) were tried and cross-validated worse: with 75
articles they learn the names, not the genre.
"""

from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2, chain
from thinc.types import Floats2d

from eikg.ingest import lexicon as lx

#: The most words a first line has to count as a headline.
HEADLINE_WORDS = 30

_LEGAL = frozenset({"co", "co.", "ltd", "ltd.", "limited", "inc", "inc.", "corp", "corp.", "corporation",
                    "llc", "plc", "gmbh", "group", "company"})




class _DocView:
    """What ``span_features`` reads of a doc, read once: plain lists are much
    cheaper than Token objects, and a doc has about one candidate per word."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.n = len(doc)
        self.lower = [t.lower_ for t in doc]
        self.text = [t.text for t in doc]
        self.shape = [t.shape_[:4] for t in doc]
        self.pos = [t.pos_ for t in doc]
        self.alpha = [t.is_alpha for t in doc]
        self.dep = [t.dep_ for t in doc]
        self.gov = [t.head.lemma_.lower() for t in doc]
        self.boundary = [_boundary(t) for t in doc]
        first_line_end = doc.text.find("\n")
        # a headline is a short first line; an article whose first paragraph
        # comes first has none. Wider than the rules' headline (names._headline_end,
        # a Title Case line, where cutting names at verbs is safe): a sentence-case
        # headline glues words to names too; using the rules' one here scored no better
        headline = first_line_end >= 0 and len(doc.text[:first_line_end].split()) <= HEADLINE_WORDS
        self.first_line = [headline and t.idx < first_line_end for t in doc]
        self.rule, self.ner = proposals(doc)
        # a rule mention holds [s, e) iff one starting at or before s ends at or after e
        self.rule_reach = [0] * (self.n + 1)
        for (rs, re_) in self.rule:
            self.rule_reach[rs] = max(self.rule_reach[rs], re_)
        for i in range(1, self.n + 1):
            self.rule_reach[i] = max(self.rule_reach[i], self.rule_reach[i - 1])
        self.in_ner = [0] * (self.n + 1)  # prefix counts of tokens inside an NER entity
        covered = [False] * self.n
        for (ns, ne) in self.ner:
            for i in range(ns, ne):
                covered[i] = True
        for i in range(self.n):
            self.in_ner[i + 1] = self.in_ner[i] + covered[i]


def span_features(view: _DocView, start: int, end: int) -> list[str]:
    """Named features of one candidate span (see ``build_span_model``): what
    the rules (``view.rule``: (start, end) -> (type, kind)) and the NER
    (``view.ner``: (start, end) -> label) proposed, and the span's words."""
    lower, text = view.lower, view.text
    first, last = start, end - 1
    f = [f"len={min(end - start, 8)}", f"first={lower[first]}", f"last={lower[last]}",
         f"last_suf={lower[last][-3:]}", f"first_shape={view.shape[first]}", f"last_shape={view.shape[last]}"]
    hit = view.rule.get((start, end))
    inside = hit is None and view.rule_reach[start] >= end
    if hit is not None:
        f.append(f"rule={hit[0]}")
        f.append(f"rule={hit[0]}|{hit[1]}")
    else:
        f.append("rule_inside" if inside else "rule_none")
    label = view.ner.get((start, end))
    overlaps = view.in_ner[end] - view.in_ner[start] > 0
    f.append(f"ner={label}" if label else ("ner_part" if overlaps else "ner_none"))
    if hit is not None and label:
        f.append(f"rule={hit[0]}|ner={label}")
    head = lx.HEAD_TYPES.get(lower[last])
    if head is None:
        # "University of X": the head word is the last before the first preposition
        for i in range(first + 1, last):
            if lower[i] in ("of", "for", "at", "in", "on"):
                head = lx.HEAD_TYPES.get(lower[i - 1])
                break
    f.append(f"head={head.value if head else 'none'}")
    if hit is not None:
        f.append(f"head={head.value if head else 'none'}|rule={hit[0]}")
    for i in range(start, end):
        low = lower[i]
        f.append(f"w={low}")
        t = lx.HEAD_TYPES.get(low)
        if t is not None:
            f.append(f"has={t.value}")
        if low in _LEGAL:
            f.append("legal")
        if low in lx.TITLE_WORDS:
            f.append("has_title_word")
        if text[i][:1].islower() and low not in lx.CONNECTORS and view.alpha[i]:
            f.append("lower_word")
        if view.pos[i] == "VERB":
            f.append("verb_inside")
        if low in ("and", "&", ","):
            f.append(f"coord={low}")
    if end - start == 1 and len(text[first]) > 1 and text[first].isupper():
        f.append("acronym")
    if text[first][:1].islower():
        f.append("starts_lower")
    prev = start - 1 if start > 0 else None
    nxt = end if end < view.n else None
    f.append(f"prev={lower[prev] if prev is not None else '<s>'}")
    f.append(f"next={lower[nxt] if nxt is not None else '</s>'}")
    if prev is not None and lower[prev] in lx.TITLE_WORDS:
        f.append("prev_title")
    if nxt is not None and lower[nxt] in lx.TITLE_WORDS:
        f.append("next_title")
    if nxt is not None and text[nxt] == "(":
        f.append("next_paren")
    if prev is not None and text[prev] == "(" and nxt is not None and text[nxt] == ")":
        f.append("in_parens")
    if prev is not None and text[prev][:1].isupper() and view.alpha[prev]:
        f.append("prev_capital")
    if nxt is not None and text[nxt][:1].isupper() and view.alpha[nxt]:
        f.append("next_capital")
    if view.first_line[first]:
        f.append("first_line")
    # name-ness that does not depend on a proposer: every word capitalised, the
    # words either side (a capitalised neighbour means a cut name), a piece of a
    # coordination; crossed with the head word's class and the rules' verdict
    words = [i for i in range(start, end) if view.alpha[i] and lower[i] not in lx.CONNECTORS]
    shape = "all_cap" if words and all(text[i][:1].isupper() for i in words) else "mixed"
    left = view.boundary[prev] if prev is not None else "edge"
    right = view.boundary[nxt] if nxt is not None else "edge"
    relation = "exact" if hit is not None else ("inside" if inside else "none")
    root = view.doc[start:end].root.i
    root_head = lx.HEAD_TYPES.get(lower[root])
    head_class = head.value if head else (f"root_{root_head.value}" if root_head else "none")
    f.append(f"root_head={root_head.value if root_head else 'none'}")
    f.append(f"shape={shape}")
    f.append(f"bounds={left}|{right}")
    f.append(f"bounds={left}|{right}|{shape}")
    f.append(f"rel={relation}|{shape}|head={head_class}")
    f.append(f"rel={relation}|bounds={left}|{right}")
    f.append(f"head={head_class}|bounds={left}|{right}")
    f.append(f"ner={label or 'none'}|{shape}|{left}|{right}")
    f.append(f"dep={view.dep[root]}")
    f.append(f"gov={view.gov[root]}")
    return f


def _boundary(tok) -> str:
    """What stands beside a span: nothing, punctuation, a coordinator, a
    determiner, a preposition, a capitalised word, a number, or another word."""
    if tok is None or tok.is_space or "\n" in tok.text:
        return "edge"
    low = tok.lower_
    if low in ("and", "&", ",", "/", ";"):
        return "coord"
    if tok.is_punct:
        return "punct"
    if tok.pos_ == "DET" or low in ("the", "a", "an"):
        return "det"
    if tok.pos_ == "ADP":
        return "prep"
    if tok.like_num:
        return "num"
    if tok.text[:1].isupper():
        return "cap"
    return "word"


def proposals(doc: Doc) -> tuple[dict, dict]:
    """What the rules and the NER proposed: ``{(start, end): (type, kind)}`` for
    the rules' name mentions, ``{(start, end): label}`` for NER entities, a
    leading "the" left out (candidates never begin with one)."""
    rule = {(m.start, m.end): (m.type.value if m.type else "NONE", m.kind)
            for m in doc._.eikg_mentions or () if m.kind != "ref"}
    ner = {}
    for e in doc.ents:
        start = e.start
        while start < e.end - 1 and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        ner[(start, e.end)] = e.label_
    return rule, ner


def _span_keys(docs: list[Doc], spans) -> tuple:
    """Hashed span features as SparseLinear's (keys, values, lengths)."""
    keys: list[int] = []
    lengths: list[int] = []
    data = spans.dataXd
    row = 0
    for doc, n in zip(docs, spans.lengths):
        view = _DocView(doc)
        for i in range(int(n)):
            feats = span_features(view, int(data[row + i, 0]), int(data[row + i, 1]))
            keys.extend(_hash(x) for x in feats)
            lengths.append(len(feats))
        row += int(n)
    return (numpy.asarray(keys, dtype="uint64"), numpy.ones(len(keys), dtype="f"),
            numpy.asarray(lengths, dtype="int32"))


@lru_cache(maxsize=1 << 18)
def _hash(feature: str) -> int:
    return get_string_id(feature)


@registry.layers("eikg.SpanKeys.v1")
def build_span_keys() -> Model:
    """(docs, candidate spans) -> the hashed features of each span, for SparseLinear."""
    def forward(model, inputs, is_train):
        docs, spans = inputs
        return _span_keys(docs, spans), lambda d_keys: inputs
    return Model("eikg_span_keys", forward)


def _logits_softmax() -> Model[Floats2d, Floats2d]:
    """Softmax whose backward pass takes the gradient at the logits, as spaCy's
    ``Softmax.v2`` does: spancat's loss hands over ``scores - truth``."""
    def forward(model, X, is_train):
        return model.ops.softmax(X), lambda dY: dY
    return Model("logits_softmax", forward)


@registry.architectures("eikg.SpanClassifier.v1")
def build_span_model(feature_rows: int = 2**16, nO: int | None = None) -> Model:
    """Log-linear scores over the hashed ``span_features`` of each candidate,
    normalised over the labels (``nO``: the types and the negative label, set
    from spancat's labels at initialisation)."""
    linear = chain(build_span_keys(), SparseLinear_v2(nO=nO, length=feature_rows))
    inner = chain(linear, _logits_softmax())
    return Model("eikg_span_classifier", _delegate, init=_init_from_labels, layers=[inner], dims={"nO": nO})


def _delegate(model: Model, X, is_train: bool):
    return model.layers[0](X, is_train)


def _init_from_labels(model: Model, X=None, Y=None) -> Model:
    """The output layers take their width from the labels (spancat's ``Y``)."""
    if Y is not None:
        model.set_dim("nO", Y.shape[1], force=True)
    nO = model.get_dim("nO")
    for node in model.walk():
        if node.name in ("sparse_linear", "linear") and node.has_dim("nO") is None:
            node.set_dim("nO", nO)
    model.layers[0].initialize(X=X)
    return model
