"""Rows (lists of dicts) printed as an aligned table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from eikg.errors import InputError

FORMATS = ("table", "csv", "json")
#: Widest a table cell may be; CSV and JSON keep full values.
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

    Table cells longer than ``width`` are cut with '…' (None: never).

    >>> print(render(["a", "b"], [{"a": 1, "b": ["x", "y"]}]))
    a  b
    -  ----
    1  x; y
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
        grid = [[_clip(cell(r.get(c)), width) for c in columns] for r in rows]
        widths = [max([len(c), *(len(line[i]) for line in grid)]) for i, c in enumerate(columns)]
        lines = [list(columns), ["-" * w for w in widths], *grid]
        return "\n".join("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip()
                         for line in lines)
    raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _clip(text: str, width: int | None) -> str:
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"
