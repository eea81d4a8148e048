"""The partnership map: organisations only, joined by partnerships and alliances.

What ``eikg map --view partnerships`` and the demo's ``map.html`` show: every
organisation (college, enterprise, alliance, government body, other) with a
PARTNERS_WITH, MEMBER_OF or LEADS relation in the time window, sized by its
number of partners (an alliance: its members) and coloured by type. Organisations with no such relation
are left out and counted. The largest are labelled at the opening zoom, the
others once the reader zooms in (or on hover); clicking one opens a side panel
with its partners, each with the evidence sentences and their articles
(``partnership_panel.js``). The page is written by ``map_html.write_map``: one
offline file under the same escaping discipline as every eikg map.
"""

from __future__ import annotations

from pathlib import Path

import neo4j
import networkx as nx

from eikg.graph.statements import statement
from eikg.queries import analysis, map_html
from eikg.queries.map_query import add_evidence
from eikg.queries.project import Projection, to_networkx
from eikg.records import RelationType

VIEWS = ("partnerships", "all")
RELATIONS = (RelationType.PARTNERS_WITH.value, RelationType.MEMBER_OF.value, RelationType.LEADS.value)
#: At most this many organisations labelled at the opening zoom: the largest first, each
#: whose label would cover another's skipped (in the page, where positions are known).
LABELLED = 25


def partnership_graph(
    driver: neo4j.Driver,
    *,
    since: str | None = None,
    until: str | None = None,
    database: str | None = None,
) -> tuple[nx.MultiDiGraph, int]:
    """The organisations with a partnership or alliance tie in the window, and how many
    organisations seen in the window were left out for having none."""
    projection = Projection(
        node_types=analysis.ORG_TYPE_NAMES,
        relation_types=RELATIONS, since=since, until=until,
    )
    graph = to_networkx(driver, projection, database=database)
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        seen = session.run(statement("count_organisations"), {"since": since, "until": until}).single()
    return graph, max(seen["organisations"] - graph.number_of_nodes(), 0)


def labelled_nodes(sizes: dict[int, float], count: int = LABELLED) -> list[int]:
    """Ids of the ``count`` largest nodes, largest first (ties by id): the order labels are placed in.

    >>> labelled_nodes({0: 8.0, 1: 30.0, 2: 12.0}, 2)
    [1, 2]
    """
    return sorted(sizes, key=lambda i: (-sizes[i], i))[:count]


def write_partnership_map(
    driver: neo4j.Driver,
    out: str | Path,
    *,
    since: str | None = None,
    until: str | None = None,
    database: str | None = None,
    title: str | None = None,
) -> map_html.MapSummary:
    """Read the partnership graph of the window and write its map to ``out``.

    The layout is computed here and physics is off: the picture holds still, so
    labels placed at the opening zoom stay apart, and 5,000 organisations draw at once.
    """
    graph, hidden = partnership_graph(driver, since=since, until=until, database=database)
    map_html.check_size(graph)
    add_evidence(driver, graph, database=database)
    if title is None:
        window = f" · {since or '…'} to {until or '…'}" if since or until else ""
        title = f"eikg partnership map{window}"
    sizes = map_html.scale_sizes(map_html.node_scores(graph, "partners"), graph)
    index = {n: i for i, n in enumerate(graph)}
    extra = {
        "partnershipView": True,
        "hiddenIsolated": hidden,
        "labelOrder": labelled_nodes({index[n]: s for n, s in sizes.items()}, len(sizes)),
        "labelLimit": LABELLED,
        "edgeLabels": False,  # relations read from their colour and the legend
    }
    return map_html.write_map(
        graph, out, extra=extra, scripts=("partnership_panel.js",), title=title,
        color_by="type", size_by="partners", static_layout=True,
    )
