"""Train the relation classifier (``ingest/relation_scorer.py``) from gold.

The trained entity layer runs over the training articles; every candidate
relation it gives (``relation_scorer.candidates``) is labelled true when gold
has that relation between entities matching both ends (as ``eikg eval``
matches them: type and normalised name). A scikit-learn logistic regression
learns the weights; its regularisation and the decision threshold are chosen
by cross-validation *within* the training articles (grouped by article), so
nothing held out steers them. The result is written as JSON feature weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language

from eikg.ingest.relation_scorer import Candidate, candidates
from eikg.ingest.resolve import normalise_name
from eikg.records import Article, RelationType

#: Regularisation strengths and thresholds tried (within the training articles).
C_GRID = (0.1, 0.3, 1.0)
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
INNER_FOLDS = 4
#: Score every pair of entities in a sentence too, not only what the rules
#: proposed. Off: cross-validated over the 75 articles it gave relation F1
#: 0.441 against 0.466 for re-scoring the rules' proposals (precision 0.57 vs
#: 0.68, recall 0.36 vs 0.36).
PAIRS = False


def examples(nlp: Language, articles: Iterable[tuple[Article, Mapping[str, Any]]], pairs: bool = False):
    """``(features, label, article index)`` of every candidate in ``articles``
    (pairs of an article and its gold object). ``nlp`` must not score
    relations itself (its ``eikg_relation_scorer``, if any, inactive)."""
    feats: list[list[str]] = []
    labels: list[int] = []
    groups: list[int] = []
    for n, (article, gold) in enumerate(articles):
        doc = nlp.make_doc(article.text)
        doc._.eikg_published = article.published
        doc._.eikg_publisher = article.publisher
        doc = nlp(doc)
        drafts = doc._.eikg_entities or []
        truth = _gold_relations(gold)
        match = {d.id: _gold_ids(d.name, d.type.value, gold) for d in drafts}
        for c in candidates(doc, drafts, doc._.eikg_relations or [], pairs=pairs):
            feats.append(c.features)
            labels.append(int(_is_true(c, match, truth)))
            groups.append(n)
    return feats, labels, groups


def _gold_ids(name: str, type_: str, gold: Mapping[str, Any]) -> set[str]:
    key = normalise_name(name)
    return {
        str(e["id"]) for e in gold.get("entities") or ()
        if e["type"] == type_ and key in {normalise_name(str(x)) for x in (e["name"], *(e.get("aliases") or ()))}
    }


def _gold_relations(gold: Mapping[str, Any]) -> set[tuple[str, str, str]]:
    out = set()
    for r in gold.get("relations") or ():
        out.add((str(r["head"]), r["type"], str(r["tail"])))
        if r["type"] == RelationType.PARTNERS_WITH.value:
            out.add((str(r["tail"]), r["type"], str(r["head"])))
    return out


def _is_true(c: Candidate, match: Mapping[str, set[str]], truth: set[tuple[str, str, str]]) -> bool:
    return any((h, c.type.value, t) in truth for h in match.get(c.head, ()) for t in match.get(c.tail, ()))


def fit(
    feats: list[list[str]], labels: list[int], groups: list[int], gold_total: int | None = None
) -> dict[str, Any] | None:
    """Weights, bias and threshold of the best logistic regression (inner CV F1);
    None when there is nothing to learn from (no candidate, or none true).

    ``gold_total`` (the gold relations of the articles, found as candidates or
    not) is the recall's denominator, as ``eikg eval`` counts it; without it,
    the true candidates."""
    if not feats or not any(labels) or all(labels):
        return None
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    vec = DictVectorizer()
    X = vec.fit_transform([{f: 1 for f in fs} for fs in feats])
    y = np.asarray(labels)
    g = np.asarray(groups)
    best = (-1.0, C_GRID[0], 0.5)
    if len(set(groups)) >= INNER_FOLDS and y.sum() > 0:
        for C in C_GRID:
            probs = np.zeros(len(y))
            for tr, te in GroupKFold(n_splits=INNER_FOLDS).split(X, y, g):
                if y[tr].sum() == 0:
                    continue
                model = LogisticRegression(C=C, max_iter=2000, solver="lbfgs")
                model.fit(X[tr], y[tr])
                probs[te] = model.predict_proba(X[te])[:, 1]
            for th in THRESHOLDS:
                pred = probs >= th
                tp = int((pred & (y == 1)).sum())
                p = tp / pred.sum() if pred.sum() else 0.0
                r = tp / (gold_total or y.sum())
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                if f1 > best[0]:
                    best = (f1, C, th)
    _, C, threshold = best
    model = LogisticRegression(C=C, max_iter=2000, solver="lbfgs")
    model.fit(X, y)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0]) if abs(w) >= 1e-4}
    return {"weights": weights, "bias": round(float(model.intercept_[0]), 5), "threshold": threshold,
            "C": C, "inner_f1": round(best[0], 4), "candidates": len(y), "positives": int(y.sum())}


def train_relations(
    nlp: Language, articles: list[tuple[Article, Mapping[str, Any]]], out: Path, pairs: bool = PAIRS
) -> dict[str, Any] | None:
    """Fit on ``articles`` and write ``out`` (JSON); return what was written
    (None, and no file, when the candidates hold nothing to learn: the rules'
    relations then pass as they are)."""
    gold_total = sum(len(gold.get("relations") or ()) for _, gold in articles)
    model = fit(*examples(nlp, articles, pairs), gold_total=gold_total)
    if model is not None:
        model["pairs"] = pairs
        srsly.write_json(out, model)
    return model
