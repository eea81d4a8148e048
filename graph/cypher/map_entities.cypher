// Event dates of given entities, for a map's tooltips.
// param keys: list of entity keys
// columns: key, date
MATCH (e:Entity)
WHERE e.key IN $keys AND e.date IS NOT NULL
RETURN e.key AS key, toString(e.date) AS date
