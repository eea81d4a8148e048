// Withdraw the given articles' mentions: delete their MENTIONS, delete entities no
// article mentions any more, and recompute aliases and first/last seen dates of
// the rest from their remaining mentions. Run after remove_relationship_sources.
// param ids: list of article ids
// columns: none
MATCH (a:Article)-[m:MENTIONS]->(e:Entity)
WHERE a.id IN $ids
DELETE m
WITH DISTINCT e
CALL (e) {
  OPTIONAL MATCH (other:Article)-[m:MENTIONS]->(e)
  WITH count(m) AS n, min(other.published) AS first, max(other.published) AS last,
       reduce(acc = [], names IN collect(m.names) | acc + [x IN names WHERE NOT x IN acc]) AS forms
  RETURN n, first, last, forms
}
CALL (e, n, first, last, forms) {
  WITH * WHERE n > 0
  SET e.aliases = [x IN forms WHERE x <> e.name], e.firstSeen = first, e.lastSeen = last
}
CALL (e, n) {
  WITH * WHERE n = 0
  DETACH DELETE e
}
