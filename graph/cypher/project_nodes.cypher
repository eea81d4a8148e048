// One keyset page of entities for a NetworkX projection, optionally only some entity types.
// param after: the last key of the previous page ('' for the first page)
// param size: entities per page (before the type filter)
// param types: list of EntityType strings, or null for all
// columns: last (the page's last key, for the next page), chunk (lists of key, name, type, aliases)
// Keyset pages (an index-ordered seek on the unique key) keep the server's memory to one page;
// one record per page streams far faster through the Python driver than one per entity.
MATCH (e:Entity)
WHERE e.key > $after
WITH e ORDER BY e.key LIMIT $size
WITH collect(e) AS page
WITH page, page[-1].key AS last
WHERE size(page) > 0
RETURN last,
       [e IN page WHERE $types IS NULL OR e.type IN $types
        | [e.key, e.name, e.type, coalesce(e.aliases, [])]] AS chunk
