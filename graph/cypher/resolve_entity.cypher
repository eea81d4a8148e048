// Entities whose key, name or one alias equals $name, ignoring case.
// param name: the text to look up
// columns: key, name, type, exact
MATCH (e:Entity)
WHERE e.key = $name
   OR toLower(e.name) = toLower($name)
   OR any(a IN coalesce(e.aliases, []) WHERE toLower(a) = toLower($name))
RETURN e.key AS key,
       e.name AS name,
       e.type AS type,
       e.key = $name OR toLower(e.name) = toLower($name) AS exact
ORDER BY exact DESC, key
LIMIT 20
