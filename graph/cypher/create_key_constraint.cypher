// Uniqueness constraint on a key property (owl:hasKey in ontology.ttl).
// __NAME__, __LABEL__ and __PROPERTY__ are replaced by names from the ontology.
// columns: none
CREATE CONSTRAINT __NAME__ IF NOT EXISTS FOR (n:__LABEL__) REQUIRE n.__PROPERTY__ IS UNIQUE
