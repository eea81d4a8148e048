// Every article's mentions of entities of the given types, with the names it used.
// param types: list of entity type names
// columns: article (article id), key, names (the surface forms the article used for it)
MATCH (a:Article)-[m:MENTIONS]->(e:Entity)
WHERE e.type IN $types
RETURN a.id AS article, e.key AS key, coalesce(m.names, [e.name]) AS names
