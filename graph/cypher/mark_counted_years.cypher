// Record on every relationship of one type the year the timeline counts it under
// (countedYear: the first four characters of firstSeen, '' when it has none), in
// transactions of $size relationships. __TYPE__ is replaced by a relationship type
// from the ontology. Run in an auto-commit transaction.
// param size: relationships per transaction
// columns: none
MATCH ()-[r:__TYPE__]->()
CALL (r) {
  SET r.countedYear = coalesce(left(toString(r.firstSeen), 4), '')
} IN TRANSACTIONS OF $size ROWS
