// Internal (not listed): entities for a NetworkX projection, optionally only some entity types.
// param types: list of EntityType strings, or null for all
// columns: chunk
// Rows come as chunks of 5,000 [key, name, type, aliases] lists: the Python driver's cost is
// per record, so a few large records stream several times faster than one record per entity.
MATCH (e:Entity)
WHERE $types IS NULL OR e.type IN $types
WITH collect([e.key, e.name, e.type, coalesce(e.aliases, [])]) AS rows
UNWIND range(0, size(rows) - 1, 5000) AS i
RETURN rows[i..i + 5000] AS chunk
