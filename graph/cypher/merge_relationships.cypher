// Create or update relationships of one type between entities, one row per
// extracted relation, adding provenance without repeating it. __TYPE__ is replaced
// by the relationship type, taken from the ontology (e.g. PARTNERS_WITH). An
// article already among the sources adds nothing (so a reload changes nothing);
// otherwise it joins the sources and its sentence the evidence, up to $cap.
// Rows of one statement come from distinct articles per relationship (the loader
// keeps one row per article and relationship).
// param rows: list of {head, tail (entity keys), article (id), sentence, title, confidence, published}
// param cap: most evidence sentences kept per relationship
// columns: old, new, n: n relationships moved in the timeline from year old to year
//   new (old null: just created). countedYear records the year each relationship is
//   counted under ('' for no date), set once all rows are merged, so a relationship
//   merged by several rows moves once, to its final year.
// replan=skip: its plan (unique-index seeks) does not depend on counts, and a
// graph growing fast under a load would otherwise have it re-planned again and again.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (h:Entity {key: row.head})
MATCH (t:Entity {key: row.tail})
MERGE (h)-[r:__TYPE__]->(t)
ON CREATE SET r.sources = [row.article],
    r.evidence = CASE WHEN row.sentence IS NULL THEN [] ELSE [row.sentence] END,
    r.evidenceSources = CASE WHEN row.sentence IS NULL THEN [] ELSE [row.article] END,
    r.confidence = row.confidence,
    r.title = row.title,
    r.firstSeen = row.published,
    r.lastSeen = row.published
// The conditions are read as each row is merged (no WITH projects them ahead of
// the writes), so rows of one statement see each other's sources and evidence.
ON MATCH SET r.evidence = CASE
      WHEN row.article IN r.sources OR row.sentence IS NULL OR size(r.evidence) >= $cap THEN r.evidence
      ELSE r.evidence + row.sentence END,
    r.evidenceSources = CASE
      WHEN row.article IN r.sources OR row.sentence IS NULL OR size(r.evidenceSources) >= $cap THEN r.evidenceSources
      ELSE r.evidenceSources + row.article END,
    r.sources = CASE WHEN row.article IN r.sources THEN r.sources ELSE r.sources + row.article END,
    r.confidence = CASE WHEN row.confidence > r.confidence THEN row.confidence ELSE r.confidence END,
    r.title = coalesce(r.title, row.title),
    r.firstSeen = CASE WHEN r.firstSeen IS NULL OR row.published < r.firstSeen
                       THEN coalesce(row.published, r.firstSeen) ELSE r.firstSeen END,
    r.lastSeen = CASE WHEN r.lastSeen IS NULL OR row.published > r.lastSeen
                      THEN coalesce(row.published, r.lastSeen) ELSE r.lastSeen END
WITH DISTINCT r
WITH r, r.countedYear AS old, coalesce(left(toString(r.firstSeen), 4), '') AS new
WHERE old IS NULL OR old <> new
SET r.countedYear = new
RETURN old, new, count(*) AS n
