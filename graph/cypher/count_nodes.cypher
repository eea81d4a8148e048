// How many nodes the database holds (read from the count store).
// columns: n
MATCH (n)
RETURN count(n) AS n
