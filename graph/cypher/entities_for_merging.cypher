// Every entity with its names and neighbouring entities, to find likely duplicates.
// Parameters: none.
// Columns: key, name, type, aliases, neighbours (keys of entities it is related to).
MATCH (e:Entity)
OPTIONAL MATCH (e)--(n:Entity)
RETURN e.key AS key, e.name AS name, e.type AS type, e.aliases AS aliases,
       collect(DISTINCT n.key) AS neighbours
