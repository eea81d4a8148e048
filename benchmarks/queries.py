"""Query speed on a synthetic graph: every named query, the NetworkX projection, RDF export.

Builds a synthetic graph of at least 50,000 entities and 200,000 relationships
through eikg's own loader (many articles; entities with a skewed popularity;
every relation type in the shapes ANNOTATION.md allows), then prints in one run:

* the median latency of every named query over varied parameters, as an
  analyst runs it (``eikg.queries.runner.run_query``: entity look-up included),
  after a few warm-up runs, against the target of 100 ms;
* the time to project the whole graph into NetworkX (target 10 s);
* the rate of the streamed N-Triples export (target 50,000 triples/s).

Everything it writes has keys and ids starting ``benchq-`` and is deleted before
and after. The figures include whatever else the database holds, so run it on a
server the tests are not using at the same moment. Connection: the NEO4J_*
environment variables, else the local server eikg manages.

    .venv/bin/python benchmarks/queries.py [--entities 55000] [--relations 210000] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from eikg.graph.connection import connect, resolve_settings
from eikg.graph.loader import load
from eikg.graph.rdf_export import export_rdf
from eikg.queries.project import to_networkx
from eikg.queries.runner import list_queries, run_query
from eikg.records import Article, Entity, EntityType, Evidence, Extraction, Relation, RelationType

HERE = Path(__file__).resolve().parent
PREFIX = "benchq-"  # not the load benchmark's "bench-": both may share a server
TARGET_MS = 100.0
TARGET_PROJECTION_S = 10.0
TARGET_TRIPLES_PER_S = 50_000

ORGS = (EntityType.COLLEGE, EntityType.ENTERPRISE, EntityType.GOVERNMENT, EntityType.ORGANIZATION)
#: share of the entity pool per type
SHARES = {
    EntityType.PERSON: 0.36,
    EntityType.COLLEGE: 0.12,
    EntityType.ENTERPRISE: 0.17,
    EntityType.GOVERNMENT: 0.03,
    EntityType.ORGANIZATION: 0.05,
    EntityType.ALLIANCE: 0.02,
    EntityType.EVENT: 0.23,
    EntityType.PLACE: 0.02,
}
#: relation type -> (head types, tail types, weight)
SHAPES = {
    RelationType.HOLDS_POSITION: ((EntityType.PERSON,), ORGS, 5),
    RelationType.PARTNERS_WITH: (ORGS, ORGS, 6),
    RelationType.MEMBER_OF: (ORGS, (EntityType.ALLIANCE,), 2),
    RelationType.LEADS: (ORGS, (EntityType.ALLIANCE,), 1),
    RelationType.ORGANIZED: (ORGS, (EntityType.EVENT,), 3),
    RelationType.PARTICIPATED_IN: ((EntityType.PERSON, *ORGS), (EntityType.EVENT,), 5),
    RelationType.LOCATED_IN: ((EntityType.EVENT, *ORGS), (EntityType.PLACE,), 3),
    RelationType.VISITED: ((EntityType.PERSON,), ORGS, 2),
    RelationType.PART_OF: (ORGS, ORGS, 1),
}


def pool(total: int) -> dict[EntityType, list[tuple[str, str]]]:
    """(key, name) of every synthetic entity, by type."""
    out = {}
    for kind, share in SHARES.items():
        n = max(10, int(total * share))
        label = kind.value.title()
        out[kind] = [(f"{PREFIX}{kind.value.lower()}-{i}", f"Bench {label} {i}") for i in range(n)]
    return out


def pick(rng: random.Random, items: list) -> object:
    # Skewed popularity: a few entities appear in many articles, most in few.
    return items[min(int(rng.paretovariate(1.2)) - 1, len(items) - 1) if rng.random() < 0.3
                 else rng.randrange(len(items))]


def synthetic(total_entities: int, total_relations: int, per_article: int = 20, seed: int = 11):
    """Extractions whose relations cover every entity of the pool at least once (roughly)."""
    rng = random.Random(seed)
    entities = pool(total_entities)
    kinds = list(SHAPES)
    weights = [SHAPES[k][2] for k in kinds]
    # Walk each type's pool in order first, so every entity is used at least once.
    cursor = {k: 0 for k in entities}

    def choose(kind_options) -> tuple[EntityType, tuple[str, str]]:
        kind = rng.choice(kind_options)
        items = entities[kind]
        if cursor[kind] < len(items):
            cursor[kind] += 1
            return kind, items[cursor[kind] - 1]
        return kind, pick(rng, items)

    articles = total_relations // per_article
    for a in range(articles):
        year = 2019 + a * 7 // articles
        published = f"{year}-{1 + a % 12:02d}-{1 + a % 28:02d}"
        local: dict[str, Entity] = {}
        relations = []
        sentence = f"Synthetic sentence number {a}."
        for _ in range(per_article):
            rel = rng.choices(kinds, weights)[0]
            heads, tails, _ = SHAPES[rel]
            (hk, (hkey, hname)), (tk, (tkey, tname)) = choose(heads), choose(tails)
            if hkey == tkey:
                continue
            ids = []
            for kind, key, name in ((hk, hkey, hname), (tk, tkey, tname)):
                if key not in local:
                    local[key] = Entity(
                        id=f"e{len(local) + 1}", key=key, name=name, type=kind,
                        date=published if kind is EntityType.EVENT else None,
                    )
                ids.append(local[key].id)
            title = "Director" if rel is RelationType.HOLDS_POSITION else None
            relations.append(Relation(ids[0], rel, ids[1], Evidence(sentence, 0, len(sentence)),
                                      title=title, confidence=0.8))
        article = Article(id=f"{PREFIX}a{a}", text=sentence, title=f"Bench article {a}",
                          published=published, publisher="Bench")
        yield Extraction(article, tuple(local.values()), tuple(relations))


def cleanup(driver) -> None:
    text = (HERE / "queries_cleanup.cypher").read_text(encoding="utf-8")
    with driver.session() as session:
        session.run(text, prefix=PREFIX).consume()


def sample_params(driver, runs: int) -> dict[str, list[dict[str, str]]]:
    """Varied parameters for each named query, taken from the synthetic graph."""
    def names(cypher: str) -> list[str]:
        with driver.session() as session:
            return [r["name"] for r in session.run(cypher, prefix=PREFIX, n=runs)]

    orgs = names(
        "MATCH (o:Organization)-[:PARTNERS_WITH]-() WHERE o.key STARTS WITH $prefix "
        "WITH DISTINCT o LIMIT 2000 RETURN o.name AS name ORDER BY rand() LIMIT $n"
    )
    alliances = names(
        "MATCH (a:Alliance) WHERE a.key STARTS WITH $prefix RETURN a.name AS name "
        "ORDER BY rand() LIMIT $n"
    )
    people = names(
        "MATCH (p:Person)-[:HOLDS_POSITION]->() WHERE p.key STARTS WITH $prefix "
        "WITH DISTINCT p LIMIT 2000 RETURN p.name AS name ORDER BY rand() LIMIT $n"
    )
    with_events = names(
        "MATCH (o:Organization)-[:ORGANIZED|PARTICIPATED_IN]->() WHERE o.key STARTS WITH $prefix "
        "WITH DISTINCT o LIMIT 2000 RETURN o.name AS name ORDER BY rand() LIMIT $n"
    )
    with_people = names(
        "MATCH (o:Organization)<-[:HOLDS_POSITION]-() WHERE o.key STARTS WITH $prefix "
        "WITH DISTINCT o LIMIT 2000 RETURN o.name AS name ORDER BY rand() LIMIT $n"
    )
    pairs = list(zip(people, reversed(orgs)))
    return {
        "partners": [{"name": n} for n in orgs],
        "college_enterprise": [{}],
        "alliance_members": [{"name": n} for n in alliances],
        "people_at": [{"name": n} for n in with_people],
        "events_of": [{"name": n} for n in with_events],
        "person_orgs": [{"name": n} for n in people],
        "shortest_connection": [{"source": a, "target": b} for a, b in pairs],
        "top_partners": [{}],
        "timeline": [{}],
    }


#: runs of each query before timing: plan cache, page cache, and the JIT compiling the
#: runtime's hot paths (a long-running server has done so; its first runs are 2-4x slower)
WARMUP = 8


def median_ms(driver, name: str, params: list[dict[str, str]], runs: int) -> float:
    for i in range(WARMUP):
        run_query(driver, name, params[i % len(params)])
    times = []
    for i in range(runs):
        p = params[i % len(params)]
        t = time.perf_counter()
        run_query(driver, name, p)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=55_000)
    parser.add_argument("--relations", type=int, default=230_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true",
                        help="leave the synthetic graph in place, and reuse one left by an earlier --keep")
    parser.add_argument("--load-only", action="store_true", help="build the graph and stop (implies --keep)")
    args = parser.parse_args()

    driver = connect(resolve_settings())
    ok = True
    try:
        args.keep = args.keep or args.load_only
        with driver.session() as s:
            present = s.run(
                "MATCH (a:Article) WHERE a.id STARTS WITH $prefix RETURN count(a) AS c", prefix=PREFIX
            ).single()["c"]
        if args.keep and present >= args.relations // 20:
            print(f"reusing the synthetic graph left by an earlier --keep ({present} articles)")
            load_s, loaded = 0.0, 0
        else:
            cleanup(driver)
            t = time.perf_counter()
            loaded = load(driver, synthetic(args.entities, args.relations)).articles_loaded
            load_s = time.perf_counter() - t
        with driver.session() as s:
            nodes = s.run("MATCH (n) RETURN count(n) AS c").single()["c"]
            rels = s.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
            entity_rels = s.run(
                "MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS c"
            ).single()["c"]
        print(f"graph: {nodes} nodes, {rels} relationships ({entity_rels} between entities); "
              f"loaded in {load_s:.1f} s ({loaded} articles)")
        # The machine is shared: say how busy it was, since every figure depends on it.
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
              + f" on {os.cpu_count()} CPUs")
        if nodes < 50_000 or entity_rels < 200_000:
            print("warning: smaller than the 50,000 nodes / 200,000 relationships asked for")

        if args.load_only:
            return 0
        params = sample_params(driver, args.runs)
        print(f"\nnamed queries: median of {args.runs} runs, entity look-up included (target {TARGET_MS:.0f} ms)")
        for q in list_queries():
            p = params.get(q.name) or [{}]
            ms = median_ms(driver, q.name, p, args.runs)
            verdict = "ok" if ms <= TARGET_MS else "SLOW"
            ok &= ms <= TARGET_MS
            print(f"  {q.name:<22} {ms:8.1f} ms  {verdict}")

        t = time.perf_counter()
        g = to_networkx(driver)
        proj_s = time.perf_counter() - t
        verdict = "ok" if proj_s <= TARGET_PROJECTION_S else "SLOW"
        ok &= proj_s <= TARGET_PROJECTION_S
        print(f"\nprojection to NetworkX: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges "
              f"in {proj_s:.2f} s (target {TARGET_PROJECTION_S:.0f} s)  {verdict}")
        del g

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "graph.nt"
            t = time.perf_counter()
            triples = export_rdf(driver, out, "nt")
            rdf_s = time.perf_counter() - t
            size = out.stat().st_size
        rate = triples / rdf_s
        verdict = "ok" if rate >= TARGET_TRIPLES_PER_S else "SLOW"
        ok &= rate >= TARGET_TRIPLES_PER_S
        print(f"RDF export (N-Triples, streamed): {triples} triples, {size / 1e6:.0f} MB in {rdf_s:.1f} s "
              f"= {rate:,.0f} triples/s (target {TARGET_TRIPLES_PER_S:,})  {verdict}")
    finally:
        if not args.keep:
            cleanup(driver)
        driver.close()
    print("load average at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
