// Every entity name and alias, to suggest the closest ones for a name not found.
// columns: name, aliases
MATCH (e:Entity)
RETURN e.name AS name, coalesce(e.aliases, []) AS aliases
