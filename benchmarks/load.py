"""Load speed: eikg's batched loader against one MERGE per row, in one run.

Generates a synthetic extraction (many articles, entities repeated across them
with a skewed popularity, every relation type) and writes it as ``eikg extract``
JSON Lines; loads that file with eikg's loader (``read_extractions`` + ``load``,
what ``eikg load`` runs, timed from reading the file) and, on a sample, with one
auto-committed ``MERGE`` statement per relation (the usual tutorial approach),
then prints both rates (extracted relations per second) and their ratio.

For scale it also measures the server's ceiling on this machine: the same
relationships the loader writes (one per relation, one MENTIONS per article and
entity), as bare ``CREATE`` statements between the loaded nodes (no ``MERGE``, no
properties, no provenance) in transactions of the loader's size. No Cypher loader
that writes those relationships can beat that rate, whatever it skips.

Everything it writes carries the key prefix ``bench-`` and is deleted before and
after, so it can share a server with the tests; on the local server it takes the
tests' lock, so no test run empties the database under it. Connection: the
NEO4J_* environment variables, else the local server eikg manages.

    .venv/bin/python benchmarks/load.py [--articles 5000] [--relations-per-article 20]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path

from eikg.graph.connection import connect, resolve_settings
from eikg.graph.loader import BATCH_SIZE, load
from eikg.graph.ontology import vocabulary
from eikg.graph.schema import ensure_schema
from eikg.graph.server import manager
from eikg.records import (
    Article,
    Entity,
    EntityType,
    Evidence,
    Extraction,
    Relation,
    RelationType,
    Span,
    to_json,
)
from eikg.workflow import read_extractions

PREFIX = "bench-"
HERE = Path(__file__).resolve().parent
TARGET_RATE = 20_000
TARGET_RATIO = 10.0

ORGS = (
    EntityType.COLLEGE,
    EntityType.ENTERPRISE,
    EntityType.GOVERNMENT,
    EntityType.ORGANIZATION,
)
#: entities of each type in the pool the articles draw from
POOL = {
    EntityType.PERSON: 8000,
    EntityType.COLLEGE: 2500,
    EntityType.ENTERPRISE: 3500,
    EntityType.GOVERNMENT: 600,
    EntityType.ORGANIZATION: 900,
    EntityType.ALLIANCE: 250,
    EntityType.EVENT: 6000,
    EntityType.PLACE: 400,
}
#: relation type -> (head types, tail types), as ANNOTATION.md allows
SHAPES = {
    RelationType.HOLDS_POSITION: ((EntityType.PERSON,), ORGS),
    RelationType.PARTNERS_WITH: (ORGS, ORGS),
    RelationType.MEMBER_OF: (ORGS, (EntityType.ALLIANCE,)),
    RelationType.LEADS: (ORGS, (EntityType.ALLIANCE,)),
    RelationType.ORGANIZED: (ORGS, (EntityType.EVENT,)),
    RelationType.PARTICIPATED_IN: ((EntityType.PERSON, *ORGS), (EntityType.EVENT,)),
    RelationType.LOCATED_IN: ((EntityType.EVENT, *ORGS), (EntityType.PLACE,)),
    RelationType.VISITED: ((EntityType.PERSON,), ORGS),
    RelationType.PART_OF: (ORGS, ORGS),
}
WEIGHTS = {
    RelationType.HOLDS_POSITION: 5,
    RelationType.PARTNERS_WITH: 5,
    RelationType.MEMBER_OF: 2,
    RelationType.LEADS: 1,
    RelationType.ORGANIZED: 3,
    RelationType.PARTICIPATED_IN: 5,
    RelationType.LOCATED_IN: 3,
    RelationType.VISITED: 1,
    RelationType.PART_OF: 1,
}


def synthetic_corpus(articles: int, per_article: int, seed: int = 7) -> list[Extraction]:
    """Articles naming entities from a shared pool (popular ones often), with relations."""
    return list(iter_synthetic_corpus(articles, per_article, seed))


def iter_synthetic_corpus(articles: int | None, per_article: int, seed: int = 7) -> Iterator[Extraction]:
    """``synthetic_corpus`` one article at a time (``articles`` None: without end)."""
    rng = random.Random(seed)
    types = list(WEIGHTS)
    weights = [WEIGHTS[t] for t in types]

    def pick(etype: EntityType) -> int:
        # skewed popularity: a few entities appear in many articles, most in few
        if etype is EntityType.EVENT:
            return rng.randrange(POOL[etype])
        return int(POOL[etype] * rng.random() ** 2)

    for a in range(articles) if articles is not None else count():
        published = f"20{20 + a % 6}-{1 + a % 12:02d}-{1 + a % 28:02d}"
        entities: dict[tuple[EntityType, int], Entity] = {}

        def entity(etype: EntityType) -> str:
            n = pick(etype)
            if (etype, n) not in entities:
                name = f"{etype.value.title()} {n}"
                entities[(etype, n)] = Entity(
                    id=f"e{len(entities) + 1}",
                    key=f"{PREFIX}{etype.value.lower()}:{n}",
                    name=name,
                    type=etype,
                    aliases=(f"{etype.value[:3]}{n}",) if n % 3 == 0 else (),
                    mentions=(Span(0, len(name)),),
                    date=published if etype is EntityType.EVENT else None,
                )
            return entities[(etype, n)].id

        relations = []
        for r in range(per_article):
            rtype = rng.choices(types, weights)[0]
            heads, tails = SHAPES[rtype]
            head = entity(rng.choice(heads))
            tail = entity(rng.choice(tails))
            if head == tail:
                continue
            sentence = f"Sentence {r} of synthetic article {a} states that {head} {rtype.value} {tail}."
            relations.append(
                Relation(
                    head=head,
                    type=rtype,
                    tail=tail,
                    evidence=Evidence(sentence, r * 100, r * 100 + len(sentence)),
                    title="Director" if rtype is RelationType.HOLDS_POSITION else None,
                    confidence=round(0.5 + rng.random() / 2, 2),
                )
            )
        article = Article(
            id=f"{PREFIX}{a:06d}",
            text=f"synthetic article {a}",
            title=f"Synthetic article {a}",
            published=published,
            publisher="Benchmark Daily",
        )
        yield Extraction(article, tuple(entities.values()), tuple(relations))


def server_cpu(settings) -> float | None:
    """CPU seconds the local Neo4j process has used (None for a remote server)."""
    pid = manager.running_pid() if settings.local else None
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cleanup(driver, database: str | None) -> None:
    text = (HERE / "load_cleanup.cypher").read_text(encoding="utf-8")
    with driver.session(database=database) as session:
        session.run(text, prefix=PREFIX).consume()


def row_by_row(driver, corpus: list[Extraction], limit: int, database: str | None) -> tuple[int, float]:
    """One auto-committed MERGE statement per relation, as tutorials do."""
    template = (HERE / "load_row_by_row.cypher").read_text(encoding="utf-8")
    vocab = vocabulary()
    statements = {t: template.replace("__TYPE__", vocab.relationship_types[t]) for t in RelationType}
    done = 0
    start = time.perf_counter()
    with driver.session(database=database) as session:
        for ex in corpus:
            for r in ex.relations:
                head, tail = ex.entity(r.head), ex.entity(r.tail)
                session.run(
                    statements[r.type],
                    head=head.key.replace(PREFIX, PREFIX + "row-", 1),
                    tail=tail.key.replace(PREFIX, PREFIX + "row-", 1),
                    headName=head.name,
                    tailName=tail.name,
                    article=ex.article.id,
                    sentence=r.evidence.sentence,
                ).consume()
                done += 1
                if done >= limit:
                    return done, time.perf_counter() - start
    return done, time.perf_counter() - start


def ceiling(driver, corpus: list[Extraction], batch: int, database: str | None) -> tuple[int, float]:
    """Bare CREATE of one relationship per relation and per article-entity mention."""
    mentions = (HERE / "load_ceiling_mentions.cypher").read_text(encoding="utf-8")
    relations = (HERE / "load_ceiling_relations.cypher").read_text(encoding="utf-8")

    def write(text: str, rows: list[dict[str, str]]) -> None:
        with driver.session(database=database) as session:
            session.execute_write(lambda tx: tx.run(text, rows=rows).consume())

    done = 0
    start = time.perf_counter()
    m_rows: list[dict[str, str]] = []
    r_rows: list[dict[str, str]] = []
    for i, ex in enumerate(corpus, 1):
        m_rows.extend({"a": ex.article.id, "e": e.key} for e in ex.entities)
        r_rows.extend(
            {"h": ex.entity(r.head).key, "t": ex.entity(r.tail).key} for r in ex.relations
        )
        if len(m_rows) + len(r_rows) >= batch or i == len(corpus):
            write(mentions, m_rows)
            write(relations, r_rows)
            done += len(m_rows) + len(r_rows)
            m_rows, r_rows = [], []
    return done, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--relations-per-article", type=int, default=21)
    parser.add_argument("--row-sample", type=int, default=5000, help="relations loaded row by row")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args()

    corpus = synthetic_corpus(args.articles, args.relations_per_article)
    relations = sum(len(ex.relations) for ex in corpus)
    mentions = sum(len(ex.entities) for ex in corpus)
    print(
        f"synthetic extraction: {len(corpus)} articles, {relations} relations, "
        f"{mentions} entity mentions"
    )
    folder = tempfile.TemporaryDirectory(prefix="eikg-bench-")
    path = Path(folder.name) / "extraction.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for ex in corpus:
            out.write(json.dumps(to_json(ex), ensure_ascii=False) + "\n")
    print(f"written to {path} ({path.stat().st_size / 1e6:.0f} MB)")
    settings = resolve_settings()
    if settings.local:  # take turns with test runs (tests/conftest.py holds this lock)
        lock = (manager.default_store() / "eikg-tests.lock").open("a")
        fcntl.flock(lock, fcntl.LOCK_EX)
    with connect(settings) as driver:
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
        db = settings.database
        ensure_schema(driver, db)
        cleanup(driver, db)
        try:
            # A server just started ran its first load about half as fast (33 s against
            # 16 s here: its JIT and query caches were cold), which the ceiling and
            # row-by-row runs after it never pay: warm it on a tenth of the corpus.
            load(driver, corpus[: max(1, len(corpus) // 10)], database=db, batch_size=args.batch_size)
            cleanup(driver, db)
            start, cpu, server = time.perf_counter(), time.process_time(), server_cpu(settings)
            summary = load(
                driver, read_extractions(path), database=db, batch_size=args.batch_size
            )
            eikg_seconds = time.perf_counter() - start
            eikg_rate = summary.relations_read / eikg_seconds
            print(
                f"eikg loader:  {summary.relations_read} relations in {eikg_seconds:.1f} s = "
                f"{eikg_rate:,.0f} relations/s ({summary.nodes_created} nodes, "
                f"{summary.relationships_created} relationships created = "
                f"{summary.relationships_created / eikg_seconds:,.0f} relationships/s)"
            )
            python_cpu = time.process_time() - cpu
            if server is not None:
                server = server_cpu(settings) - server
                print(
                    f"  CPU used: loader {python_cpu:.1f} s, Neo4j {server:.1f} s "
                    f"({summary.relations_read / (python_cpu + server):,.0f} relations per CPU-second)"
                )
            start = time.perf_counter()
            again = load(driver, read_extractions(path), database=db, batch_size=args.batch_size)
            print(
                f"eikg reload (all unchanged): {again.articles_skipped} skipped, "
                f"{again.nodes_created + again.relationships_created} created, "
                f"{time.perf_counter() - start:.1f} s"
            )
            written, bare_seconds = ceiling(driver, corpus, args.batch_size, db)
            bare_rate = written / bare_seconds
            print(
                f"server ceiling (bare CREATE, no MERGE or properties): {written} relationships "
                f"in {bare_seconds:.1f} s = {bare_rate:,.0f} relationships/s, i.e. at most "
                f"{relations / bare_seconds:,.0f} relations/s for {written / relations:.1f} "
                f"relationships per relation; eikg reaches {eikg_rate * bare_seconds / relations:.0%} of it"
            )
            done, row_seconds = row_by_row(driver, corpus, args.row_sample, db)
            row_rate = done / row_seconds
            print(
                f"row by row:   {done} relations in {row_seconds:.1f} s = {row_rate:,.0f} relations/s"
                + (
                    f" (a sample; all {relations} would take about {relations / row_rate:.0f} s)"
                    if done < relations
                    else ""
                )
            )
            ratio = eikg_rate / row_rate
            print(f"ratio: {ratio:.1f}x")
            print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            ok = eikg_rate >= TARGET_RATE and ratio >= TARGET_RATIO
            print(
                f"targets: >= {TARGET_RATE:,} relations/s and >= {TARGET_RATIO:.0f}x: "
                + ("met" if ok else "NOT met")
            )
        finally:
            cleanup(driver, db)
            folder.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
