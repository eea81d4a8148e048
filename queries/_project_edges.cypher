// Internal (not listed): relationships for a NetworkX projection, filtered by relation types, entity types and a date window.
// param relations: list of relationship types to keep
// param types: list of EntityType strings both ends must have, or null for all
// param since: keep relationships last seen on or after this ISO date, or null
// param until: keep relationships first seen on or before this ISO date, or null
// columns: head, type, tail, articles, firstSeen, lastSeen
MATCH (h:Entity)-[r]->(t:Entity)
WHERE type(r) IN $relations
  AND ($types IS NULL OR (h.type IN $types AND t.type IN $types))
  AND ($since IS NULL OR toString(r.lastSeen) >= $since)
  AND ($until IS NULL OR toString(r.firstSeen) <= $until)
RETURN h.key AS head, type(r) AS type, t.key AS tail,
       size(coalesce(r.sources, [])) AS articles,
       toString(r.firstSeen) AS firstSeen, toString(r.lastSeen) AS lastSeen
