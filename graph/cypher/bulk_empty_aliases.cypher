// After a bulk import: the entities without aliases get the empty list the loader
// writes (the importer reads an empty array as no property).
// param keys: list of entity keys
// columns: none
UNWIND $keys AS key
MATCH (n:Entity {key: key})
SET n.aliases = []
