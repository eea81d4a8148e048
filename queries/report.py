"""The partnership report: who partners with whom, on what evidence, and since when.

``read_report`` reads everything the report says from Neo4j in a few queries
(``graph/cypher/report_*.cypher``) and one NetworkX projection (for the brokers);
``to_markdown`` and ``to_html`` turn it into text; ``write_report`` writes
``report.md`` and/or ``report.html`` and the plots (``queries/plots.py``) into
one folder. The sections, in order: a summary in sentences, every partnership
(college-enterprise pairs first), the organisations with most partners and
who those partners are, alliances with leaders and members, brokers between
education and industry, and new partnerships per year.

Untrusted text: names, titles and evidence come from news articles. The
Markdown escapes what would break a table or add markup; the HTML escapes every
value (``html.escape``), carries its plots as ``data:`` images and forbids
fetching anything (Content-Security-Policy), so it is one file that opens offline.
No machine path is written into either.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j

from eikg.errors import InputError
from eikg.graph.statements import statement
from eikg.queries import analysis, plots
from eikg.queries.output import render
from eikg.queries.project import Projection, to_networkx
from eikg.records import EntityType

FORMATS = ("md", "html")
#: Organisations listed under "most partners".
TOP = 10
#: Article ids per title lookup.
BATCH = 5000

#: One line each, printed above the brokers table.
BROKER_MEASURES = {
    "brokered_pairs": "college-enterprise pairs both linked to the organisation but not to each other",
    "communities_bridged": "communities (Louvain groups of the organisations' graph) other than its own among its neighbours",
    "colleges": "colleges it is linked to",
    "enterprises": "enterprises it is linked to",
}

COLLEGE, ENTERPRISE = EntityType.COLLEGE.value, EntityType.ENTERPRISE.value
#: Words of a sentence that states a partnership rather than only naming both sides.
PARTNERSHIP_CUES = ("agree", "sign", "partner", "cooperat", "joint", "together", "set up", "launch",
                    "build", "built", "establish", "alliance")


@dataclass(frozen=True)
class Partnership:
    """One pair of partner organisations; a college comes before an enterprise."""

    a: str
    a_type: str
    b: str
    b_type: str
    articles: int
    first_seen: str | None = None
    last_seen: str | None = None
    evidence: str | None = None
    source_title: str | None = None
    source_date: str | None = None

    @property
    def college_enterprise(self) -> bool:
        return (self.a_type, self.b_type) == (COLLEGE, ENTERPRISE)

    @property
    def kind(self) -> str:
        """The pair of types, e.g. ``college–enterprise`` (sorted, except college first)."""
        if self.college_enterprise:
            return "college–enterprise"
        return "–".join(sorted((self.a_type.lower(), self.b_type.lower())))

    @property
    def year(self) -> str | None:
        return self.first_seen[:4] if self.first_seen else None


@dataclass(frozen=True)
class Organisation:
    name: str
    type: str
    partners: tuple[str, ...]


@dataclass(frozen=True)
class Alliance:
    name: str
    leaders: tuple[str, ...]
    members: tuple[str, ...]
    articles: int


@dataclass
class Report:
    """What the report says; ``to_markdown`` / ``to_html`` only format it."""

    since: str | None = None
    until: str | None = None
    articles: int = 0
    first_published: str | None = None
    last_published: str | None = None
    organisations: int = 0
    partnerships: list[Partnership] = field(default_factory=list)
    top: list[Organisation] = field(default_factory=list)
    alliances: list[Alliance] = field(default_factory=list)
    brokers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def college_enterprise(self) -> list[Partnership]:
        return [p for p in self.partnerships if p.college_enterprise]

    @property
    def other_partnerships(self) -> list[Partnership]:
        return [p for p in self.partnerships if not p.college_enterprise]

    def timeline(self) -> list[tuple[str, dict[str, int]]]:
        """New partnerships per year (the year first seen), by kind of pair; undated left out.

        >>> r = Report(partnerships=[Partnership("C", "COLLEGE", "E", "ENTERPRISE", 1, "2024-01-02"),
        ...                          Partnership("E", "ENTERPRISE", "F", "ENTERPRISE", 1, "2024-05-01")])
        >>> r.timeline()
        [('2024', {'college–enterprise': 1, 'enterprise–enterprise': 1})]
        """
        years: dict[str, Counter[str]] = defaultdict(Counter)
        for p in self.partnerships:
            if p.year:
                years[p.year][p.kind] += 1
        return [(y, dict(sorted(years[y].items()))) for y in sorted(years)]

    def window_text(self) -> str:
        if self.since and self.until:
            return f"from {self.since} to {self.until}"
        if self.since:
            return f"from {self.since}"
        if self.until:
            return f"up to {self.until}"
        return ""

    def summary(self) -> list[str]:
        """The opening sentences."""
        window = self.window_text()
        span = (
            f", the first on {self.first_published[:10]} and the last on {self.last_published[:10]}"
            if self.first_published and self.last_published else ""
        )
        scope = f" published {window}" if window else " in the graph"
        n_ce = len(self.college_enterprise)
        lines = [
            f"{_count(self.articles, 'article')}{scope}{span}.",
            f"{_count(self.organisations, 'organisation')} named; "
            f"{_count(len(self.partnerships), 'partnership')} between them, "
            f"{n_ce} of them between a college and an enterprise.",
        ]
        if self.top:
            best = self.top[0]
            lines.append(f"Most partners: {best.name} ({best.type.lower()}, {len(best.partners)}).")
        brokers = self.brokers  # read_report keeps only those that broker a pair
        if brokers:
            lines.append(
                f"{_count(len(brokers), 'organisation')} link colleges with enterprises that have "
                f"no partnership of their own; {brokers[0]['name']} the most "
                f"({_count(brokers[0]['brokered_pairs'], 'pair')})."
            )
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# --- reading ----------------------------------------------------------------------------


def read_report(
    driver: neo4j.Driver,
    *,
    since: str | None = None,
    until: str | None = None,
    database: str | None = None,
    top: int = TOP,
) -> Report:
    """Everything the report says, for relations seen within [since, until] (ISO dates)."""
    window = {"since": since, "until": until}
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        head = session.run(statement("report_summary"), window).single()
        rows = [r.data() for r in session.run(statement("report_partnerships"), window)]
        chosen = {i: best_evidence(r) for i, r in enumerate(rows)}
        ids = sorted({ev[1] for ev in chosen.values() if ev and ev[1]})
        titles: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), BATCH):
            for rec in session.run(statement("map_articles"), {"ids": ids[start : start + BATCH]}):
                titles[rec["id"]] = (rec["title"] or "", (rec["published"] or "")[:10])
        alliances = [
            Alliance(r["alliance"], tuple(r["leaders"]), tuple(r["members"]), r["articles"])
            for r in session.run(statement("report_alliances"), window)
        ]
    partnerships = []
    for i, r in enumerate(rows):
        sentence, source = chosen[i] or (None, None)
        title, date = titles.get(source, (None, None)) if source else (None, None)
        partnerships.append(_partnership(r, sentence, title, date))
    partnerships.sort(key=lambda p: (not p.college_enterprise, -p.articles, p.a.casefold(), p.b.casefold()))
    # Organisations only: a college or enterprise is only ever linked to an organisation by
    # a relation between the two, so the brokered pairs equal those of the whole graph's
    # (eikg analyze brokers), at a fraction of the cost.
    graph = to_networkx(driver, Projection(node_types=analysis.ORG_TYPE_NAMES, since=since, until=until),
                        database=database)
    brokers = [b for b in analysis.brokers(graph, with_betweenness=False) if b["brokered_pairs"] > 0]
    return Report(
        since=since,
        until=until,
        articles=head["articles"],
        first_published=head["first_published"],
        last_published=head["last_published"],
        organisations=head["organisations"],
        partnerships=partnerships,
        top=top_organisations(partnerships, top),
        alliances=alliances,
        brokers=brokers,
    )


def best_evidence(row: dict[str, Any]) -> tuple[str, str | None] | None:
    """The evidence sentence that best states the partnership, with its article id: the one
    naming most of the two partners, then one with a word of agreement, then the shortest.

    >>> best_evidence({"a_name": "Acme", "b_name": "Hill College",
    ...                "evidence": ["Acme grew.", "Hill College and Acme signed."],
    ...                "evidence_sources": ["x", "y"]})
    ('Hill College and Acme signed.', 'y')
    """
    evidence = list(row.get("evidence") or ())
    if not evidence:
        return None
    sources = list(row.get("evidence_sources") or ())
    names = [str(row.get(k) or "").casefold() for k in ("a_name", "b_name")]

    def score(i: int) -> tuple[int, bool, int]:
        text = str(evidence[i]).casefold()
        named = sum(1 for n in names if n and n in text)
        return named, any(cue in text for cue in PARTNERSHIP_CUES), -len(text)

    i = max(range(len(evidence)), key=lambda i: (score(i), -i))
    return str(evidence[i]), (str(sources[i]) if i < len(sources) else None)


def _partnership(row: dict[str, Any], sentence: str | None, title: str | None, date: str | None) -> Partnership:
    a, b = (row["a_name"], row["a_type"]), (row["b_name"], row["b_type"])
    if (b[1], a[1]) == (COLLEGE, ENTERPRISE):
        a, b = b, a
    return Partnership(
        a=a[0], a_type=a[1], b=b[0], b_type=b[1], articles=row["articles"],
        first_seen=_day(row["first_seen"]), last_seen=_day(row["last_seen"]),
        evidence=sentence, source_title=title or None, source_date=date or None,
    )


def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def top_organisations(partnerships: Iterable[Partnership], top: int = TOP) -> list[Organisation]:
    """Organisations with most partners, each with its partners by name.

    >>> ps = [Partnership("C", "COLLEGE", "E", "ENTERPRISE", 1), Partnership("C", "COLLEGE", "F", "ENTERPRISE", 1)]
    >>> top_organisations(ps, 1)
    [Organisation(name='C', type='COLLEGE', partners=('E', 'F'))]
    """
    partners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in partnerships:
        partners[p.a, p.a_type].add(p.b)
        partners[p.b, p.b_type].add(p.a)
    ranked = sorted(partners.items(), key=lambda kv: (-len(kv[1]), kv[0][0].casefold()))
    return [
        Organisation(name, kind, tuple(sorted(names, key=str.casefold)))
        for (name, kind), names in ranked[:top]
    ]


# --- Markdown ---------------------------------------------------------------------------

PARTNERSHIP_COLUMNS = ("partners", "articles", "first seen", "last seen", "evidence", "source")


def _partnership_cells(p: Partnership) -> list[str]:
    source = " · ".join(x for x in (p.source_title, p.source_date) if x)
    return [f"{p.a} – {p.b}", str(p.articles), p.first_seen or "", p.last_seen or "",
            p.evidence or "", source]


def _sections(report: Report) -> list[tuple[str, str, Sequence[str], list[list[str]]]]:
    """(heading, lead sentence, columns, rows) of every table section, in order."""
    ce, other = report.college_enterprise, report.other_partnerships
    brokers = report.brokers
    timeline = report.timeline()
    kinds = sorted({k for _, counts in timeline for k in counts})
    return [
        (
            "College–enterprise partnerships",
            f"{_count(len(ce), 'pair')}, the most reported first; the evidence is the sentence that "
            "best states the partnership, with its article.",
            PARTNERSHIP_COLUMNS,
            [_partnership_cells(p) for p in ce],
        ),
        (
            "Other partnerships",
            f"{_count(len(other), 'pair')} of other kinds of organisation.",
            PARTNERSHIP_COLUMNS,
            [_partnership_cells(p) for p in other],
        ),
        (
            "Organisations with most partners",
            "Ranked by the number of distinct partners.",
            ("organisation", "type", "partners", "named partners"),
            [[o.name, o.type.lower(), str(len(o.partners)), ", ".join(o.partners)] for o in report.top],
        ),
        (
            "Alliances",
            "Each alliance with the organisations that lead it and its other members.",
            ("alliance", "leader", "members", "articles"),
            [[a.name, ", ".join(a.leaders), ", ".join(a.members), str(a.articles)]
             for a in report.alliances],
        ),
        (
            "Brokers between education and industry",
            "Organisations through which colleges and enterprises are connected without a partnership "
            "of their own. "
            + " ".join(f"*{k.replace('_', ' ')}*: {v}." for k, v in BROKER_MEASURES.items()),
            ("organisation", "type", "brokered pairs", "communities bridged", "colleges", "enterprises"),
            [[b["name"], str(b["type"]).lower(), str(b["brokered_pairs"]), str(b["communities_bridged"]),
              str(b["colleges"]), str(b["enterprises"])] for b in brokers],
        ),
        (
            "New partnerships per year",
            "Partnerships counted in the year they were first reported.",
            ("year", "new partnerships", *kinds),
            [[y, str(sum(c.values())), *(str(c.get(k, 0)) for k in kinds)] for y, c in timeline],
        ),
    ]


#: The section each plot belongs to, shown above its table.
PLOT_SECTIONS = {
    "top-organisations.png": "Organisations with most partners",
    "partnerships-per-year.png": "New partnerships per year",
}


def _plots_of(heading: str, images: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [img for img in images if PLOT_SECTIONS.get(img[0]) == heading]


def to_markdown(report: Report, images: Sequence[tuple[str, str]] = ()) -> str:
    """The report as Markdown; ``images`` are (file name, caption) pairs, each linked in its section."""
    md = [f"# Education–industry partnerships{_title_window(report)}", "", *map(md_text, report.summary()), ""]
    for heading, lead, columns, rows in _sections(report):
        md += [f"## {heading}", "", _md_inline(lead), ""]
        for name, caption in _plots_of(heading, images):
            md += [f"![{_md_inline(caption)}]({name})", ""]
        md += [md_table(columns, rows), ""]
    md.append(f"_Generated by eikg on {dt.date.today().isoformat()}._")
    return "\n".join(md) + "\n"


def _title_window(report: Report) -> str:
    window = report.window_text()
    return f" ({window})" if window else ""


def md_text(text: str) -> str:
    r"""Untrusted text safe in a Markdown paragraph: no HTML tag, emphasis or link survives.

    >>> print(md_text("<b>*A* [x](y)</b>"))
    &lt;b&gt;\*A\* \[x\](y)&lt;/b&gt;
    """
    text = text.replace("\\", "\\\\")
    for ch in "*_[]`#":
        text = text.replace(ch, "\\" + ch)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _md_inline(text: str) -> str:
    # Lead sentences are ours; only the asterisks of the measure names are markup.
    return text.replace("<", "&lt;").replace(">", "&gt;")


def md_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table (``output.render``'s, cells escaped), or '(none)' when there are no rows."""
    if not rows:
        return "(none)"
    return render(columns, [dict(zip(columns, row)) for row in rows], "markdown")


