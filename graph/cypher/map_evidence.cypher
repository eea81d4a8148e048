// Title and evidence of given relationships, for a map's tooltips.
// param edges: list of maps {head, type, tail} (entity keys and relationship type)
// columns: head, type, tail, title, evidence, evidenceSources
UNWIND $edges AS e
MATCH (h:Entity {key: e.head})-[r]->(t:Entity {key: e.tail})
WHERE type(r) = e.type
RETURN h.key AS head, type(r) AS type, t.key AS tail, r.title AS title,
       coalesce(r.evidence, []) AS evidence, coalesce(r.evidenceSources, []) AS evidenceSources
