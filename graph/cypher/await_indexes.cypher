// Wait until every index (constraints included) is online.
// Parameters: $seconds (timeout). Columns: none.
CALL db.awaitIndexes($seconds)
