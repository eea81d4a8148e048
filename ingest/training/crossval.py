"""K-fold cross-validation of the learned extractor, folds by article.

For each fold: train on the other folds' articles (``train.py``), extract the
fold's articles with that model, score them (``ingest/evaluate.py``). A fold's
model never sees the articles it is scored on (``CrossValidation.folds``
records both sides, and ``cross_validate`` checks they are disjoint).

With ``gold_entities``, each fold's relation layer reads the gold entity names
of the held-out articles instead of the learned layer's (``oracle.py``): the
entity figures are then the gold's own, and the relation figures show what
the relation layer reaches from a perfect entity layer.

Figures: ``pooled`` is the micro score over all folds' predictions together (every
article scored exactly once, by a model that did not train on it); ``mean``
and ``spread`` (standard deviation) are over the folds' own F1.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eikg.ingest.evaluate import Score, confidence_json, format_confidence, score, scores_at
from eikg.ingest.model import DEFAULT_MODEL
from eikg.ingest.training.gold import GoldArticle, GoldReport, folds, read_gold_checked
from eikg.ingest.training.oracle import use_gold_entities
from eikg.records import Extraction


@dataclass
class FoldResult:
    train_ids: list[str]
    test_ids: list[str]
    scores: dict[str, Score]


@dataclass
class CrossValidation:
    k: int
    seed: int
    gold_entities: bool = False
    folds: list[FoldResult] = field(default_factory=list)
    pooled: dict[str, Score] = field(default_factory=dict)
    at_confidence: dict[float, dict[str, Score]] = field(default_factory=dict)

    def mean(self, key: str) -> float:
        return statistics.fmean(f.scores[key].f1 for f in self.folds)

    def spread(self, key: str) -> float:
        values = [f.scores[key].f1 for f in self.folds]
        return statistics.pstdev(values) if len(values) > 1 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "seed": self.seed,
            "gold_entities": self.gold_entities,
            "pooled": {k: s.to_json() for k, s in self.pooled.items()},
            "folds": [
                {"test": f.test_ids, "scores": {k: s.to_json() for k, s in f.scores.items()}}
                for f in self.folds
            ],
            "mean_f1": {k: round(self.mean(k), 4) for k in self.pooled},
            "spread_f1": {k: round(self.spread(k), 4) for k in self.pooled},
            "at_confidence": confidence_json(self.at_confidence),
        }


def cross_validate(
    articles: list[GoldArticle],
    k: int = 5,
    *,
    seed: int = 0,
    base_model: str = DEFAULT_MODEL,
    config=None,
    gold_entities: bool = False,
    log: Callable[[str], None] | None = None,
) -> CrossValidation:
    """Train and score ``k`` times, each fold held out once (with
    ``gold_entities``, the relation layer over the gold entity names)."""
    from eikg.ingest.nlp import build_nlp
    from eikg.ingest.pipeline import extract
    from eikg.ingest.training.train import train

    result = CrossValidation(k, seed, gold_entities)
    all_gold: list[Mapping[str, Any]] = []
    all_ex: list[Extraction] = []
    for n, (train_set, test_set) in enumerate(folds(articles, k, seed), 1):
        train_ids, test_ids = [a.id for a in train_set], [a.id for a in test_set]
        if set(train_ids) & set(test_ids):
            raise AssertionError(f"fold {n} trains on articles it scores")
        if log is not None:
            log(f"fold {n}/{k}: training on {len(train_set)} articles, scoring {len(test_set)}")
        with tempfile.TemporaryDirectory(prefix="eikg-cv-") as tmp:
            train(train_set, tmp, report=GoldReport(), config=config, base_model=base_model,
                  full_pipeline=False)
            nlp = build_nlp(model=base_model, learned=Path(tmp))
        if gold_entities:
            use_gold_entities(nlp, test_set)
        gold = [a.obj for a in test_set]
        texts = [g.article() for g in test_set]
        extractions = list(extract(texts, nlp))
        fold_scores = score(gold, extractions)
        result.folds.append(FoldResult(train_ids, test_ids, fold_scores))
        if log is not None:
            e, r = fold_scores["ENTITIES"], fold_scores["RELATIONS"]
            log(f"fold {n}/{k}: entity F1 {e.f1:.3f}, relation F1 {r.f1:.3f}")
        all_gold.extend(gold)
        all_ex.extend(extractions)
    result.pooled = score(all_gold, all_ex)
    result.at_confidence = scores_at(all_gold, all_ex)
    return result


def cross_validate_files(
    gold_files: Iterable[str | Path], k: int = 5, *, warn: Callable[[str], None] | None = None, **options
) -> CrossValidation:
    """``eikg eval --cv``: read and check the gold files (each problem to ``warn``),
    then ``cross_validate`` their articles."""
    report = GoldReport()
    articles = [a for path in gold_files for a in read_gold_checked(path, report)]
    if warn is not None:
        for line in report.problems:
            warn(line)
    return cross_validate(articles, k, **options)


def format_cv(cv: CrossValidation) -> str:
    """Pooled P/R/F1 per type with the folds' mean and spread of F1."""
    keys = list(cv.pooled)
    ent = sorted(k for k in keys if not k.startswith("rel:") and k not in ("ENTITIES", "RELATIONS"))
    rel = sorted(k for k in keys if k.startswith("rel:"))
    rows = [*ent, "ENTITIES", *rel, "RELATIONS"]
    width = max(len(k) for k in rows)
    head = f"{'type':<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'mean F1':>7}  {'± sd':>6}  {'gold':>5}"
    lines = [f"{cv.k}-fold cross-validation by article (seed {cv.seed}); P/R/F1 pooled over the folds", head]
    if cv.gold_entities:
        lines.insert(1, "relations read the gold entity names (--gold-entities), not the learned entity layer's")
    for k in rows:
        s = cv.pooled[k]
        if k in ("ENTITIES", "RELATIONS"):
            lines.append("-" * len(head))
        lines.append(f"{k:<{width}}  {s.p:6.3f}  {s.r:6.3f}  {s.f1:6.3f}  {cv.mean(k):7.3f}  {cv.spread(k):6.3f}  {s.gold:5d}")
    lines.extend(["", format_confidence(cv.at_confidence)])
    return "\n".join(lines)
