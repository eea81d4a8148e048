"""``eikg extract`` output files into the graph: the file side of ``eikg load``.

``LoadJob.read`` checks the files before anything connects (each readable, and
how many articles they hold, for a progress bar) and reads the merge decisions
every load re-applies; ``LoadJob.run`` streams the files' articles through the
loader. A line that is not an article is reported and counted, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import neo4j

from eikg.errors import InputError
from eikg.graph.loader import BATCH_SIZE, LoadSummary, Redirect, load, read_extractions
from eikg.graph.merges import MERGES_FILE, load_redirects


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
