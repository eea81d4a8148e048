"""Relation extraction on the dev gold: with the gold entities, and end to end.

    python benchmarks/relations.py            # both tables and the ratio
    python benchmarks/relations.py --errors   # + every missed and spurious relation (gold entities)

Baseline run: the gold entities of ``../shared/corpus/dev/gold.jsonl`` are located in
each article (every occurrence of each name and alias) and handed to the
``eikg_relations`` component as its drafts, after the statistical model has run, so
the scores measure the relation rules alone. End-to-end run: ``eikg eval``'s
scoring of the full pipeline (``ingest.evaluate``). The ratio is end-to-end F1 over
gold-entity F1: the share of relation quality that survives entity errors.

Resolved references ("the college", "our school") are not in the gold aliases, so
the gold-entity run sees fewer mentions than the entity components give.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import eikg.ingest.relations  # noqa: F401  (registers eikg_relations)
from eikg.ingest.drafts import EntityDraft
from eikg.ingest.evaluate import evaluate
from eikg.ingest.model import load_model
from eikg.records import EntityType, RelationType

GOLD = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "dev" / "gold.jsonl"


def locate(text: str, entities: list[dict]) -> dict[str, list[tuple[int, int]]]:
    """Every whole-word occurrence of each gold name and alias, longest first, no overlaps."""
    found = []
    for e in entities:
        for name in {e["name"], *e["aliases"]}:
            for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, flags=re.IGNORECASE):
                found.append((m.start(), m.end(), e["id"]))
    found.sort(key=lambda s: (s[0] - s[1], s[0]))
    taken = bytearray(len(text))
    out: dict[str, list[tuple[int, int]]] = {}
    for start, end, eid in found:
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            out.setdefault(eid, []).append((start, end))
    return out


def gold_entity_scores(gold_path: Path, show_errors: bool) -> dict[str, Counter]:
    nlp = load_model()
    nlp.add_pipe("eikg_relations")
    counts = {"tp": Counter(), "fp": Counter(), "fn": Counter()}
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        text = (gold_path.parent / g["text_file"]).read_text(encoding="utf-8")
        mentions = locate(text, g["entities"])
        drafts = [
            EntityDraft(
                id=e["id"], name=e["name"], type=EntityType(e["type"]), aliases=list(e["aliases"]),
                mentions=sorted(mentions.get(e["id"], [])),
            )
            for e in g["entities"]
        ]
        doc = nlp.make_doc(text)
        for name, proc in nlp.pipeline:
            if name == "eikg_relations":
                doc._.eikg_entities = drafts
            doc = proc(doc)

        def key(head: str, rtype: str, tail: str) -> tuple[str, str, str]:
            if rtype == RelationType.PARTNERS_WITH.value:
                head, tail = sorted((head, tail))
            return head, rtype, tail

        truth = {key(r["head"], r["type"], r["tail"]) for r in g["relations"]}
        predicted = {key(r.head, r.type.value, r.tail) for r in doc._.eikg_relations}
        names = {e["id"]: e["name"] for e in g["entities"]}
        for k in predicted:
            counts["tp" if k in truth else "fp"][k[1]] += 1
        for k in truth - predicted:
            counts["fn"][k[1]] += 1
        if show_errors:
            for label, keys in (("spurious", predicted - truth), ("missed", truth - predicted)):
                for h, t, tl in sorted(keys):
                    print(f"{g['id']} {label:8} {t:16} {names[h][:50]} -> {names[tl][:50]}")
    return counts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    counts = gold_entity_scores(args.gold, args.errors)
    e2e = evaluate(args.gold)
    print(f"{'relation':18} {'gold entities':>20}   {'end to end':>20}   gold")
    print(f"{'':18} {'P':>6} {'R':>6} {'F1':>6}   {'P':>6} {'R':>6} {'F1':>6}")
    for rtype in RelationType:
        t = rtype.value
        p, r, f = prf(counts["tp"][t], counts["fp"][t], counts["fn"][t])
        s = e2e.get("rel:" + t)
        ep, er, ef = (s.p, s.r, s.f1) if s is not None else (0.0, 0.0, 0.0)
        print(f"{t:18} {p:6.3f} {r:6.3f} {f:6.3f}   {ep:6.3f} {er:6.3f} {ef:6.3f}   {counts['tp'][t] + counts['fn'][t]:4d}")
    tp, fp, fn = (sum(counts[c].values()) for c in ("tp", "fp", "fn"))
    p, r, f = prf(tp, fp, fn)
    s = e2e["RELATIONS"]
    print(f"{'RELATIONS':18} {p:6.3f} {r:6.3f} {f:6.3f}   {s.p:6.3f} {s.r:6.3f} {s.f1:6.3f}   {tp + fn:4d}")
    print(f"ratio end-to-end / gold-entity relation F1: {s.f1 / f if f else 0.0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
