"""Score extractions against gold annotation, exactly as ANNOTATION.md says.

An extracted entity matches a gold one when the types are equal and its
normalised name equals the gold name or one of the gold aliases; each extracted
entity matches at most one gold entity and the other way round. A relation
matches when the types are equal and both ends match (either order for
PARTNERS_WITH). PLATFORM and POLICY entities are not scored, gold or extracted.
Precision, recall and F1 are micro-averaged over all articles, per type and
overall.

``score`` is a pure function over gold objects (dicts as in ``gold.jsonl``) and
``eikg.records.Extraction`` objects::

    >>> gold = [{"id": "a", "entities": [
    ...     {"id": "e1", "name": "The Blue Lake College", "type": "COLLEGE", "aliases": ["BLC"]}],
    ...     "relations": []}]
    >>> from eikg.records import Article, Entity, EntityType, Extraction
    >>> ex = Extraction(Article("a", ""), (Entity("e1", "k", "BLC", EntityType.COLLEGE),))
    >>> score(gold, [ex])["ENTITIES"].f1
    1.0

Names compare in ``eikg.ingest.resolve.normalise_name`` form (the same rule the
cross-article resolver keys on).

``evaluate`` reads a gold file, extracts the articles it names and scores them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eikg.errors import InputError
from eikg.ingest.gold_file import gold_lines
from eikg.ingest.model import DEFAULT_MODEL
from eikg.ingest.resolve import normalise_name
from eikg.records import (
    SCORED_ENTITY_TYPES,
    SYMMETRIC_RELATIONS,
    Article,
    Extraction,
    RelationType,
    at_confidence,
)

ENTITIES = "ENTITIES"
RELATIONS = "RELATIONS"

_SCORED = frozenset(t.value for t in SCORED_ENTITY_TYPES)
_SYMMETRIC = frozenset(t.value for t in SYMMETRIC_RELATIONS)


@dataclass(frozen=True)
class Score:
    """Counts for one type (or overall) and the figures they give."""

    tp: int
    predicted: int
    gold: int

    @property
    def p(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def r(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"p": round(self.p, 4), "r": round(self.r, 4), "f1": round(self.f1, 4), "gold": self.gold}


@dataclass(frozen=True)
class _Ent:
    type: str
    names: frozenset[str]  # gold: name + aliases; predicted: the name only


def _match(pred: list, gold: list, fits) -> list[tuple[int, int]]:
    """A maximum one-to-one matching (Kuhn's augmenting paths) of pred to gold."""
    owner: dict[int, int] = {}  # gold index -> pred index

    def augment(i: int, seen: set[int]) -> bool:
        for j, g in enumerate(gold):
            if j in seen or not fits(pred[i], g):
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(pred)):
        augment(i, set())
    return [(i, j) for j, i in owner.items()]


def _ent_fits(pred: _Ent, gold: _Ent) -> bool:
    return pred.type == gold.type and bool(pred.names & gold.names)


def _article_entities(objs: Iterable[Mapping[str, Any]], with_aliases: bool) -> dict[str, _Ent]:
    out = {}
    for e in objs:
        names = {normalise_name(str(e["name"]))}
        if with_aliases:
            names.update(normalise_name(str(a)) for a in e.get("aliases") or ())
        out[str(e["id"])] = _Ent(str(e["type"]), frozenset(names))
    return out


def _extraction_obj(ex: Extraction) -> dict[str, Any]:
    return {
        "id": ex.article.id,
        "entities": [{"id": e.id, "name": e.name, "type": e.type.value} for e in ex.entities],
        "relations": [{"head": r.head, "type": r.type.value, "tail": r.tail} for r in ex.relations],
    }


def score(
    gold: Iterable[Mapping[str, Any]], extractions: Iterable[Extraction | Mapping[str, Any]]
) -> dict[str, Score]:
    """Per-type and overall micro scores: keys are entity types, ``rel:TYPE``,
    ``ENTITIES`` and ``RELATIONS``. Extractions may be records or their JSON form;
    an article missing from the extractions counts as extracting nothing.
    """
    predicted = {}
    for ex in extractions:
        obj = _extraction_obj(ex) if isinstance(ex, Extraction) else ex
        predicted[str(obj["id"])] = obj
    counts: dict[str, list[int]] = {}  # key -> [tp, predicted, gold]

    def add(key: str, i: int, n: int = 1) -> None:
        counts.setdefault(key, [0, 0, 0])[i] += n

    for t in sorted(_SCORED):
        counts[t] = [0, 0, 0]
    for rt in RelationType:
        counts["rel:" + rt.value] = [0, 0, 0]
    for g in gold:
        p = predicted.get(str(g["id"]), {})
        g_ents = _article_entities(
            (e for e in g.get("entities") or () if e["type"] in _SCORED), with_aliases=True
        )
        p_ents = _article_entities(
            (e for e in p.get("entities") or () if e["type"] in _SCORED), with_aliases=False
        )
        gl, pl = list(g_ents.values()), list(p_ents.values())
        for e in gl:
            add(e.type, 2)
        for e in pl:
            add(e.type, 1)
        for i, _ in _match(pl, gl, _ent_fits):
            add(pl[i].type, 0)

        def ends(rels, ents):
            out = []
            for r in rels:
                h, t = ents.get(str(r["head"])), ents.get(str(r["tail"]))
                out.append((str(r["type"]), h, t))
            return out

        g_rels = ends(g.get("relations") or (), _article_entities(g.get("entities") or (), True))
        p_rels = ends(p.get("relations") or (), _article_entities(p.get("entities") or (), False))

        def rel_fits(pr, gr) -> bool:
            if pr[0] != gr[0] or None in pr or None in gr:
                return False
            if _ent_fits(pr[1], gr[1]) and _ent_fits(pr[2], gr[2]):
                return True
            return pr[0] in _SYMMETRIC and _ent_fits(pr[1], gr[2]) and _ent_fits(pr[2], gr[1])

        for r in g_rels:
            add("rel:" + r[0], 2)
        for r in p_rels:
            add("rel:" + r[0], 1)
        for i, _ in _match(p_rels, g_rels, rel_fits):
            add("rel:" + p_rels[i][0], 0)

    scores = {k: Score(*v) for k, v in counts.items()}
    for overall, is_rel in ((ENTITIES, False), (RELATIONS, True)):
        parts = [s for k, s in scores.items() if k.startswith("rel:") == is_rel]
        scores[overall] = Score(
            sum(s.tp for s in parts), sum(s.predicted for s in parts), sum(s.gold for s in parts)
        )
    return scores


