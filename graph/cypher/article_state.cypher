// The stored state of the articles about to be loaded.
// param ids: list of article ids
// columns: id, contentHash (null when a load of it never finished)
CYPHER replan=skip
UNWIND $ids AS id
MATCH (a:Article {id: id})
RETURN a.id AS id, a.contentHash AS contentHash
