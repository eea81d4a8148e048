// The stored state of the articles about to be loaded.
// Parameters: $ids (list of article ids).
// Columns: id, contentHash (null when a load of it never finished).
// replan=skip: its plan (unique-index seeks) does not depend on counts, and a
// graph growing fast under a load would otherwise have it re-planned again and again.
CYPHER replan=skip
UNWIND $ids AS id
MATCH (a:Article {id: id})
RETURN a.id AS id, a.contentHash AS contentHash
