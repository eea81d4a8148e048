"""Extraction on a Dask distributed cluster (``eikg extract --cluster``).

Why Dask: it is plain Python (``pip install dask[distributed]``, no JVM or object
store), its ``LocalCluster`` runs the same code path on one machine and in tests,
a real cluster is one address away (``dask scheduler`` + ``dask worker`` on each
machine), and its scheduler reruns the tasks of a worker that dies.

The client reads the articles and sends them in partitions of ``partition_size``
articles. Each worker loads the eikg pipeline once (:class:`PipelinePlugin`, at
worker start, again if a worker is restarted) and turns a partition into its
articles' drafts (``pipeline.draft_articles``): spaCy and everything that depends
on one article alone. The client finishes the drafts in input order with one
:class:`~eikg.ingest.resolve.Resolver`, so ids, keys and offsets are those of a
single-process ``eikg extract``, and writes each partition as one JSON Lines
shard (``ingest/shards.py``). Partitions in flight are bounded, so memory does
not grow with the input. A worker that dies mid-partition loses nothing: the
scheduler runs the partition again elsewhere (and ``retries`` covers a task that
raised), and a partition is written once, when its result arrives.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import dask
from distributed import Client, LocalCluster, WorkerPlugin

from eikg.errors import InputError
from eikg.ingest.model import DEFAULT_MODEL
from eikg.ingest.pipeline import ExtractSummary, build_pipeline, draft_articles
from eikg.ingest.resolve import Resolver
from eikg.ingest.shards import SHARD_PATTERN, shard_name
from eikg.ingest.sources import read_articles
from eikg.records import Article, Extraction

#: Articles per partition (one task, one shard).
PARTITION_SIZE = 64
#: Times a partition that failed is run again.
RETRIES = 3
#: Dask settings for the workers of a local cluster (a nanny keeps them for the
#: workers it restarts). Dask's defaults cost spaCy about a fifth of its speed,
#: measured with benchmarks/scale.py's corpus: the nanny sets glibc's
#: ``MALLOC_TRIM_THRESHOLD_`` to 64 KiB before spawning a worker, which makes
#: spaCy's many small allocations return memory to the system again and again
#: (one process with it set: 3,800 words/s against 4,350 without); and the
#: statistical profiler samples the worker's thread every 10 ms. ``None`` removes
#: the variable, so glibc keeps its own adaptive threshold.
LOCAL_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}
#: Test hook: when this file exists, the first worker to reach the middle of a
#: partition deletes it and dies, as a killed worker would.
CRASH_ONCE_ENV = "EIKG_DASK_CRASH_ONCE"


@cache
def _pipeline(model: str):
    return build_pipeline(model)


class PipelinePlugin(WorkerPlugin):
    """Loads the eikg pipeline once per worker process, when the worker starts."""

    idempotent = True

    def __init__(self, model: str) -> None:
        self.model = model

    def setup(self, worker: Any) -> None:
        _pipeline(self.model)


def draft_partition(articles: list[Article], model: str, batch_size: int) -> tuple[list[Any], list[str]]:
    """On a worker: the drafts of each article of a partition, and the notices
    (articles extracted in parts) for the client to report."""
    notices: list[str] = []
    drafts = []
    crash = os.environ.get(CRASH_ONCE_ENV)
    for i, (_, merged) in enumerate(
        draft_articles(articles, _pipeline(model), batch_size=batch_size, on_notice=notices.append)
    ):
        if crash and i == len(articles) // 2:
            try:
                os.remove(crash)
            except FileNotFoundError:
                pass
            else:
                os._exit(17)  # the test hook: die mid-partition
        drafts.append(merged)
    return drafts, notices


def _worker_settings() -> tuple[bool, bool]:
    """On a worker: (runs with MALLOC_TRIM_THRESHOLD_ set, runs Dask's profiler)."""
    return (
        os.environ.get("MALLOC_TRIM_THRESHOLD_") is not None,
        bool(dask.config.get("distributed.worker.profile.enabled")),
    )


#: What each of ``_worker_settings``' answers costs, when a worker has it.
_SLOW_SETTINGS = (
    "run with MALLOC_TRIM_THRESHOLD_ set (Dask's default), which slows spaCy by about a tenth",
    "run Dask's profiler, which slows spaCy",
)


def slow_worker_settings(client: Any) -> list[str]:
    """One line per worker setting of ``LOCAL_WORKER_CONFIG`` the cluster's workers
    run without (a cluster started by hand keeps Dask's defaults), naming the
    workers and the README's remedy."""
    found = client.run(_worker_settings)
    out = []
    for n, cost in enumerate(_SLOW_SETTINGS):
        slow = sorted(w for w, settings in found.items() if settings[n])
        if slow:
            out.append(
                f"{len(slow)} of {len(found)} Dask workers ({slow[0]}, ...) {cost}; start them "
                "with the settings in README (Extraction on a cluster)"
            )
    return out


def parse_cluster(address: str) -> tuple[str, int | None]:
    """``local[:N]`` -> ("local", N or None); anything else is a scheduler address.

    >>> parse_cluster("local:2"), parse_cluster("tcp://10.0.0.5:8786")
    (('local', 2), ('tcp://10.0.0.5:8786', None))
    """
    if address == "local" or address.startswith("local:"):
        raw = address.partition(":")[2]
        if raw and (not raw.isdigit() or int(raw) < 1):
            raise InputError(f"--cluster {address!r}: expected local or local:N with N workers >= 1")
        return "local", int(raw) if raw else None
    return address, None


@contextmanager
def open_client(address: str) -> Iterator[Client]:
    """A Dask client, closed on exit: on a new local cluster of worker processes
    (``local[:N]``, one thread each: spaCy holds the GIL; the cluster is shut down
    with the client) or on the scheduler at ``address``."""
    where, workers = parse_cluster(address)
    if where == "local":
        # a nanny reads the environment to set when it starts and passes ``config`` to
        # every worker it starts, restarted ones included; this process keeps its own
        with dask.config.set(LOCAL_WORKER_CONFIG):
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR, config=LOCAL_WORKER_CONFIG,
            )
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(where, timeout="30s")
    except OSError as err:
        raise InputError(f"--cluster {address}: cannot reach the Dask scheduler: {err}") from None
    with client:
        yield client


