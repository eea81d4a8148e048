// A timeline of relations: how many relationships of each type were first seen in each year.
// aliases: years, per-year
// columns: year, relation, relations
// One branch per type (a relationship-type scan each, several times faster than one
// multi-type pattern), counting per day first so the year is cut once per day, not per relationship.
// The IS NOT NULL test comes before counting so that the schema's range index on each type's
// firstSeen (eikg:indexedFor in ontology.ttl) serves the branch alone: an index scan in date
// order with the values cached, counted by ordered aggregation (on 212,000 relationships,
// 79 ms against 218 ms reading each relationship's properties).
CALL {
  MATCH ()-[r:HOLDS_POSITION]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'HOLDS_POSITION' AS relation, n
  UNION ALL
  MATCH ()-[r:PARTNERS_WITH]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'PARTNERS_WITH' AS relation, n
  UNION ALL
  MATCH ()-[r:MEMBER_OF]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'MEMBER_OF' AS relation, n
  UNION ALL
  MATCH ()-[r:LEADS]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'LEADS' AS relation, n
  UNION ALL
  MATCH ()-[r:ORGANIZED]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'ORGANIZED' AS relation, n
  UNION ALL
  MATCH ()-[r:PARTICIPATED_IN]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'PARTICIPATED_IN' AS relation, n
  UNION ALL
  MATCH ()-[r:LOCATED_IN]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'LOCATED_IN' AS relation, n
  UNION ALL
  MATCH ()-[r:VISITED]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'VISITED' AS relation, n
  UNION ALL
  MATCH ()-[r:PART_OF]->() WHERE r.firstSeen IS NOT NULL WITH r.firstSeen AS day, count(*) AS n
  RETURN left(toString(day), 4) AS year, 'PART_OF' AS relation, n
}
RETURN year, relation, sum(n) AS relations
ORDER BY year, relation
