// Replace the timeline counters of one relationship type by a count of its
// relationships per countedYear (set by mark_counted_years). __TYPE__ is replaced
// by a relationship type from the ontology.
// param relation: the same type, as a value
// columns: none
CALL () {
  MATCH (c:TimelineCount {relation: $relation})
  DELETE c
}
MATCH ()-[r:__TYPE__]->()
WITH r.countedYear AS year, count(*) AS n
CREATE (:TimelineCount {relation: $relation, year: year, count: n})
