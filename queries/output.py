"""Rows (lists of dicts) printed as an aligned table, CSV, JSON or a Markdown table.

The one place eikg turns results into text: the CLI's tables, CSV and JSON and
the demo report's Markdown all come from ``render`` (and ``dump_json``).
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from typing import Any

from eikg.errors import InputError

FORMATS = ("table", "csv", "json")
#: Widest a table cell's line may be: longer text wraps onto more lines (``--wide``:
#: one line however long); CSV and JSON always keep full values.
CELL_WIDTH = 60


def cell(value: Any) -> str:
    """One value as text: lists joined with '; ', floats to 4 places, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def render(
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    fmt: str = "table",
    width: int | None = CELL_WIDTH,
    *,
    header: bool = True,
    right: Sequence[str] = (),
) -> str:
    """``rows`` as text in ``fmt`` (table, csv or json; markdown for reports);
    ends without a newline.

    Table cells longer than ``width`` wrap onto more lines at spaces, nothing cut
    (None: one line each); ``header`` False leaves out the table's column names
    and rule, and the ``right`` columns are aligned right.

    >>> print(render(["a", "b"], [{"a": 1, "b": ["x", "y"]}]))
    a  b
    -  ----
    1  x; y
    >>> print(render(["a", "b"], [{"a": 1, "b": "x"}, {"a": 10, "b": "y"}], header=False, right=["a"]))
     1  x
    10  y
    >>> print(render(["a"], [{"a": "x|y"}], "markdown"))
    | a |
    | --- |
    | x\\|y |
    >>> print(render(["n", "evidence"], [{"n": 1, "evidence": "one two three four"}], width=9))
    n  evidence
    -  --------
    1  one two
       three
       four
    """
    if fmt == "json":
        return dump_json([{c: r.get(c) for c in columns} for r in rows])
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([cell(r.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    if fmt == "table":
        return _table(columns, rows, width, header, right)
    if fmt == "markdown":
        return _markdown(columns, rows)
    raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def dump_json(value: Any) -> str:
    """Any JSON-able value as indented JSON text, non-ASCII kept as it is."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _table(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], width: int | None, header: bool,
    right: Sequence[str],
) -> str:
    grid = [[_wrap(cell(r.get(c)), width) for c in columns] for r in rows]
    widths = [max([len(c) if header else 0, *(len(part) for row in grid for part in row[i])])
              for i, c in enumerate(columns)]
    lines = [list(columns), ["-" * w for w in widths]] if header else []
    for row in grid:
        for k in range(max(len(parts) for parts in row) if row else 0):
            lines.append([parts[k] if k < len(parts) else "" for parts in row])
    return "\n".join(
        "  ".join(v.rjust(w) if c in right else v.ljust(w) for v, w, c in zip(line, widths, columns)).rstrip()
        for line in lines
    )


def _markdown(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    head = "| " + " | ".join(columns) + " |"
    rule = "|" + "|".join(" --- " for _ in columns) + "|"
    body = ["| " + " | ".join(markdown_cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join([head, rule, *body])


def markdown_cell(value: Any) -> str:
    """One value as Markdown text that cannot break a table row or add markup
    (article text is untrusted): whitespace runs collapse to one space.

    >>> markdown_cell("a | <b>\\nc")
    'a \\\\| &lt;b&gt; c'
    """
    text = "; ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(text: str, width: int | None) -> list[str]:
    text = " ".join(text.split())
    if width is None or len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
