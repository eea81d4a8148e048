// The stored state of the articles about to be loaded.
// Parameters: $ids (list of article ids).
// Columns: id, contentHash (null when a load of it never finished).
UNWIND $ids AS id
MATCH (a:Article {id: id})
RETURN a.id AS id, a.contentHash AS contentHash
