// Delete everything benchmarks/queries.py wrote (keys and ids starting with $prefix).
// Parameters: $prefix. Columns: none. Auto-commit (it batches its own transactions).
MATCH (n)
WHERE (n:Entity AND n.key STARTS WITH $prefix) OR (n:Article AND n.id STARTS WITH $prefix)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 5000 ROWS
