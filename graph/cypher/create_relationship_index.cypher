// Range index on a relationship property (eikg:indexedFor eikg:Statement in ontology.ttl).
// __NAME__, __TYPE__ and __PROPERTY__ are replaced by names from the ontology.
// columns: none
CREATE INDEX __NAME__ IF NOT EXISTS FOR ()-[r:__TYPE__]-() ON (r.__PROPERTY__)
