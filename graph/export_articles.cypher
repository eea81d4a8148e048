// Every article with the keys of the entities it mentions, for RDF export, in chunks of 2,000 rows.
// columns: chunk (lists of id, url, title, published, publisher, contentHash, mentions)
MATCH (a:Article)
WITH collect([a.id, a.url, a.title, toString(a.published), a.publisher, a.contentHash,
              COLLECT { MATCH (a)-[:MENTIONS]->(e:Entity) RETURN e.key }]) AS rows
UNWIND range(0, size(rows) - 1, 2000) AS i
RETURN rows[i..i + 2000] AS chunk
