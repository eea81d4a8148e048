// Create or update relationships of one type between entities, adding provenance
// without repeating it. __TYPE__ is replaced by the relationship type, taken from
// the ontology (e.g. PARTNERS_WITH). Evidence of an article already among the
// sources is not added again, so a reload changes nothing.
// Parameters: $rows, each {head, tail (entity keys), sources (article ids),
// evidence, evidenceSources (parallel lists), confidence, firstSeen, lastSeen,
// title}; $cap (most evidence sentences kept per relationship). Columns: none.
UNWIND $rows AS row
MATCH (h:Entity {key: row.head})
MATCH (t:Entity {key: row.tail})
MERGE (h)-[r:__TYPE__]->(t)
ON CREATE SET r.sources = [], r.evidence = [], r.evidenceSources = [], r.confidence = row.confidence
WITH r, row, [i IN range(0, size(row.evidence) - 1) WHERE NOT row.evidenceSources[i] IN r.sources] AS fresh
SET r.evidence = (r.evidence + [i IN fresh | row.evidence[i]])[..$cap],
    r.evidenceSources = (r.evidenceSources + [i IN fresh | row.evidenceSources[i]])[..$cap],
    r.sources = r.sources + [s IN row.sources WHERE NOT s IN r.sources],
    r.confidence = CASE WHEN row.confidence > r.confidence THEN row.confidence ELSE r.confidence END,
    r.title = coalesce(r.title, row.title),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.firstSeen < r.firstSeen
                       THEN coalesce(row.firstSeen, r.firstSeen) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.lastSeen > r.lastSeen
                      THEN coalesce(row.lastSeen, r.lastSeen) ELSE r.lastSeen END
