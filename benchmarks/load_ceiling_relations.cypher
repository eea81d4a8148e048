// The server's ceiling, for comparison only: one bare relationship per extracted
// relation (no MERGE, no properties), between nodes the loader wrote.
// Parameters: $rows, each {h, t (entity keys)}. Columns: none.
UNWIND $rows AS row
MATCH (h:Entity {key: row.h})
MATCH (t:Entity {key: row.t})
CREATE (h)-[:EIKG_BENCH_CEILING]->(t)
