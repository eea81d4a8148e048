// A timeline of relations: how many relationships of each type were first seen in each year.
// aliases: years, per-year
// columns: year, relation, relations
// One branch per type: a relationship-type scan each, several times faster than one multi-type pattern.
CALL {
  MATCH ()-[r:HOLDS_POSITION]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'HOLDS_POSITION' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:PARTNERS_WITH]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'PARTNERS_WITH' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:MEMBER_OF]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'MEMBER_OF' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:LEADS]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'LEADS' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:ORGANIZED]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'ORGANIZED' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:PARTICIPATED_IN]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'PARTICIPATED_IN' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:LOCATED_IN]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'LOCATED_IN' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:VISITED]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'VISITED' AS relation, count(*) AS relations
  UNION ALL
  MATCH ()-[r:PART_OF]->() WHERE r.firstSeen IS NOT NULL
  RETURN left(toString(r.firstSeen), 4) AS year, 'PART_OF' AS relation, count(*) AS relations
}
RETURN year, relation, relations
ORDER BY year, relation
