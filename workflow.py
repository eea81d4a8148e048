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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

import neo4j

from eikg.errors import InputError
from eikg.graph.decisions import MERGES_FILE, load_redirects
from eikg.graph.loader import BATCH_SIZE, LoadSummary, Redirect, Warn, load
from eikg.records import DEFAULT_MIN_CONFIDENCE, Extraction, at_confidence, from_json, jsonl_lines


def _ignore(message: str) -> None:
    pass


def read_extractions(path: Path | str, warn: Warn = _ignore) -> Iterator[Extraction]:
    """Stream the articles of an ``eikg extract`` JSON Lines file as Extractions.

    Each keeps the ``content_hash`` its line records (a line without one is told
    apart by what was extracted) and ``file:line`` as its source. A line that is
    not a JSON object with an article id, and each entity or relation in a line
    that cannot be decoded, gets one ``warn`` naming ``file:line`` and is left out.
    """
    for n, line in jsonl_lines(path):
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            warn(f"{where}: malformed JSON: {err.msg} (column {err.colno})")
            continue
        if not isinstance(obj, dict):
            warn(f"{where}: expected a JSON object, got {type(obj).__name__}")
            continue
        if not isinstance(obj.get("id"), (str, int)) or str(obj["id"]) == "":
            warn(f"{where}: no article id")
            continue
        ex = from_json(obj, on_problem=lambda message, where=where: warn(f"{where}: {message}"))
        yield replace(ex, article=replace(ex.article, source=where))


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
    warn: Warn = _ignore,
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
    """What one ``LoadJob.run`` did: the loader's summary and the lines it could not use."""

    summary: LoadSummary
    bad_rows: int

    def __str__(self) -> str:
        return f"{self.summary}; bad rows {self.bad_rows}"


@dataclass(frozen=True)
class LoadJob:
    """Extraction files to load, checked readable, with the merge decisions to apply."""

    files: tuple[str, ...]
    articles: int  # non-blank lines: one article each
    redirects: Mapping[str, Redirect]

    @classmethod
    def read(cls, files: Iterable[str], merges: Path | str = MERGES_FILE) -> LoadJob:
        """Count the files' articles and read ``merges``; InputError names a file it cannot read."""
        files = tuple(files)
        try:
            articles = sum(
                1 for f in files for line in Path(f).open(encoding="utf-8", errors="replace") if line.strip()
            )
            redirects = load_redirects(merges)
        except OSError as err:
            raise InputError(f"{err.filename}: cannot read: {err.strerror}") from None
        return cls(files, articles, redirects)

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
        bad = 0

        def bad_row(message: str) -> None:
            nonlocal bad
            bad += 1
            if warn is not None:
                warn(message)

        items = chain.from_iterable(read_extractions(f, bad_row) for f in self.files)
        summary = load(
            driver, items, database=database, force=force, redirects=self.redirects,
            batch_size=batch_size, progress=progress, warn=bad_row,
        )
        return LoadReport(summary, bad)
