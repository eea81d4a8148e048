// Internal (not listed): relationships for a NetworkX projection, filtered by relation types, entity types and a date window.
// param relations: list of relationship types to keep
// param types: list of EntityType strings both ends must have, or null for all
// param since: keep relationships last seen on or after this ISO date, or null
// param until: keep relationships first seen on or before this ISO date, or null
// columns: chunk
// Rows come as chunks of 5,000 [head, type, tail, articles, firstSeen, lastSeen] lists (see _project_nodes).
MATCH (h:Entity)-[r]->(t:Entity)
WHERE type(r) IN $relations
  AND ($types IS NULL OR (h.type IN $types AND t.type IN $types))
  AND ($since IS NULL OR toString(r.lastSeen) >= $since)
  AND ($until IS NULL OR toString(r.firstSeen) <= $until)
WITH collect([h.key, type(r), t.key, size(coalesce(r.sources, [])),
              toString(r.firstSeen), toString(r.lastSeen)]) AS rows
UNWIND range(0, size(rows) - 1, 5000) AS i
RETURN rows[i..i + 5000] AS chunk
