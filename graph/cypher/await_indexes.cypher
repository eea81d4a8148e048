// Wait until every index (constraints included) is online.
// param seconds: timeout
// columns: none
CALL db.awaitIndexes($seconds)
