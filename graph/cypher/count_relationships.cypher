// Number of relationships of each type.
// columns: type (string), count (integer); one row per type, by type
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
