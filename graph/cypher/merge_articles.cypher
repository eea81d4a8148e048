// Create or update Article nodes and link each to the entities it names. Runs after
// merge_entities, and only for articles whose earlier MENTIONS were removed (or that
// had none), so the links are created, not merged.
// param rows: list of {id, url, title, published, publisher, contentHash,
//   extraction (the article's `eikg extract` object as zlib-compressed JSON bytes,
//   for merges that reload it), mentions: [{key, count, names (the surface forms it uses)}]}
// columns: none
// replan=skip: its plan (unique-index seeks) does not depend on counts, and a
// graph growing fast under a load would otherwise have it re-planned again and again.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (a:Article {id: row.id})
SET a.url = row.url,
    a.title = row.title,
    a.published = row.published,
    a.publisher = row.publisher,
    a.contentHash = row.contentHash,
    a.extraction = row.extraction
WITH a, row
UNWIND row.mentions AS m
MATCH (e:Entity {key: m.key})
CREATE (a)-[:MENTIONS {count: m.count, names: m.names}]->(e)
