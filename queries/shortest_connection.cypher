// The shortest connection between two entities (at most 6 relationships, articles not counted): one row per step.
// aliases: path, connection, shortest-path
// param source (entity): where the connection starts (key, name or alias, any case)
// param target (entity): where it ends (key, name or alias, any case)
// columns: step, name, type, relation_to_next, sources
MATCH (a:Entity {key: $source}), (b:Entity {key: $target})
MATCH p = shortestPath((a)-[:HOLDS_POSITION|PARTNERS_WITH|MEMBER_OF|LEADS|ORGANIZED|PARTICIPATED_IN|LOCATED_IN|VISITED|PART_OF*..6]-(b))
WITH nodes(p) AS ns, relationships(p) AS rs
UNWIND range(0, size(ns) - 1) AS i
WITH i, ns[i] AS n, CASE WHEN i < size(rs) THEN rs[i] END AS r
RETURN i AS step,
       n.name AS name,
       n.type AS type,
       CASE WHEN r IS NULL THEN ''
            WHEN startNode(r) = n THEN '-[' + type(r) + ']->'
            ELSE '<-[' + type(r) + ']-' END AS relation_to_next,
       CASE WHEN r IS NULL THEN [] ELSE r.sources END AS sources
ORDER BY step
