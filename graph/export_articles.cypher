// Every article with the keys of the entities it mentions, for RDF export (streamed, id order).
// columns: id, url, title, published, publisher, contentHash, mentions
MATCH (a:Article)
RETURN a.id AS id,
       a.url AS url,
       a.title AS title,
       toString(a.published) AS published,
       a.publisher AS publisher,
       a.contentHash AS contentHash,
       COLLECT { MATCH (a)-[:MENTIONS]->(e:Entity) RETURN e.key ORDER BY e.key } AS mentions
ORDER BY id
