// One page of articles for RDF export, with the keys of the entities each mentions (keyset pages as in export_entities).
// param after: the last id of the previous page ('' for the first page)
// param size: articles per page
// columns: last, chunk (lists of id, url, title, published, publisher, contentHash, mentions)
MATCH (a:Article)
WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $size
WITH collect([a.id, a.url, a.title, toString(a.published), a.publisher, a.contentHash,
              COLLECT { MATCH (a)-[:MENTIONS]->(e:Entity) RETURN e.key }]) AS chunk
WHERE size(chunk) > 0
RETURN chunk[-1][0] AS last, chunk
