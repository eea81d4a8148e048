// One page of entities for RDF export: the $size entities whose keys follow $after, in key order.
// param after: the last key of the previous page ('' for the first page)
// param size: entities per page
// columns: last (the page's last key, for the next page), chunk (lists of key, name, type, aliases, date, firstSeen, lastSeen)
// Keyset pages (an index seek on the unique key) keep server and client memory to one page;
// one record per page streams far faster through the Python driver than one per entity.
MATCH (e:Entity)
WHERE e.key > $after
WITH e ORDER BY e.key LIMIT $size
WITH collect([e.key, e.name, e.type, coalesce(e.aliases, []), toString(e.date),
              toString(e.firstSeen), toString(e.lastSeen)]) AS chunk
WHERE size(chunk) > 0
RETURN chunk[-1][0] AS last, chunk
