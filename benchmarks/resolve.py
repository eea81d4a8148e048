"""Resolution speed: cross-article linkage (ingest/linkage.py, Splink on DuckDB) of
N synthetic organisations, a tenth of them with a variant of another's name (glued
spelling, legal form, plural, a tied abbreviation), against the baseline of
comparing every pair: prints time, peak memory, the pairs blocking let through and
how many of the planted duplicates were found.

Run: .venv/bin/python benchmarks/resolve.py [--n 100000]
Exit code 1 when resolution takes longer than the target or compares more than
1/1000 of all pairs.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time

from eikg.ingest.linkage import Candidate, link
from eikg.ingest.resolution_gold import score_clusters
from eikg.records import EntityType

TARGET_S = 120.0
SYLLABLES = "ka lo mi ra ten vor pel dun sa ri bo lek mar tos vin ga hu zel por ni".split()
KINDS = [
    (EntityType.COLLEGE, "{} Polytechnic"),
    (EntityType.COLLEGE, "{} University of Technology"),
    (EntityType.ENTERPRISE, "{} Technologies Co., Ltd."),
    (EntityType.ENTERPRISE, "{} Machinery Group"),
    (EntityType.GOVERNMENT, "{} Education Bureau"),
    (EntityType.ORGANIZATION, "{} Industry Association"),
]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def unique_word(i: int) -> str:
    """A word no other organisation has (syllables spell the number i)."""
    out = ""
    while True:
        i, digit = divmod(i, len(SYLLABLES))
        out += SYLLABLES[digit]
        if not i:
            return out.capitalize()


def synthetic(n: int, seed: int = 7) -> tuple[list[Candidate], set[tuple[str, str]]]:
    rng = random.Random(seed)
    out: list[Candidate] = []
    planted = set()
    places = [word(rng).lower() for _ in range(500)]
    for i in range(n):
        if i and rng.random() < 0.1:  # a variant of an earlier organisation
            base = out[rng.randrange(len(out))]
            kind = rng.randrange(3)
            if kind == 0:
                name = base.name.replace(" ", "", 1)
            elif kind == 1:
                name = base.name.replace("Technologies Co., Ltd.", "Technology Co.LTD").replace("Group", "Group Co., Ltd.")
            else:
                abbr = "".join(w[0] for w in base.name.split()).upper() + str(i)
                base.forms.append(abbr)
                name = abbr
            c = Candidate(f"k{i}", name, base.type, [name], [f"a{i}"], set(base.places), set())
            planted.add((base.key, c.key))
        else:
            etype, pattern = KINDS[rng.randrange(len(KINDS))]
            # names share common words but never coincide by chance
            name = pattern.format(f"{word(rng)} {unique_word(i)}")
            c = Candidate(f"k{i}", name, etype, [name], [f"a{i}"], {rng.choice(places)}, set())
        out.append(c)
    return out, planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    candidates, planted = synthetic(args.n)
    start = time.perf_counter()
    found = link(candidates)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    merged = {d.drop: d.keep for d in found.decisions}
    truth = {c.key: c.key for c in candidates}  # planted variants join their base's cluster
    for base, variant in sorted(planted, key=lambda p: int(p[1][1:])):
        truth[variant] = truth[base]
    scores = score_clusters(truth, {c.key: merged.get(c.key, c.key) for c in candidates})
    all_pairs = args.n * (args.n - 1) // 2
    print(f"{args.n} organisations resolved in {elapsed:.1f} s (target {TARGET_S:.0f} s), peak RSS {peak_mb:.0f} MB")
    print(f"pairs compared {found.compared:,} of {all_pairs:,} ({found.compared / all_pairs:.2e} of all pairs)")
    print(
        f"merges {len(found.decisions):,}, for review {len(found.review):,}; against the planted "
        f"duplicates: pairwise precision {scores.pairwise_precision:.3f}, recall {scores.pairwise_recall:.3f}"
    )
    ok = elapsed <= TARGET_S and found.compared <= all_pairs / 1000
    print("ok" if ok else "SLOW")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
