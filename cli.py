"""The eikg command line: a thin skin over the library.

Each command parses its options, builds settings, makes one library call, prints
the result and exits with a code. Errors of the project's own types and the
driver's connection errors become one line on stderr and exit code 1.
"""

from __future__ import annotations

import typer

from eikg.errors import EikgError

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


@app.callback()
def main() -> None:
    """eikg: education-industry knowledge graph from news articles."""


if __name__ == "__main__":  # pragma: no cover
    app()
