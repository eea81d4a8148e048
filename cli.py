"""The eikg command line: a thin skin over the library.

Each command parses its options, builds settings, makes one library call, prints
the result and exits with a code. Errors of the project's own types and the
driver's connection errors become one line on stderr and exit code 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Optional

import neo4j
import typer
from neo4j.exceptions import DriverError, Neo4jError

from eikg.errors import EikgError
from eikg.graph.connection import Settings, connect, describe_error, resolve_settings

app = typer.Typer(
    name="eikg",
    help="Turn news articles into a knowledge graph of education-industry relationships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> None:
    """Print one line on stderr and exit 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


# Connection options shared by every command that touches the graph:
#   def cmd(uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
#           database: DatabaseOpt = None):
#       with open_graph(uri, user, password, database) as (driver, settings): ...
UriOpt = Annotated[
    Optional[str],
    typer.Option(
        "--uri",
        envvar="NEO4J_URI",
        help="Neo4j URI (bolt:// or neo4j://); default: the local server eikg manages.",
    ),
]
UserOpt = Annotated[
    Optional[str], typer.Option("--user", envvar="NEO4J_USER", help="Neo4j user; default: neo4j.")
]
PasswordOpt = Annotated[
    Optional[str],
    typer.Option(
        "--password",
        envvar="NEO4J_PASSWORD",
        help="Neo4j password; default: the local server's generated password.",
    ),
]
DatabaseOpt = Annotated[
    Optional[str],
    typer.Option("--database", envvar="NEO4J_DATABASE", help="Database; default: the server's."),
]


@contextmanager
def open_graph(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Iterator[tuple[neo4j.Driver, Settings]]:
    """Open a verified driver for a command; eikg and driver errors exit 1 with one line.

    Pass ``settings.database`` as ``database_=`` (or to ``driver.session``).
    """
    try:
        settings = resolve_settings(uri, user, password, database)
        with connect(settings) as driver:
            yield driver, settings
    except EikgError as err:
        fail(str(err))
    except (DriverError, Neo4jError) as err:
        fail(describe_error(err, settings))


@app.callback()
def main() -> None:
    """eikg: education-industry knowledge graph from news articles."""


#: More articles than this get a progress bar.
PROGRESS_THRESHOLD = 5


@app.command("extract")
def extract_command(
    paths: Annotated[
        list[str], typer.Argument(help="Article files (.txt .md .html .jsonl) or directories.")
    ],
    out: Annotated[
        Optional[str], typer.Option("--out", "-o", help="Write JSON Lines here (default: stdout).")
    ] = None,
    model: Annotated[str, typer.Option("--model", help="spaCy model to build on.")] = "en_core_web_sm",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Texts per spaCy batch.")] = 32,
    workers: Annotated[int, typer.Option("--workers", min=1, help="spaCy processes.")] = 1,
) -> None:
    """Extract entities and relations from articles as JSON Lines, one object per article."""
    import sys

    from rich.console import Console
    from rich.progress import Progress

    from eikg.ingest.pipeline import extract_files
    from eikg.ingest.sources import count_articles

    def warn(message: str) -> None:
        typer.echo(f"warning: {message}", err=True)

    total = count_articles(paths)
    progress = Progress(console=Console(stderr=True), disable=total <= PROGRESS_THRESHOLD)
    task = progress.add_task("extracting", total=total)
    try:
        sink = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
    except OSError as err:
        fail(f"cannot write {out}: {err.strerror or err}")
    try:
        with progress:
            summary = extract_files(
                paths, sink, model=model, batch_size=batch_size, workers=workers,
                on_problem=warn, on_article=lambda _: progress.advance(task),
            )
    except EikgError as err:
        fail(str(err))
    finally:
        if out:
            sink.close()
    typer.echo(
        f"extracted {summary.articles} articles, skipped {summary.skipped}: "
        f"{summary.entities} entities, {summary.relations} relations",
        err=True,
    )
    if summary.articles == 0:
        fail("no article could be extracted")


if __name__ == "__main__":  # pragma: no cover
    app()
