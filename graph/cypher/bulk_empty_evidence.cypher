// After a bulk import: the relationships without evidence get the empty lists the
// loader writes (the importer reads an empty array as no property). __TYPE__ is
// replaced by a relationship type from the ontology.
// param rows: list of {head, tail} (entity keys)
// columns: none
UNWIND $rows AS row
MATCH (:Entity {key: row.head})-[r:__TYPE__]->(:Entity {key: row.tail})
SET r.evidence = [], r.evidenceSources = []
