// Add to the timeline counters: how many relationships of a type were first seen in
// a year ('' for relationships with no date). A counter that reaches zero is deleted,
// so the counters of a graph depend only on its relationships, not on its history.
// param rows: list of {relation, year, delta}, sorted by relation and year (so
//   concurrent loads lock the counters in one order)
// columns: none
UNWIND $rows AS row
MERGE (c:TimelineCount {relation: row.relation, year: row.year})
ON CREATE SET c.count = 0
SET c.count = c.count + row.delta
WITH c
WHERE c.count <= 0
DELETE c
