"""Cross-article resolution of the graph: decide with :mod:`eikg.ingest.linkage`,
record the decisions, reload the articles they touch.

The resolver reads every Article node's stored extraction, so it always sees the
keys as extracted (before any merge) and a run decides afresh from the whole
graph: raising the threshold undoes merges it no longer makes. Its decisions are
kept in ``resolved.jsonl`` beside the merge file of human decisions
(``data/merges.jsonl``), one merge record a line with its match probability.
Every load applies both (:func:`eikg.graph.decisions.load_redirects`); a person's
decisions win: their merges override the resolver's, and a pair they split
(``eikg split``) is recorded as kept apart and never merged again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import neo4j

from eikg.graph.decisions import (
    MERGES_FILE,
    MergeRecord,
    combined_redirects,
    load_redirects,
    read_decisions,
    resolved_file,
    write_resolved,
)
from eikg.graph.loader import load, stored_extractions
from eikg.graph.statements import statement
from eikg.ingest.linkage import REVIEW, THRESHOLD, Candidate, Linkage, candidates_from_extractions, link
from eikg.records import to_json


@dataclass
class Resolution:
    """What one resolver run decided and did."""

    linkage: Linkage
    candidates: list[Candidate]
    added: list[MergeRecord]  # merges new since the last run
    removed: list[MergeRecord]  # merges of the last run no longer made
    articles_reloaded: int
    warnings: list[str]  # decisions of the merge file naming keys the graph does not have


def resolve_graph(
    driver: neo4j.Driver,
    *,
    merges: Path | str = MERGES_FILE,
    threshold: float = THRESHOLD,
    review: float = REVIEW,
    dry_run: bool = False,
    database: str | None = None,
) -> Resolution:
    """Resolve every organisation in the graph across articles.

    Pairs at or above ``threshold`` merge (recorded in ``resolved.jsonl`` beside
    ``merges``, the articles naming either key reloaded); those from ``review``
    are returned for review. ``dry_run`` decides without writing anything.
    """
    merges = Path(merges)
    # each decision file read once; a bad one stops the run before anything changes
    human = read_decisions(merges)
    path = resolved_file(merges)
    machine = read_decisions(path).records
    combined_redirects(human, machine)  # merges that form a cycle stop the run here too
    stored = stored_extractions(driver, None, database)
    candidates = candidates_from_extractions(to_json(ex) for ex in stored)
    known = {e.key for ex in stored for e in ex.entities}
    warnings = human.unknown_keys(known)
    linkage = link(candidates, threshold=threshold, review=review, apart=human.apart_pairs)
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    before = {(r.keep, r.drop): r for r in machine}
    decided = [(MergeRecord(d.keep, d.drop, d.name, d.type, at), d.probability) for d in linkage.decisions]
    now = {(r.keep, r.drop) for r, _ in decided}
    # an unchanged decision keeps the time it was first made
    decided = [(before.get((r.keep, r.drop), r), p) for r, p in decided]
    added = [r for r, _ in decided if (r.keep, r.drop) not in before]
    removed = [r for pair, r in before.items() if pair not in now]
    reloaded = 0
    if not dry_run and (added or removed or not path.exists()):
        write_resolved(decided, path)
        touched = {k for r in added + removed for k in (r.keep, r.drop)}
        by_key = {c.key: c for c in candidates}
        ids = {a for k in touched if k in by_key for a in by_key[k].articles}
        again = [ex for ex in stored if ex.article.id in ids]
        if again:
            redirects = combined_redirects(human, [r for r, _ in decided])
            load(driver, again, database=database, force=True, redirects=redirects)
        reloaded = len(again)
    return Resolution(linkage, candidates, added, removed, reloaded, warnings)


@dataclass(frozen=True)
class Suggestion:
    """A pair the resolver did not merge but a person may: its match probability
    and the evidence for it."""

    probability: float
    a: str  # keys, a < b
    b: str
    name_a: str
    name_b: str
    type_a: str
    type_b: str
    evidence: str  # the name comparison that matched ("spelling variant", "initials", ...)
    shared_places: list[str]
    shared_partners: list[str]  # names of the entities both are related to
    titles_a: list[str]  # titles of the articles naming each
    titles_b: list[str]

    def describe(self) -> str:
        """Two lines for a person: the probability and keys, then names, types and evidence."""
        shared = self.shared_places + self.shared_partners
        return (
            f"{self.probability:.2f}  {self.a}  <->  {self.b}\n"
            f"      {self.name_a} ({self.type_a}) / {self.name_b} ({self.type_b}): {self.evidence}"
            + (f"; both with {', '.join(shared)}" if shared else "")
        )


def suggest_merges(
    driver: neo4j.Driver,
    *,
    merges: Path | str = MERGES_FILE,
    min_probability: float = REVIEW,
    threshold: float = THRESHOLD,
    limit: int = 50,
    database: str | None = None,
) -> list[Suggestion]:
    """Organisations the resolver scores from ``min_probability`` but does not
    merge (below ``threshold``, or evidence that never merges alone, such as an
    abbreviation matching a name's initials), most probable first."""
    done = resolve_graph(
        driver, merges=merges, threshold=threshold, review=min_probability, dry_run=True, database=database
    )
    merged = {r.drop: r.keep for r in done.linkage.decisions}
    # what the graph holds now: a key merged away by an earlier run is not a suggestion
    redirects = load_redirects(merges)
    by_key = {c.key: c for c in done.candidates}
    names = {c.key: c.name for c in done.candidates}
    out = []
    for p in done.linkage.review:
        now_a = redirects[p.a].key if p.a in redirects else merged.get(p.a, p.a)
        now_b = redirects[p.b].key if p.b in redirects else merged.get(p.b, p.b)
        if now_a == now_b:
            continue
        a, b = by_key[p.a], by_key[p.b]
        out.append(
            Suggestion(
                p.probability, p.a, p.b, a.name, b.name, a.type.value, b.type.value, p.name,
                list(p.shared_places), [names.get(k, k) for k in p.shared_neighbours],
                a.titles, b.titles,
            )
        )
    return out[:limit]


def entity_mentions(
    driver: neo4j.Driver, types: Iterable[str], database: str | None = None
) -> list[tuple[str, str, list[str]]]:
    """(article id, entity key, names the article used) for every mention of an
    entity of ``types``: what :func:`eikg.ingest.resolution_gold.graph_clusters` scores."""
    with driver.session(database=database) as session:
        records = session.execute_read(
            lambda tx: list(tx.run(statement("entity_mentions"), types=sorted(types)))
        )
    return [(r["article"], r["key"], list(r["names"])) for r in records]
