// Internal (not listed): entities for a NetworkX projection, optionally only some entity types.
// param types: list of EntityType strings, or null for all
// columns: key, name, type, aliases
MATCH (e:Entity)
WHERE $types IS NULL OR e.type IN $types
RETURN e.key AS key, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases
