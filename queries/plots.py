"""The report's plots as PNG bytes (matplotlib, Agg canvas: no display, no pyplot state).

Names in the plots come from news articles; matplotlib would read text between
two ``$`` as mathematics (and fail on a bad formula), so every label goes
through ``_plain``. The PNGs carry no date or software metadata, so the same
report gives the same bytes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from eikg.queries.map_html import TYPE_COLORS, UNKNOWN_TYPE_COLOR  # the map's colours, so plot and map agree

if TYPE_CHECKING:
    from eikg.queries.report import Organisation, Report

#: Colours per kind of pair, the college-enterprise one first (as in the maps' palette).
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#e15759", "#9c755f")
#: At most this many kinds of pair get their own colour; the rest are "other".
KINDS = 6
DPI = 110


def _plain(text: str) -> str:
    return str(text).replace("$", r"\$")


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def partnerships_per_year(timeline: list[tuple[str, dict[str, int]]]) -> bytes:
    """Stacked bars: new partnerships per year, by kind of pair (years without any shown empty)."""
    if timeline and all(y.isdigit() for y, _ in timeline):
        known = dict(timeline)
        first, last = int(timeline[0][0]), int(timeline[-1][0])
        timeline = [(str(y), known.get(str(y), {})) for y in range(first, last + 1)]
    totals: dict[str, int] = {}
    for _, counts in timeline:
        for kind, n in counts.items():
            totals[kind] = totals.get(kind, 0) + n
    ranked = sorted(totals, key=lambda k: (k != "college–enterprise", -totals[k], k))
    groups = [(k, {k}) for k in ranked[:KINDS]]
    if len(ranked) > KINDS:
        groups.append(("other", set(ranked[KINDS:])))
    years = [y for y, _ in timeline]
    fig = Figure(figsize=(8, 4.2))
    ax = fig.add_subplot()
    bottom = [0] * len(years)
    for i, (label, members) in enumerate(groups):
        values = [sum(n for k, n in counts.items() if k in members) for _, counts in timeline]
        ax.bar(years, values, bottom=bottom, label=_plain(label), color=PALETTE[i % len(PALETTE)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("New partnerships per year, by kind of pair")
    ax.set_ylabel("partnerships first reported")
    ax.yaxis.get_major_locator().set_params(integer=True)
    if groups:
        ax.legend(frameon=False, fontsize=8)
    if not years:
        ax.text(0.5, 0.5, "no dated partnerships", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    return _png(fig)


def top_organisations(top: list[Organisation]) -> bytes:
    """Horizontal bars: the organisations with most partners, most at the top."""
    fig = Figure(figsize=(8, 0.8 + 0.34 * max(len(top), 1)))
    ax = fig.add_subplot()
    names = [_plain(o.name if len(o.name) <= 48 else o.name[:47] + "…") for o in reversed(top)]
    ax.barh(range(len(top)), [len(o.partners) for o in reversed(top)],
            color=[TYPE_COLORS.get(o.type, UNKNOWN_TYPE_COLOR) for o in reversed(top)])
    ax.set_yticks(range(len(top)), labels=names, fontsize=9)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("partners")
    ax.set_title("Organisations with most partners (colour: type)")
    if not top:
        ax.text(0.5, 0.5, "no partnerships", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    return _png(fig)


def report_plots(report: Report) -> list[tuple[str, str, bytes]]:
    """(file name, caption, PNG) of each plot of the report."""
    return [
        ("partnerships-per-year.png", "New partnerships per year, by kind of pair",
         partnerships_per_year(report.timeline())),
        ("top-organisations.png", "Organisations with most partners",
         top_organisations(report.top)),
    ]
