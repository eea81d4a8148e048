// How many relationships of one type the graph holds (read from the count store).
// __TYPE__ is replaced by a relationship type from the ontology.
// columns: n
MATCH ()-[r:__TYPE__]->()
RETURN count(r) AS n
