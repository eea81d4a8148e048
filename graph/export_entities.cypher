// Every entity with its properties, for RDF and file exports (streamed, key order).
// columns: key, name, type, aliases, date, firstSeen, lastSeen
MATCH (e:Entity)
RETURN e.key AS key,
       e.name AS name,
       e.type AS type,
       coalesce(e.aliases, []) AS aliases,
       toString(e.date) AS date,
       toString(e.firstSeen) AS firstSeen,
       toString(e.lastSeen) AS lastSeen
ORDER BY key
