// How many nodes the database holds (read from the count store).
// Parameters: none. Columns: n.
MATCH (n)
RETURN count(n) AS n
