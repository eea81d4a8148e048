"""Counts of what a graph holds: nodes per label, relationships per type."""

from __future__ import annotations

from dataclasses import dataclass, field

import neo4j
from neo4j import RoutingControl

from eikg.graph.statements import statement

@dataclass(frozen=True)
class GraphStats:
    """Node counts per label and relationship counts per type (sorted by name)."""

    labels: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"labels": dict(self.labels), "relationships": dict(self.relationships)}


def count_graph(driver: neo4j.Driver, database: str | None = None) -> GraphStats:
    """Count nodes per label and relationships per type in one database.

    A node with two labels counts once under each.
    """
    labels, _, _ = driver.execute_query(
        statement("count_labels"), database_=database, routing_=RoutingControl.READ
    )
    types, _, _ = driver.execute_query(
        statement("count_relationships"), database_=database, routing_=RoutingControl.READ
    )
    return GraphStats(
        labels={row["label"]: row["count"] for row in labels},
        relationships={row["type"]: row["count"] for row in types},
    )
