"""`eikg extract --cluster`: real Dask (a local cluster of 2 worker processes), real
spaCy, the dev articles; the shards equal a single-process extraction line for line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError
from eikg.ingest import distributed
from eikg.ingest.distributed import extract_distributed, open_client, parse_cluster
from eikg.ingest.pipeline import build_pipeline, extract_files
from eikg.ingest.shards import extraction_files

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev" / "articles"


@pytest.fixture(scope="module")
def single_process() -> list[str]:
    out = io.StringIO()
    extract_files([DEV], out, nlp=build_pipeline())
    lines = out.getvalue().splitlines()
    assert len(lines) == 15
    return lines


@pytest.fixture(scope="module")
def crash_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hook") / "crash-once"


@pytest.fixture(scope="module")
def client(crash_file):
    # workers inherit the environment when they start: arm the hook's path now
    with pytest.MonkeyPatch.context() as env:
        env.setenv(distributed.CRASH_ONCE_ENV, str(crash_file))
        with open_client("local:2") as c:
            yield c


def _shard_lines(directory: Path) -> list[str]:
    return [line for f in extraction_files([directory]) for line in f.read_text(encoding="utf-8").splitlines()]


def test_cluster_shards_equal_single_process_extraction(client, single_process, tmp_path):
    summary = extract_distributed([DEV], tmp_path / "out", client, partition_size=4)
    assert len(list((tmp_path / "out").glob("part-*.jsonl"))) == 4  # 15 articles, 4 a partition
    assert _shard_lines(tmp_path / "out") == single_process
    assert summary.articles == 15
    assert summary.relations == sum(len(json.loads(line)["relations"]) for line in single_process)


def test_a_worker_killed_mid_partition_loses_and_repeats_nothing(client, single_process, crash_file, tmp_path):
    crash_file.write_text("armed\n")
    before = set(client.scheduler_info()["workers"])
    extract_distributed([DEV], tmp_path / "out", client, partition_size=8)
    assert not crash_file.exists()  # a worker took the hook and died
    assert set(client.scheduler_info()["workers"]) != before  # it left the cluster (its nanny restarts it)
    assert _shard_lines(tmp_path / "out") == single_process


def test_local_workers_run_without_dasks_memory_trim_and_profiler(client):
    # checked after the crash test too (module order): a restarted worker keeps them
    assert set(client.run(distributed._worker_settings).values()) == {(False, False)}
    assert distributed.slow_worker_settings(client) == []


def test_workers_started_with_dasks_defaults_are_named_in_a_notice(monkeypatch):
    from distributed import Client, LocalCluster

    # the nanny writes Dask's value into this process's environment before it spawns:
    # set it here so that the test's end restores the environment for the tests after
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as plain:
        notices = distributed.slow_worker_settings(plain)
    assert len(notices) == 2
    assert "1 of 1 Dask workers" in notices[0] and "MALLOC_TRIM_THRESHOLD_" in notices[0]
    assert "profiler" in notices[1]


def test_cluster_option_needs_an_output_directory_and_a_valid_address(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(DEV), "--cluster", "local:2"])
    assert result.exit_code == 1
    assert "--out DIR" in result.stderr
    with pytest.raises(InputError, match="local:N"):
        parse_cluster("local:zero")


def test_a_directory_of_shards_is_read_in_shard_order_and_an_empty_one_refused(tmp_path):
    for name in ("part-00010.jsonl", "part-00002.jsonl", "notes.txt"):
        (tmp_path / name).write_text("\n", encoding="utf-8")
    files = extraction_files([tmp_path / "part-00010.jsonl", tmp_path])
    assert [p.name for p in files] == ["part-00010.jsonl", "part-00002.jsonl", "part-00010.jsonl"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty: no .jsonl files"):
        extraction_files([tmp_path / "empty"])