#: Confidence levels at which ``eikg eval`` reports precision and recall.
CONFIDENCE_LEVELS = (0.5, 0.7, 0.9)


def scores_at(
    gold: list[Mapping[str, Any]], extractions: list[Extraction], levels: Iterable[float] = CONFIDENCE_LEVELS
) -> dict[float, dict[str, Score]]:
    """The scores of the extractions cut at each confidence level."""
    return {c: score(gold, [at_confidence(ex, c) for ex in extractions]) for c in levels}


def format_confidence(levels: Mapping[float, Mapping[str, Score]]) -> str:
    """Overall precision and recall of what each confidence level keeps."""
    lines = ["kept at confidence >=   entity P / R      relation P / R"]
    for c, sc in levels.items():
        e, r = sc[ENTITIES], sc[RELATIONS]
        lines.append(f"{c:>22.1f}   {e.p:6.3f} / {e.r:5.3f}   {r.p:6.3f} / {r.r:5.3f}")
    return "\n".join(lines)


def confidence_json(levels: Mapping[float, Mapping[str, Score]]) -> dict[str, Any]:
    """The overall scores at each confidence level, as ``--json`` prints them."""
    return {str(c): {k: sc[k].to_json() for k in (ENTITIES, RELATIONS)} for c, sc in levels.items()}


def to_json(scores: Mapping[str, Score]) -> dict[str, Any]:
    """The object ``eikg eval --json`` prints."""
    return {k: s.to_json() for k, s in scores.items()}


def format_table(scores: Mapping[str, Score]) -> str:
    """A readable table: entity types, ENTITIES, relation types, RELATIONS."""
    ent = sorted(k for k in scores if not k.startswith("rel:") and k not in (ENTITIES, RELATIONS))
    rel = sorted(k for k in scores if k.startswith("rel:"))
    rows = [*ent, ENTITIES, *rel, RELATIONS]
    width = max(len(k) for k in rows)
    lines = [f"{'type':<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'gold':>5}  {'pred':>5}"]
    for k in rows:
        s = scores[k]
        if k in (ENTITIES, RELATIONS):
            lines.append("-" * len(lines[0]))
        lines.append(f"{k:<{width}}  {s.p:6.3f}  {s.r:6.3f}  {s.f1:6.3f}  {s.gold:5d}  {s.predicted:5d}")
    return "\n".join(lines)


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """The gold objects of a JSON Lines file; an InputError names the first bad line."""
    out = []
    for g in gold_lines(path):
        if g.problem is not None:
            raise InputError(f"{g.where}: {g.problem}")
        if "id" not in g.obj or "text_file" not in g.obj:
            raise InputError(f"{g.where}: a gold object needs 'id' and 'text_file'")
        out.append(g.obj)
    return out


def gold_articles(gold: Iterable[Mapping[str, Any]], root: str | Path) -> list[Article]:
    """The articles a gold file names (``text_file`` relative to ``root``), read
    as ``eikg extract`` reads them, under the gold ``id``."""
    from eikg.ingest.sources import read_articles

    out = []
    for g in gold:
        path = Path(root) / str(g["text_file"])
        problems: list[str] = []
        found = list(read_articles([path], on_problem=problems.append))
        if problems or len(found) != 1:
            reason = problems[0] if problems else f"{path}: expected one article, found {len(found)}"
            raise InputError(f"gold article {g['id']!r}: {reason}")
        out.append(dataclasses.replace(found[0], id=str(g["id"])))
    return out


def evaluate(gold_path: str | Path, model: str = DEFAULT_MODEL) -> dict[str, Score]:
    """Extract the articles ``gold_path`` names, exactly as ``eikg extract`` does,
    and score them against it."""
    return evaluate_files([gold_path], model).scores


@dataclass
class Evaluation:
    """Scores of one or more gold files, with the extractions they came from."""

    gold: list[dict[str, Any]]
    extractions: list[Extraction]
    scores: dict[str, Score]

    def at_confidence(self, levels: Iterable[float] = CONFIDENCE_LEVELS) -> dict[float, dict[str, Score]]:
        return scores_at(self.gold, self.extractions, levels)


def evaluate_files(gold_paths: Iterable[str | Path], model: str = DEFAULT_MODEL) -> Evaluation:
    """Extract the articles the gold files name and score them all together."""
    from eikg.ingest.pipeline import extract

    gold: list[dict[str, Any]] = []
    articles: list[Article] = []
    for path in gold_paths:
        objs = read_gold(path)
        gold.extend(objs)
        articles.extend(gold_articles(objs, Path(path).parent))
    extractions = list(extract(articles, model=model))
    return Evaluation(gold, extractions, score(gold, extractions))
