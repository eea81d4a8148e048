"""What the span classifier reads about each token, besides the words.

``eikg.SpanTok2Vec.v1`` (a registered architecture, named in
``ingest/training/config.cfg``) gives ``eikg_spans`` one vector per token made
of three parts, concatenated and mixed by a maxout layer:

- the base model's contextual ``tok2vec`` (through a listener: frozen, shared);
- an embedding of its own over the word's norm, prefix, suffix and shape;
- ``token_features``: what the rules and the statistical NER said of the
  token (the type and kind of the rule mention covering it, the NER label,
  whether a mention begins or ends there), its capitalisation, and the
  lexicon's word classes (the type a head word gives, legal forms, titles,
  event nouns).

So the classifier learns when to trust each proposer rather than replacing
them; the mean/max/first/last reducer of ``spacy.SpanCategorizer.v1`` turns
token vectors into span vectors.
"""

from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.pipeline.tok2vec import Tok2VecListener
from spacy.ml.extract_spans import extract_spans
from spacy.ml.models.spancat import build_mean_max_reducer
from spacy.ml.models.tok2vec import MultiHashEmbed
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Linear, Maxout, Model, SparseLinear_v2, add, chain, concatenate, list2ragged, with_array, with_getitem
from thinc.types import Floats2d

from eikg.ingest import lexicon as lx
from eikg.records import EntityType

_TYPES = [t.value for t in EntityType]
_KINDS = ["name", "org", "bare", "acronym", "desc"]
_NER = ["PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "DATE", "OTHER"]
_LEGAL = frozenset({"co", "co.", "ltd", "ltd.", "limited", "inc", "inc.", "corp", "corp.", "corporation",
                    "llc", "plc", "gmbh", "group", "company"})

FEATURES = (
    [f"rule_type={t}" for t in [*_TYPES, "NONE"]]
    + [f"rule_kind={k}" for k in _KINDS]
    + ["rule_begin", "rule_last"]
    + [f"ner={label}" for label in _NER]
    + ["ner_begin", "ner_last"]
    + ["title", "upper", "lower", "digit", "punct", "stop", "sent_start", "first_line"]
    + [f"head_word={t}" for t in _TYPES]
    + ["legal_form", "title_word", "event_noun", "connector"]
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}


def token_features(doc: Doc) -> numpy.ndarray:
    """A ``(len(doc), len(FEATURES))`` 0/1 matrix (see the module docstring)."""
    x = numpy.zeros((len(doc), len(FEATURES)), dtype="f")
    for m in doc._.eikg_mentions or ():
        if m.kind == "ref":
            continue
        t = m.type.value if m.type is not None else "NONE"
        x[m.start : m.end, _INDEX[f"rule_type={t}"]] = 1
        if m.kind in _KINDS:
            x[m.start : m.end, _INDEX[f"rule_kind={m.kind}"]] = 1
        x[m.start, _INDEX["rule_begin"]] = 1
        x[m.end - 1, _INDEX["rule_last"]] = 1
    for ent in doc.ents:
        label = ent.label_ if ent.label_ in _NER else "OTHER"
        x[ent.start : ent.end, _INDEX[f"ner={label}"]] = 1
        x[ent.start, _INDEX["ner_begin"]] = 1
        x[ent.end - 1, _INDEX["ner_last"]] = 1
    first_line_end = doc.text.find("\n")
    for tok in doc:
        row = x[tok.i]
        text, low = tok.text, tok.lower_
        row[_INDEX["title"]] = text[:1].isupper()
        row[_INDEX["upper"]] = len(text) > 1 and text.isupper()
        row[_INDEX["lower"]] = text[:1].islower()
        row[_INDEX["digit"]] = tok.like_num
        row[_INDEX["punct"]] = tok.is_punct
        row[_INDEX["stop"]] = tok.is_stop
        row[_INDEX["sent_start"]] = bool(tok.is_sent_start)
        row[_INDEX["first_line"]] = first_line_end < 0 or tok.idx < first_line_end
        head = lx.HEAD_TYPES.get(low)
        if head is not None:
            row[_INDEX[f"head_word={head.value}"]] = 1
        row[_INDEX["legal_form"]] = low in _LEGAL
        row[_INDEX["title_word"]] = low in lx.TITLE_WORDS
        row[_INDEX["event_noun"]] = low in lx.EVENT_NOUNS
        row[_INDEX["connector"]] = low in lx.CONNECTORS
    return x


@registry.layers("eikg.TokenFeatures.v1")
def build_token_features() -> Model[list[Doc], list[Floats2d]]:
    """``token_features`` of each doc, as a layer without weights."""
    return Model("eikg_token_features", _features_forward, dims={"nO": len(FEATURES)})


def _features_forward(model: Model, docs: list[Doc], is_train: bool):
    out = [model.ops.asarray2f(token_features(doc)) for doc in docs]
    return out, lambda d_out: []


@registry.architectures("eikg.SpanTok2Vec.v1")
def build_span_tok2vec(
    upstream: str = "tok2vec",
    upstream_width: int = 96,
    embed_width: int = 64,
    rows: list[int] = [5000, 1000, 2500, 1000],
    width: int = 128,
    dropout: float = 0.1,
) -> Model[list[Doc], list[Floats2d]]:
    """The listener, an embedding of its own (none when ``embed_width`` is 0) and
    ``token_features``, mixed to ``width``."""
    parts = [Tok2VecListener(upstream_name=upstream, width=upstream_width)]
    if embed_width:
        parts.append(MultiHashEmbed(width=embed_width, attrs=["NORM", "PREFIX", "SUFFIX", "SHAPE"], rows=rows,
                                    include_static_vectors=False))
    parts.append(build_token_features())
    mixed = chain(concatenate(*parts), with_array(Maxout(nO=width, nP=3, dropout=dropout, normalize=True)))
    mixed.set_dim("nO", width)
    return mixed


# --- the span classifier: sparse span features, plus the token vectors -----------------

_CONTEXT_TITLES = lx.TITLE_WORDS


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
        self.first_line = [first_line_end < 0 or t.idx < first_line_end for t in doc]
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
        if low in _CONTEXT_TITLES:
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
    if prev is not None and lower[prev] in _CONTEXT_TITLES:
        f.append("prev_title")
    if nxt is not None and lower[nxt] in _CONTEXT_TITLES:
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
def build_span_model(
    tok2vec: Model[list[Doc], list[Floats2d]] | None = None,
    hidden_size: int = 128,
    feature_rows: int = 2**18,
    nO: int | None = None,
) -> Model:
    """Log-linear scores over hashed span features (``span_features``: the
    proposers' labels, the words, head word and its class, capitalisation,
    neighbours, dependency), plus, when ``tok2vec`` is given, a span vector
    (mean, max, first and last token vectors) through a hidden layer; summed and
    normalised. A model mostly linear in what the rules and NER say learns from
    75 articles when to trust them, without memorising the names."""
    linear = chain(build_span_keys(), SparseLinear_v2(nO=nO, length=feature_rows))
    if tok2vec is None:
        scores = linear
    else:
        reducer = build_mean_max_reducer(hidden_size)
        neural = chain(
            with_getitem(0, chain(tok2vec, list2ragged())),
            extract_spans(),
            reducer,
            Linear(nO=nO),
        )
        scores = add(linear, neural)
        scores.set_ref("tok2vec", tok2vec)
    inner = chain(scores, _logits_softmax())
    model = Model("eikg_span_classifier", _delegate, init=_init_from_labels, layers=[inner], dims={"nO": nO})
    if tok2vec is not None:
        model.set_ref("tok2vec", tok2vec)
    return model


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
