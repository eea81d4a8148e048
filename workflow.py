"""From files to the graph: what ``eikg load``, ``eikg ingest`` and the demo run.

The library's stages meet here, at the edge where files are read:
``read_extractions`` decodes ``eikg extract`` output into typed records (a bad
line or field is one warning naming the file and line; the rest goes on), and
``ingest`` runs articles -> spaCy extraction -> the graph loader. Both hand the
loader (:func:`eikg.graph.loader.load`) nothing but
:class:`~eikg.records.Extraction` records.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import neo4j

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
