"""Rows (lists of dicts) printed as an aligned table, CSV or JSON."""

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
) -> str:
    """``rows`` as text in ``fmt`` (table, csv or json); ends without a newline.

    Table cells longer than ``width`` wrap onto more lines at spaces, nothing cut
    (None: one line each).

    >>> print(render(["a", "b"], [{"a": 1, "b": ["x", "y"]}]))
    a  b
    -  ----
    1  x; y
    >>> print(render(["n", "evidence"], [{"n": 1, "evidence": "one two three four"}], width=9))
    n  evidence
    -  --------
    1  one two
       three
       four
    """
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False,
                          indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([cell(r.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    if fmt == "table":
        grid = [[_wrap(cell(r.get(c)), width) for c in columns] for r in rows]
        widths = [max([len(c), *(len(part) for row in grid for part in row[i])]) for i, c in enumerate(columns)]
        lines = [list(columns), ["-" * w for w in widths]]
        for row in grid:
            for k in range(max(len(parts) for parts in row) if row else 0):
                lines.append([parts[k] if k < len(parts) else "" for parts in row])
        return "\n".join("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip()
                         for line in lines)
    raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _wrap(text: str, width: int | None) -> list[str]:
    text = " ".join(text.split())
    if width is None or len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
