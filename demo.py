"""The main job end to end: ingest a corpus, summarise the graph, write the outputs.

``run_demo`` is what ``eikg demo`` and ``make demo`` call: it ingests the articles
under ``corpus`` (skipping those already loaded unchanged, so a second run
duplicates nothing), then reads back a summary (articles, entities per type,
relations per type), the top partnerships and the brokers between colleges and
industry, and writes into ``out`` the partnership map ``map.html``, the map of
everything ``map-all.html``, ``graph.ttl`` and the partnership report
(``report.md``, ``report.html`` and its plots, ``queries/report.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import neo4j

from eikg.errors import InputError
from eikg.graph.decisions import load_redirects
from eikg.graph.loader import LoadSummary
from eikg.graph.ontology import vocabulary
from eikg.graph.counts import GraphStats, count_graph
from eikg.graph.rdf_export import export_rdf
from eikg.queries.analysis_runner import analyze
from eikg.queries.map_html import MapSummary
from eikg.queries.map_query import write_graph_map
from eikg.queries.output import render
from eikg.queries.partnership_map import write_partnership_map
from eikg.queries.report import Report, read_report, write_report
from eikg.queries.runner import QueryResult, run_query
from eikg.records import EntityType, RelationType
from eikg.workflow import ingest

#: The team's own fictional sample corpus, relative to the repository root.
SAMPLE_CORPUS = Path(__file__).resolve().parent / "data" / "sample"

#: How many rows the summary tables show.
TOP = 10


@dataclass
class DemoResult:
    """What the demo loaded, found and wrote."""

    load: LoadSummary
    stats: GraphStats
    partnerships: QueryResult
    brokers: QueryResult
    map: MapSummary
    rdf_path: Path
    rdf_triples: int
    report_path: Path
    warnings: list[str]
    map_all: MapSummary
    report: Report

    def entity_counts(self) -> dict[str, int]:
        """Entities per type, from the label counts and the ontology's labels.

        A node carries its class label and those of its superclasses (a College is
        also an Organization), so a type's count is its own label's count less the
        nodes of the types below it.
        """
        entity_labels = vocabulary().entity_labels
        own = {t: self.stats.labels.get(labels[-1], 0) for t, labels in entity_labels.items()}
        counts = {}
        for t, labels in entity_labels.items():
            below = sum(own[u] for u, other in entity_labels.items() if u != t and labels[-1] in other[:-1])
            counts[t.value] = max(own[t] - below, 0)
        return {t.value: counts.get(t.value, 0) for t in EntityType}

    def relation_counts(self) -> dict[str, int]:
        types = vocabulary().relationship_types
        return {t.value: self.stats.relationships.get(types[t], 0) for t in RelationType}

    def summary(self) -> str:
        """The text ``eikg demo`` prints."""
        lines = [
            f"articles in the graph: {self.stats.labels.get('Article', 0)} "
            f"({self.load.articles_loaded} loaded now, {self.load.articles_skipped} unchanged)",
            "",
            "entities per type:",
            *(f"  {t:<14}{n:>6}" for t, n in self.entity_counts().items() if n),
            "",
            "relations per type:",
            *(f"  {t:<16}{n:>6}" for t, n in self.relation_counts().items() if n),
            "",
            "top partnerships (organisations by number of partners):",
            _indent(render(self.partnerships.columns, self.partnerships.rows)),
            "",
            "brokers between colleges and industry:",
            _indent(render(self.brokers.columns, self.brokers.rows)),
            "",
            f"map:    {self.map.path} (partnerships: {self.map.nodes} organisations, {self.map.edges} ties)",
            f"        {self.map_all.path} (everything: {self.map_all.nodes} nodes, "
            f"{self.map_all.edges} relationships)",
            f"rdf:    {self.rdf_path} ({self.rdf_triples} triples)",
            f"report: {self.report_path} and {self.report_path.with_suffix('.html')}"
            f" ({len(self.report.partnerships)} partnerships)",
        ]
        return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines()) or "  (none)"


def _broker_rows(result: QueryResult) -> QueryResult:
    """Brokers between colleges and industry that broker some pair, the strongest first."""
    rows = [r for r in result.rows if (r.get("brokered_pairs") or 0) > 0]
    columns = ["name", "type", "colleges", "enterprises", "brokered_pairs", "communities_bridged"]
    return QueryResult(columns, rows[:TOP], result.notes)


def run_demo(
    driver: neo4j.Driver,
    corpus: Path = SAMPLE_CORPUS,
    out: Path = Path("out"),
    *,
    merges: Path | None = None,
    database: str | None = None,
    progress: Callable[[int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> DemoResult:
    """Ingest ``corpus`` into the graph behind ``driver`` and write the outputs to ``out``.

    ``merges`` is the file of recorded merge decisions to re-apply while loading.
    """
    corpus = Path(corpus)
    if not corpus.exists():
        raise InputError(f"corpus {corpus} does not exist")
    warnings: list[str] = []

    def note(message: str) -> None:
        warnings.append(message)
        if warn is not None:
            warn(message)

    redirects = load_redirects(merges) if merges is not None else None
    load = ingest(driver, [corpus], database=database, redirects=redirects, progress=progress,
                  warn=note)
    stats = count_graph(driver, database)
    partnerships = run_query(driver, "top_partners", {"limit": TOP}, database=database)
    brokers = _broker_rows(analyze(driver, "brokers", database=database))
    out.mkdir(parents=True, exist_ok=True)
    map_summary = write_partnership_map(driver, out / "map.html", database=database,
                                        title="eikg demo: partnership map")
    map_all = write_graph_map(driver, out / "map-all.html", database=database, title="eikg demo map")
    rdf_path = out / "graph.ttl"
    triples = export_rdf(driver, rdf_path, "turtle", database=database)
    report = read_report(driver, database=database)
    write_report(report, out)
    return DemoResult(load, stats, partnerships, brokers, map_summary, rdf_path, triples,
                      out / "report.md", warnings, map_all, report)
