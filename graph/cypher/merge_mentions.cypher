// Link articles to the entities they name.
// Parameters: $rows, each {article, key, count (mentions in the article), names
// (the surface forms the article uses)}. Columns: none.
UNWIND $rows AS row
MATCH (a:Article {id: row.article})
MATCH (e:Entity {key: row.key})
MERGE (a)-[m:MENTIONS]->(e)
SET m.count = row.count, m.names = row.names