# --- HTML -------------------------------------------------------------------------------

#: Nothing is fetched; the only images are the inline plots; no script at all.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 1200px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 24px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.c-evidence { min-width: 360px; }
td.c-first-seen, td.c-last-seen, td.c-year { white-space: nowrap; } td.c-source { min-width: 220px; max-width: 320px; color: #555; }
.summary p { margin: 4px 0; font-size: 15px; } .lead { color: #555; font-size: 13px; }
figure { margin: 16px 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 13px; }
"""


def to_html(report: Report, images: Sequence[tuple[str, str, bytes]] = ()) -> str:
    """The report as one self-contained HTML page; ``images`` are (name, caption, PNG bytes)."""
    e = html.escape
    title = f"Education–industry partnerships{_title_window(report)}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        '<div class="summary">', *(f"<p>{e(s)}</p>" for s in report.summary()), "</div>",
    ]
    for heading, lead, columns, rows in _sections(report):
        out += [f"<h2>{e(heading)}</h2>", f'<p class="lead">{e(lead.replace("*", ""))}</p>']
        for _, caption, png in _plots_of(heading, images):
            data = base64.b64encode(png).decode("ascii")
            out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{e(caption)}">'
                       f"<figcaption>{e(caption)}</figcaption></figure>")
        if not rows:
            out.append("<p>(none)</p>")
            continue
        classes = ["c-" + c.replace(" ", "-") for c in columns]
        out.append("<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in columns) + "</tr></thead><tbody>")
        for row in rows:
            cells = "".join(f'<td class="{k}">{e(v)}</td>' for k, v in zip(classes, row, strict=True))
            out.append(f"<tr>{cells}</tr>")
        out.append("</tbody></table>")
    out.append(f'<p class="lead">Generated by eikg on {dt.date.today().isoformat()}.</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# --- files ------------------------------------------------------------------------------


def write_report(report: Report, out: Path | str, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write the plots and ``report.md`` / ``report.html`` into the folder ``out``; the paths written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}: use md or html")
    folder = Path(out)
    images = plots.report_plots(report)
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, _, png in images:
            (folder / name).write_bytes(png)
            written.append(folder / name)
        if "md" in formats:
            path = folder / "report.md"
            path.write_text(to_markdown(report, [(n, c) for n, c, _ in images]), encoding="utf-8")
            written.append(path)
        if "html" in formats:
            path = folder / "report.html"
            path.write_text(to_html(report, images), encoding="utf-8")
            written.append(path)
    except OSError as err:
        raise InputError(f"cannot write the report into {folder}: {err.strerror or err}") from None
    return written
