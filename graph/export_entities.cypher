// Every entity with its properties, for RDF export, in chunks of 5,000 rows.
// columns: chunk (lists of key, name, type, aliases, date, firstSeen, lastSeen)
// A few large records stream several times faster than one per entity through the Python driver.
MATCH (e:Entity)
WITH collect([e.key, e.name, e.type, coalesce(e.aliases, []), toString(e.date),
              toString(e.firstSeen), toString(e.lastSeen)]) AS rows
UNWIND range(0, size(rows) - 1, 5000) AS i
RETURN rows[i..i + 5000] AS chunk
