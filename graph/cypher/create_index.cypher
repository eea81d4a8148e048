// Range index on a property (eikg:indexed in ontology.ttl).
// __NAME__, __LABEL__ and __PROPERTY__ are replaced by names from the ontology.
// columns: none
CREATE INDEX __NAME__ IF NOT EXISTS FOR (n:__LABEL__) ON (n.__PROPERTY__)