def _partitions(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while batch := list(islice(it, size)):
        yield batch


def extract_distributed(
    paths: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    client: Any,
    *,
    model: str = DEFAULT_MODEL,
    batch_size: int = 32,
    partition_size: int = PARTITION_SIZE,
    retries: int = RETRIES,
    on_problem: Callable[[str], None] | None = None,
    on_article: Callable[[Extraction], None] | None = None,
) -> ExtractSummary:
    """Extract the articles in ``paths`` on the cluster of ``client`` into JSON Lines
    shards in ``out_dir``, one per partition, in input order.

    The shards read in name order are the lines a single-process ``extract_files``
    writes. ``on_problem`` gets one line per skipped file or JSONL line (and per
    article extracted in parts); ``on_article`` is called as each article is written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out must be a directory with --cluster")
    out.mkdir(parents=True, exist_ok=True)
    stale = sorted(out.glob(SHARD_PATTERN))
    if stale:
        raise InputError(f"{out}: already holds shards ({stale[0].name}, ...); choose an empty directory")
    summary = ExtractSummary()

    def problem(message: str) -> None:
        summary.skipped += 1
        if on_problem is not None:
            on_problem(message)

    client.register_plugin(PipelinePlugin(model), name=f"eikg-pipeline-{model}")
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    if on_problem is not None:
        for notice in slow_worker_settings(client):
            on_problem(notice)
    in_flight = 2 * workers + 1
    resolver = Resolver()
    pending: deque[tuple[int, list[Article], Any]] = deque()
    partitions = enumerate(_partitions(read_articles(paths, on_problem=problem), partition_size))

    def submit() -> bool:
        nxt = next(partitions, None)
        if nxt is None:
            return False
        index, articles = nxt
        future = client.submit(
            draft_partition, articles, model, batch_size, retries=retries, pure=False
        )
        pending.append((index, articles, future))
        return True

    while len(pending) < in_flight and submit():
        pass
    while pending:
        index, articles, future = pending.popleft()
        drafts, notices = future.result()
        future.release()
        for notice in notices:
            if on_problem is not None:
                on_problem(notice)
        with (out / shard_name(index)).open("w", encoding="utf-8") as shard:
            for article, merged in zip(articles, drafts):
                ex = merged.finish(article, resolver)
                summary.write(shard, ex)
                if on_article is not None:
                    on_article(ex)
        submit()
    return summary


def extract_on_cluster(
    paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, address: str, **options: Any
) -> ExtractSummary:
    """:func:`extract_distributed` on a client of ``address`` (``local[:N]`` or a
    scheduler), opened and closed here; ``options`` as for ``extract_distributed``."""
    with open_client(address) as client:
        return extract_distributed(paths, out_dir, client, **options)
