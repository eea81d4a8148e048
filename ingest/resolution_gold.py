"""Resolution gold from the annotated corpus, and scoring a resolver against it.

The gold files (``../shared/corpus/*/gold.jsonl``, ANNOTATION.md) hold one record
per real-world thing *per article*, with its name and every other surface form
the article used. Across articles, the gold identity of an organisation is the
cluster of records that share a normalised name or alias (ANNOTATION.md's
normalising rule), corrected by a review file of hand decisions, one JSON object
a line, naming records only by ``[article id, entity id]``::

    {"link": [["a-1", "e2"], ["a-7", "e4"]], "why": "legal-form and plural variant"}
    {"alone": [["a-3", "e9"]], "why": "a generic department name: another company's"}

``link`` puts records in one cluster; ``alone`` takes a record out of its cluster.

Scoring (:func:`score_clusters`): pairwise precision/recall/F1 over all pairs of
records (same predicted cluster vs same gold cluster) and B-cubed precision/recall
/F1 averaged over records.

Predictions (:func:`resolve_gold`) run eikg's resolution on the gold records as
if they had been extracted: keys from :class:`eikg.ingest.resolve.Resolver` in
article order, then :func:`eikg.ingest.linkage.link` across articles. This
measures resolution alone, with extraction taken as perfect.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eikg.errors import InputError
from eikg.ingest.gold_file import gold_lines
from eikg.ingest.linkage import ORG_TYPES, THRESHOLD, candidates_from_extractions, link
from eikg.ingest.resolve import Resolver, normalise_name
from eikg.records import EntityType

Item = tuple[str, str]  # (article id, entity id)


@dataclass(frozen=True)
class GoldRecord:
    article: str
    id: str
    type: EntityType
    name: str
    aliases: tuple[str, ...]


def read_gold_articles(paths: Iterable[Path | str]) -> list[dict[str, Any]]:
    """The article objects of the gold files, in file order; an InputError names
    the first bad line."""
    out = []
    for path in paths:
        for g in gold_lines(path):
            if g.problem is not None:
                raise InputError(f"{g.where}: {g.problem}")
            out.append(g.obj)
    return out


def gold_records(articles: Iterable[Mapping[str, Any]]) -> list[GoldRecord]:
    """The organisation records of the gold articles."""
    out = []
    for a in articles:
        for e in a.get("entities") or ():
            try:
                etype = EntityType(e["type"])
            except ValueError:
                continue  # PLATFORM, POLICY: not scored
            if etype in ORG_TYPES:
                out.append(
                    GoldRecord(str(a["id"]), str(e["id"]), etype, e["name"], tuple(e.get("aliases") or ()))
                )
    return out


class _Union:
    def __init__(self, items: Iterable[Item]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: Item) -> Item:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, x: Item, y: Item) -> None:
        self.parent[self.find(y)] = self.find(x)


def read_review(path: Path | str | None) -> list[dict[str, Any]]:
    """The hand decisions of a review file (none when ``path`` is None)."""
    if path is None:
        return []
    path = Path(path)
    decisions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            items = obj.get("link") or obj.get("alone")
            if not items or not all(isinstance(i, list) and len(i) == 2 for i in items):
                raise ValueError("needs 'link' or 'alone' with [article, entity] pairs")
        except (json.JSONDecodeError, ValueError, AttributeError) as err:
            raise InputError(f"{path}:{n}: not a review decision ({err})") from None
        decisions.append({"line": n, "path": path, **obj})
    return decisions


def gold_clusters(records: list[GoldRecord], review: Iterable[Mapping[str, Any]] = ()) -> dict[Item, Any]:
    """Each record's gold cluster number: records sharing a normalised name or alias
    are one organisation, then the review's ``link`` and ``alone`` decisions apply."""
    items = [(r.article, r.id) for r in records]
    union = _Union(items)
    by_form: dict[str, Item] = {}
    for r in records:
        for form in (r.name, *r.aliases):
            norm = normalise_name(form)
            if not norm:
                continue
            if norm in by_form:
                union.join(by_form[norm], (r.article, r.id))
            else:
                by_form[norm] = (r.article, r.id)
    alone: set[Item] = set()
    known = set(items)
    articles = {r.article for r in records}
    for d in review:
        named = [tuple(i) for i in d.get("link") or d.get("alone")]
        for i in named:
            if i[0] in articles and i not in known:
                raise InputError(f"{d['path']}:{d['line']}: no gold organisation {i[0]}/{i[1]}")
        named = [i for i in named if i in known]  # decisions on gold files not read
        if "link" in d:
            for i in named[1:]:
                union.join(named[0], i)
        else:
            alone.update(named)
    return {i: ("alone", i) if i in alone else union.find(i) for i in items}


