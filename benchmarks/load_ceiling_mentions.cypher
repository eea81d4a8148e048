// The server's ceiling, for comparison only: one bare relationship per article and
// entity it names (no MERGE, no properties), between nodes the loader wrote.
// Parameters: $rows, each {a (article id), e (entity key)}. Columns: none.
UNWIND $rows AS row
MATCH (a:Article {id: row.a})
MATCH (e:Entity {key: row.e})
CREATE (a)-[:EIKG_BENCH_CEILING]->(e)
