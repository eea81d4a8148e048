"""From files to the graph: what ``eikg load``, ``eikg ingest`` and the demo run.

The library's stages meet here, at the edge where files are read:
``read_extractions`` decodes ``eikg extract`` output into typed records (a bad
line or field is one warning naming the file and line; the rest goes on), and
``ingest`` runs articles -> spaCy extraction -> the graph loader, and ``LoadJob``
is ``eikg load``: files checked readable (and their articles counted, for a
progress bar) before anything connects, then streamed through the loader with
the merge decisions every load re-applies. All hand the
loader (:func:`eikg.graph.loader.load`) nothing but
:class:`~eikg.records.Extraction` records.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import neo4j

from eikg.errors import InputError
from eikg.graph.connection import Settings
from eikg.graph.decisions import MERGES_FILE, load_redirects
from eikg.graph.loader import BATCH_SIZE, LoadSummary, Redirect, Warn, ignore, load
from eikg.ingest.shards import extraction_files
from eikg.records import DEFAULT_MIN_CONFIDENCE, Extraction, at_confidence, from_json, jsonl_lines

if TYPE_CHECKING:
    from eikg.graph.bulk import BulkSummary, PlannedArticle


def read_extractions(path: Path | str, warn: Warn = ignore) -> Iterator[Extraction]:
    """Stream the articles of an ``eikg extract`` JSON Lines file as Extractions.

    Each keeps the ``content_hash`` its line records (a line without one is told
    apart by what was extracted) and ``file:line`` as its source. A line that is
    not a JSON object with an article id, and each entity or relation in a line
    that cannot be decoded, gets one ``warn`` naming ``file:line`` and is left out.
    """
    for n, line in jsonl_lines(path):
        ex = decode_line(f"{path}:{n}", line, warn)
        if ex is not None:
            yield ex


def decode_line(where: str, line: str, warn: Warn = ignore) -> Extraction | None:
    """One line of ``eikg extract`` output as an Extraction whose source is ``where``
    (``file:line``); None, with one ``warn``, for a line that is not an article."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        warn(f"{where}: malformed JSON: {err.msg} (column {err.colno})")
        return None
    if not isinstance(obj, dict):
        warn(f"{where}: expected a JSON object, got {type(obj).__name__}")
        return None
    if not isinstance(obj.get("id"), (str, int)) or str(obj["id"]) == "":
        warn(f"{where}: no article id")
        return None
    ex = from_json(obj, on_problem=lambda message: warn(f"{where}: {message}"))
    return replace(ex, article=replace(ex.article, source=where))


