// Withdraw the given articles' support from the relationships between entities
// they mention: drop them from sources and their sentences from evidence, delete
// relationships no article supports any more, and recompute the first/last seen
// dates of the rest from their remaining sources.
// Parameters: $ids (list of article ids). Columns: none.
MATCH (a:Article)-[:MENTIONS]->(:Entity)-[r]->(:Entity)
WHERE a.id IN $ids AND any(s IN r.sources WHERE s IN $ids)
WITH DISTINCT r
WITH r, [s IN r.sources WHERE NOT s IN $ids] AS sources,
     [i IN range(0, size(r.evidence) - 1) WHERE NOT r.evidenceSources[i] IN $ids] AS keep
CALL (r, sources, keep) {
  WITH * WHERE size(sources) > 0
  OPTIONAL MATCH (src:Article) WHERE src.id IN sources
  WITH r, sources, keep, min(src.published) AS first, max(src.published) AS last
  SET r.sources = sources,
      r.evidence = [i IN keep | r.evidence[i]],
      r.evidenceSources = [i IN keep | r.evidenceSources[i]],
      r.firstSeen = first,
      r.lastSeen = last
}
CALL (r, sources) {
  WITH * WHERE size(sources) = 0
  DELETE r
}
