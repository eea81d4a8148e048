"""Two `eikg load` processes over the same input at once give the graph one load gives.

Real processes against the real Neo4j: the second writer of an article waits for the
first (each load claims its articles before reading their state), then skips what the
first stored; on a database without the schema, both create it without failing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_loader import snapshot

from eikg.graph.loader import load
from eikg.records import to_json
from eikg.workflow import read_extractions

ROOT = Path(__file__).resolve().parents[1]
ARTICLES, PER_ARTICLE, BATCH = 600, 8, "40"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Synthetic extractions (benchmarks/load.py's generator: entities shared across
    articles with a skewed popularity), written as `eikg extract` writes them."""
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "benchmarks" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("concurrent") / "extraction.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for ex in module.synthetic_corpus(ARTICLES, PER_ARTICLE):
            out.write(json.dumps(to_json(ex), ensure_ascii=False) + "\n")
    return path


def _drop_schema(driver) -> None:
    with driver.session() as s:
        for name in s.run("SHOW CONSTRAINTS YIELD name RETURN name").value():
            s.run(f"DROP CONSTRAINT `{name}`").consume()
        for name in s.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name").value():
            s.run(f"DROP INDEX `{name}`").consume()
        assert s.run("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n").single()["n"] == 0


def _two_loads_at_once(corpus: Path, tmp_path: Path) -> list[str]:
    eikg = str(Path(sys.executable).with_name("eikg"))
    command = [eikg, "load", str(corpus), "--batch-size", BATCH, "--merges", str(tmp_path / "none.jsonl")]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    for proc, output in zip(procs, outputs):
        assert proc.returncode == 0, output
    return outputs


def test_two_loads_of_the_same_file_on_a_non_empty_database_equal_one(driver, clean_db, corpus, tmp_path):
    load(driver, read_extractions(corpus), batch_size=int(BATCH))
    expected = snapshot(driver)
    driver.execute_query("MATCH (n) DETACH DELETE n")
    first = list(read_extractions(corpus))[:20]  # the database holds part of the input already
    load(driver, first, batch_size=int(BATCH))

    outputs = _two_loads_at_once(corpus, tmp_path)
    assert snapshot(driver) == expected
    loaded = [int(m) for out in outputs for m in re.findall(r"articles loaded (\d+) \(replaced 0\)", out)]
    assert len(loaded) == 2 and sum(loaded) == ARTICLES - len(first), outputs  # each written once


def test_two_loads_on_a_database_without_schema_both_finish_and_equal_one(driver, clean_db, corpus, tmp_path):
    load(driver, read_extractions(corpus), batch_size=int(BATCH))
    expected = snapshot(driver)
    driver.execute_query("MATCH (n) DETACH DELETE n")
    _drop_schema(driver)

    _two_loads_at_once(corpus, tmp_path)
    assert snapshot(driver) == expected
    with driver.session() as s:
        constraints = s.run("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n").single()["n"]
    assert constraints > 0
