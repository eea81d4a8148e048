// The entity whose key is $name and those whose name is exactly $name (two index lookups; tried before the case-insensitive scan).
// param name: the text to look up
// columns: key, name, type, exact
CALL {
  MATCH (e:Entity {key: $name}) RETURN e
  UNION
  MATCH (e:Entity {name: $name}) RETURN e
}
RETURN e.key AS key, e.name AS name, e.type AS type, true AS exact
ORDER BY key
LIMIT 20
