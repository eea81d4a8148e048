"""Which relation rules still earn their place beside the learned scorer.

For every rule (the ``rule`` a relation carries) and relation type: how many
relations it proposed over the annotated corpus, how many were true, and, with
the relation scorer trained by 5-fold cross-validation (the folds of
``eikg eval --cv 5``: by article, seed 0),
how many the scorer kept and how many of those were true. A rule whose kept
proposals hold no true relation is one the learned parts have made redundant.

    .venv/bin/python scripts/rule_yield.py [GOLD.jsonl ...]

(default: ../shared/corpus/dev/gold.jsonl ../shared/corpus/train/gold.jsonl; the
entity layer is the shipped one, so its entities are seen ones: the figures rank
rules, they are not a quality score).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from eikg.ingest.evaluate import gold_articles
from eikg.ingest.nlp import build_nlp
from eikg.ingest.relation_scorer import RelationScorer
from eikg.ingest.training.gold import GoldReport, folds, read_gold_checked
from eikg.ingest.training.relations import examples, fit

DEFAULT_GOLD = ["../shared/corpus/dev/gold.jsonl", "../shared/corpus/train/gold.jsonl"]


def main(paths: list[str]) -> None:
    report = GoldReport()
    articles = [a for p in paths for a in read_gold_checked(p, report)]
    nlp = build_nlp()
    nlp.remove_pipe("eikg_relation_scorer")
    pairs = [(x, a.obj) for a in articles for x in gold_articles([a.obj], Path(a.file).parent)]
    feats, labels, groups = examples(nlp, pairs)
    feats = np.array(feats, dtype=object)
    labels, groups = np.array(labels), np.array(groups)
    index = {a.id: n for n, a in enumerate(articles)}  # examples() groups by article index
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for _, held_out in folds(articles, 5, seed=0):  # the folds of eikg eval --cv 5
        test = {index[a.id] for a in held_out}
        train = np.array([g not in test for g in groups])
        scorer = RelationScorer().take(fit(list(feats[train]), list(labels[train]), list(groups[train])))
        for f, label in zip(feats[~train], labels[~train]):
            kept = scorer.probability(f) >= scorer.threshold
            rtype = next(x for x in f if x.startswith("r=") and "|" not in x)[2:]
            for rule in (x.split("|rule=")[1] for x in f if "|rule=" in x):
                row = stats[(rule, rtype)]
                row[0] += 1
                row[1] += label
                row[2] += kept
                row[3] += kept and label
    print(f"{'rule':22} {'type':16} {'proposed':>8} {'true':>6} {'kept':>6} {'kept true':>9}")
    for (rule, rtype), (n, true, kept, kept_true) in sorted(stats.items(), key=lambda kv: -kv[1][0]):
        print(f"{rule:22} {rtype:16} {n:8} {true:6} {kept:6} {kept_true:9}")


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT_GOLD)
