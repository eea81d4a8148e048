// Create or update entity nodes of one set of labels, one row per key. __LABELS__
// is replaced by the labels of the rows' EntityType, taken from the ontology
// (e.g. :Entity:Organization:College).
// param rows: list of {key, name, type, forms (every surface form the batch's
//   articles use: names and aliases), date, firstSeen, lastSeen (publication dates)}
// columns: none
// replan=skip: its plan (unique-index seeks) does not depend on counts, and a
// graph growing fast under a load would otherwise have it re-planned again and again.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (n:Entity {key: row.key})
ON CREATE SET n__LABELS__,
    n.name = row.name,
    n.type = row.type,
    n.aliases = [x IN row.forms WHERE x <> row.name],
    n.date = row.date,
    n.firstSeen = row.firstSeen,
    n.lastSeen = row.lastSeen
ON MATCH SET n.aliases = n.aliases + [x IN row.forms WHERE x <> n.name AND NOT x IN n.aliases],
    n.date = coalesce(n.date, row.date),
    n.firstSeen = CASE WHEN n.firstSeen IS NULL OR row.firstSeen < n.firstSeen
                       THEN coalesce(row.firstSeen, n.firstSeen) ELSE n.firstSeen END,
    n.lastSeen = CASE WHEN n.lastSeen IS NULL OR row.lastSeen > n.lastSeen
                      THEN coalesce(row.lastSeen, n.lastSeen) ELSE n.lastSeen END
