// The relationships leaving one keyset page of entities for a NetworkX projection, filtered by relation types, entity types and a date window.
// param after: the last head key of the previous page ('' for the first page)
// param size: head entities per page (before any filter)
// param relations: list of relationship types to keep
// param types: list of EntityType strings both ends must have, or null for all
// param since: keep relationships last seen on or after this ISO date, or null
// param until: keep relationships first seen on or before this ISO date, or null
// columns: last (the page's last head key), chunk (lists of head, type, tail, articles, firstSeen, lastSeen)
// Pages as in project_nodes: the server holds one page of heads and their relationships.
MATCH (h:Entity)
WHERE h.key > $after
WITH h ORDER BY h.key LIMIT $size
WITH collect(h) AS heads
WITH heads, heads[-1].key AS last
WHERE size(heads) > 0
UNWIND heads AS h
OPTIONAL MATCH (h)-[r]->(t:Entity)
WHERE type(r) IN $relations
  AND ($types IS NULL OR (h.type IN $types AND t.type IN $types))
  AND ($since IS NULL OR toString(r.lastSeen) >= $since)
  AND ($until IS NULL OR toString(r.firstSeen) <= $until)
WITH last, collect(CASE WHEN r IS NULL THEN null ELSE
         [h.key, type(r), t.key, size(coalesce(r.sources, [])),
          toString(r.firstSeen), toString(r.lastSeen)] END) AS chunk
RETURN last, chunk
