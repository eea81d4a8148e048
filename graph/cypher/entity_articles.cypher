// One entity and the articles that mention it.
// Parameters: $key (entity key).
// Columns: key, name, type, articles (list of article ids).
MATCH (e:Entity {key: $key})
OPTIONAL MATCH (a:Article)-[:MENTIONS]->(e)
RETURN e.key AS key, e.name AS name, e.type AS type, collect(a.id) AS articles
