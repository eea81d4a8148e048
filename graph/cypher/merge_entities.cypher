// Create or update entity nodes of one set of labels, and link each to the article
// that names it. __LABELS__ is replaced by the labels of the rows' EntityType, taken
// from the ontology (e.g. :Entity:Organization:College).
// Parameters: $rows, each {key, name, type, forms (the surface forms the article
// uses: name and aliases), date, published (the article's date), article (its id),
// count (mentions in the article)}. Columns: none.
UNWIND $rows AS row
MERGE (n:Entity {key: row.key})
ON CREATE SET n.name = row.name, n.type = row.type, n.aliases = []
SET n__LABELS__,
    n.aliases = n.aliases + [x IN row.forms WHERE x <> n.name AND NOT x IN n.aliases],
    n.date = coalesce(n.date, row.date),
    n.firstSeen = CASE WHEN n.firstSeen IS NULL OR row.published < n.firstSeen
                       THEN coalesce(row.published, n.firstSeen) ELSE n.firstSeen END,
    n.lastSeen = CASE WHEN n.lastSeen IS NULL OR row.published > n.lastSeen
                      THEN coalesce(row.published, n.lastSeen) ELSE n.lastSeen END
WITH n, row
MATCH (a:Article {id: row.article})
MERGE (a)-[m:MENTIONS]->(n)
SET m.count = row.count, m.names = row.forms
