// One entity and the articles that mention it.
// param key: the entity key
// columns: key, name, type, articles (list of article ids)
MATCH (e:Entity {key: $key})
OPTIONAL MATCH (a:Article)-[:MENTIONS]->(e)
RETURN e.key AS key, e.name AS name, e.type AS type, collect(a.id) AS articles