def resolve_gold(articles: list[Mapping[str, Any]], threshold: float = THRESHOLD) -> dict[Item, str]:
    """Each gold organisation record's final key under eikg's resolution (keys as
    articles stream, then cross-article linkage at ``threshold``)."""
    resolver = Resolver()
    extractions = []
    for a in articles:
        entities = []
        for e in a.get("entities") or ():
            try:
                etype = EntityType(e["type"])
            except ValueError:
                continue
            key = resolver.resolve(
                e["name"], etype, e.get("aliases") or (), date=a.get("published"), article_id=a["id"]
            )
            entities.append({**e, "key": key})
        extractions.append({"id": a["id"], "title": a.get("source"), "entities": entities, "relations": a.get("relations") or []})
    linkage = link(candidates_from_extractions(extractions), threshold=threshold)
    final = {d.drop: d.keep for d in linkage.decisions}
    out = {}
    for ex in extractions:
        for e in ex["entities"]:
            if EntityType(e["type"]) in ORG_TYPES:
                out[(ex["id"], e["id"])] = final.get(e["key"], e["key"])
    return out


@dataclass(frozen=True)
class Scores:
    records: int
    gold_clusters: int
    predicted_clusters: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float


def format_scores(rows: Mapping[str, Scores]) -> str:
    """The scores as an aligned text table, one row per label (``eikg eval-resolution``)."""
    lines = [f"{'':<12}{'pairs':>7}{'P':>8}{'R':>8}{'F1':>8}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}"]
    for label, s in rows.items():
        lines.append(
            f"{label:<12}{s.predicted_pairs:>7}{s.pairwise_precision:>8.3f}{s.pairwise_recall:>8.3f}"
            f"{s.pairwise_f1:>8.3f}{s.bcubed_precision:>8.3f}{s.bcubed_recall:>8.3f}{s.bcubed_f1:>8.3f}"
        )
    return "\n".join(lines)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_clusters(gold: Mapping[Item, Any], predicted: Mapping[Item, Any]) -> Scores:
    """Pairwise and B-cubed scores of ``predicted`` against ``gold`` (both: item -> cluster id).

    >>> s = score_clusters({1: "a", 2: "a", 3: "b"}, {1: "x", 2: "y", 3: "y"})
    >>> (s.pairwise_precision, s.pairwise_recall, round(s.bcubed_precision, 3))
    (0.0, 0.0, 0.667)
    """
    items = [i for i in gold if i in predicted]
    g: dict[Any, set] = defaultdict(set)
    p: dict[Any, set] = defaultdict(set)
    for i in items:
        g[gold[i]].add(i)
        p[predicted[i]].add(i)

    def pairs(clusters: Mapping[Any, set]) -> int:
        return sum(len(c) * (len(c) - 1) // 2 for c in clusters.values())

    correct = 0
    for members in p.values():
        inside: dict[Any, int] = defaultdict(int)
        for i in members:
            inside[gold[i]] += 1
        correct += sum(n * (n - 1) // 2 for n in inside.values())
    true_pairs, pred_pairs = pairs(g), pairs(p)
    pp = correct / pred_pairs if pred_pairs else 1.0
    pr = correct / true_pairs if true_pairs else 1.0
    bp = br = 0.0
    for i in items:
        same = len(p[predicted[i]] & g[gold[i]])
        bp += same / len(p[predicted[i]])
        br += same / len(g[gold[i]])
    n = len(items) or 1
    bp, br = bp / n, br / n
    return Scores(
        len(items), len(g), len(p), true_pairs, pred_pairs, correct,
        pp, pr, _f1(pp, pr), bp, br, _f1(bp, br),
    )


def graph_clusters(
    records: list[GoldRecord], mentions: Iterable[tuple[str, str, list[str]]]
) -> dict[Item, str]:
    """Each gold record's node in a graph, from its ``mentions`` (article id, key,
    names the article used): the node of the record's article whose names include
    the record's name or an alias (the scoring rule of ANNOTATION.md). Records
    eikg did not extract are left out."""
    by_article: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for article, key, names in mentions:
        by_article[article].append((key, {normalise_name(n) for n in names}))
    out: dict[Item, str] = {}
    for r in records:
        forms = {normalise_name(f) for f in (r.name, *r.aliases)}
        for key, names in sorted(by_article.get(r.article, ())):
            if forms & names:
                out[(r.article, r.id)] = key
                break
    return out


def evaluate_graph(
    gold_paths: Iterable[Path | str],
    mentions: Iterable[tuple[str, str, list[str]]],
    review: Path | str | None = None,
) -> tuple[Scores, int]:
    """Scores of the graph's organisation nodes against the gold (end to end:
    extraction and resolution), and how many gold records the graph has a node for."""
    articles = read_gold_articles(gold_paths)
    records = gold_records(articles)
    gold = gold_clusters(records, read_review(review))
    nodes = graph_clusters(records, mentions)
    return score_clusters(gold, nodes), len(nodes)


def evaluate_resolution(
    gold_paths: Iterable[Path | str],
    review: Path | str | None = None,
    threshold: float = THRESHOLD,
) -> tuple[Scores, Scores]:
    """Scores of eikg's resolution on the gold organisations, and of exact keys
    alone (the streaming resolver without cross-article linkage) for comparison."""
    articles = read_gold_articles(gold_paths)
    gold = gold_clusters(gold_records(articles), read_review(review))
    linked = resolve_gold(articles, threshold)
    exact = resolve_gold(articles, threshold=1.01)
    return score_clusters(gold, linked), score_clusters(gold, exact)