def ingest(
    driver: neo4j.Driver,
    paths: Iterable[str | Path],
    *,
    database: str | None = None,
    force: bool = False,
    redirects: Mapping[str, Redirect] | None = None,
    model: str | None = None,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    warn: Warn = ignore,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> LoadSummary:
    """Read the articles in ``paths``, extract them with spaCy and load the result.

    ``workers`` > 1 runs spaCy in that many processes (the load stays one writer).
    Entities and relations below ``min_confidence`` stay out of the graph.
    ``warn`` gets one line per file, JSONL line or relation that was skipped.
    """
    # here, not at the top: reading extract output (eikg load) needs no spaCy
    from eikg.ingest.model import DEFAULT_MODEL
    from eikg.ingest.pipeline import extract
    from eikg.ingest.sources import read_articles

    articles = read_articles(paths, on_problem=warn)

    def extracted() -> Iterator[Extraction]:
        # extraction is the slow part: count progress as articles leave spaCy
        for ex in extract(articles, model=model or DEFAULT_MODEL, workers=workers):
            yield at_confidence(ex, min_confidence)
            if progress is not None:
                progress(1)

    return load(
        driver,
        extracted(),
        database=database,
        force=force,
        redirects=redirects,
        batch_size=batch_size,
        warn=warn,
    )


@dataclass(frozen=True)
class LoadReport:
    """What one ``LoadJob.run`` (or ``run_bulk``) did: the loader's summary and the
    lines it could not use."""

    summary: LoadSummary | BulkSummary
    bad_rows: int

    def __str__(self) -> str:
        return f"{self.summary}; bad rows {self.bad_rows}"


def _count_lines(path: str) -> int:
    """Non-blank lines of a file: one article each (undecodable bytes still count)."""
    with Path(path).open(encoding="utf-8", errors="replace") as handle:
        return sum(1 for line in handle if line.strip())


class _BadRows:
    """A ``warn`` callback that counts the lines and items left out, passing each on."""

    def __init__(self, warn: Callable[[str], None] | None) -> None:
        self.warn = warn
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        if self.warn is not None:
            self.warn(message)


@dataclass(frozen=True)
class LoadJob:
    """Extraction files to load, checked readable, with the merge decisions to apply."""

    files: tuple[str, ...]
    articles: int  # non-blank lines: one article each
    redirects: Mapping[str, Redirect]

    @classmethod
    def read(cls, files: Iterable[str], merges: Path | str = MERGES_FILE) -> LoadJob:
        """Count the files' articles and read ``merges``; InputError names a file it cannot read.

        A directory stands for its ``*.jsonl`` files in name order (the shards of
        ``eikg extract --cluster``)."""
        files = tuple(str(f) for f in extraction_files(files))
        try:
            articles = sum(_count_lines(f) for f in files)
        except OSError as err:
            raise InputError(f"{err.filename}: cannot read: {err.strerror}") from None
        return cls(files, articles, load_redirects(merges))

    def run(
        self,
        driver: neo4j.Driver,
        *,
        database: str | None = None,
        force: bool = False,
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> LoadReport:
        """Load every article of the files; ``warn`` gets one line per line or item left out."""
        counter = _BadRows(warn)
        items = chain.from_iterable(read_extractions(f, counter) for f in self.files)
        summary = load(
            driver, items, database=database, force=force, redirects=self.redirects,
            batch_size=batch_size, progress=progress, warn=counter,
        )
        return LoadReport(summary, counter.count)

    def run_bulk(
        self,
        settings: Settings,
        *,
        progress: Callable[[int], None] | None = None,
        warn: Callable[[str], None] | None = None,
        workers: int | None = None,
    ) -> LoadReport:
        """A first load of the files into the empty database of the local server
        through Neo4j's importer (:func:`eikg.graph.bulk.bulk_load`). The articles are
        decoded and planned in ``workers`` processes (default: one per core from
        ``PARALLEL_PLANNING`` articles on, else in this process)."""
        from eikg.graph.bulk import bulk_load

        counter = _BadRows(warn)
        if workers is None:
            workers = (os.cpu_count() or 1) if self.articles >= PARALLEL_PLANNING else 1
        if workers > 1:
            items = planned_in_processes(self.files, self.redirects, counter, workers=workers)
        else:
            items = chain.from_iterable(read_extractions(f, counter) for f in self.files)
        summary = bulk_load(items, settings, redirects=self.redirects, progress=progress, warn=counter)
        return LoadReport(summary, counter.count)


#: Articles from which ``eikg load --bulk`` plans in worker processes by default
#: (below it, starting them costs more than it saves).
PARALLEL_PLANNING = 2_000
#: Lines a planning worker takes at a time.
PLANNING_CHUNK = 256

_worker_state: dict[str, Any] = {}


def _start_planner(redirects: Mapping[str, Redirect]) -> None:
    from eikg.graph.loader import PlanNames
    from eikg.graph.ontology import vocabulary

    _worker_state.update(redirects=redirects, names=PlanNames.of(vocabulary()))


def _plan_lines(path: str, lines: list[tuple[int, str]]) -> list[tuple[PlannedArticle | None, list[str]]]:
    """In a worker: each line decoded and planned, with the warnings it gave, in order."""
    from eikg.graph.bulk import plan_for_import

    out: list[tuple[PlannedArticle | None, list[str]]] = []
    for n, line in lines:
        notes: list[str] = []
        ex = decode_line(f"{path}:{n}", line, notes.append)
        planned = None
        if ex is not None:
            planned = plan_for_import(ex, _worker_state["names"], _worker_state["redirects"], notes.append)
        out.append((planned, notes))
    return out


def planned_in_processes(
    files: Iterable[str], redirects: Mapping[str, Redirect], warn: Warn = ignore, *, workers: int = 2,
    chunk: int = PLANNING_CHUNK,
) -> Iterator[PlannedArticle]:
    """The articles of ``files``, decoded and planned for the import files in
    ``workers`` processes, in input order, each line's warnings given to ``warn`` in
    order too: what ``read_extractions`` and the bulk planner give in one process.
    At most ``2 * workers`` chunks are in flight, so memory does not grow with the input."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding driver sockets
    with context.Pool(workers, initializer=_start_planner, initargs=(dict(redirects),)) as pool:
        pending: deque[Any] = deque()

        def results() -> Iterator[PlannedArticle]:
            for planned, notes in pending.popleft().get():
                for note in notes:
                    warn(note)
                if planned is not None:
                    yield planned

        for path in files:
            lines = jsonl_lines(path)
            while batch := list(islice(lines, chunk)):
                pending.append(pool.apply_async(_plan_lines, (str(path), batch)))
                if len(pending) >= 2 * workers:
                    yield from results()
        while pending:
            yield from results()
