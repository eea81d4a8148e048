// Withdraw the given articles' support from the relationships between entities
// they mention: drop them from sources and their sentences from evidence, delete
// relationships no article supports any more, and recompute the first/last seen
// dates of the rest from their remaining sources.
// param ids: list of article ids
// columns: relation, old, new, n: n relationships of type relation moved in the
//   timeline from year old to year new (new null: deleted; see merge_relationships)
MATCH (a:Article)-[:MENTIONS]->(:Entity)-[r]->(:Entity)
WHERE a.id IN $ids AND any(s IN r.sources WHERE s IN $ids)
WITH DISTINCT r
WITH r, [s IN r.sources WHERE NOT s IN $ids] AS sources,
     [i IN range(0, size(r.evidence) - 1) WHERE NOT r.evidenceSources[i] IN $ids] AS keep,
     type(r) AS relation, r.countedYear AS old
CALL (sources) {
  OPTIONAL MATCH (src:Article) WHERE src.id IN sources
  RETURN min(src.published) AS first, max(src.published) AS last
}
WITH r, sources, keep, relation, old, first, last,
     CASE WHEN size(sources) = 0 THEN null ELSE coalesce(left(toString(first), 4), '') END AS new
CALL (r, sources, keep, first, last, new) {
  WITH * WHERE size(sources) > 0
  SET r.sources = sources,
      r.evidence = [i IN keep | r.evidence[i]],
      r.evidenceSources = [i IN keep | r.evidenceSources[i]],
      r.firstSeen = first,
      r.lastSeen = last,
      r.countedYear = new
}
CALL (r, sources) {
  WITH * WHERE size(sources) = 0
  DELETE r
}
WITH relation, old, new
WHERE old IS NULL OR new IS NULL OR old <> new
RETURN relation, old, new, count(*) AS n
