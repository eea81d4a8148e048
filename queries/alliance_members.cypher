// Members and leader of an alliance: one row per member, leaders first.
// aliases: members, alliance
// param name (entity): the alliance (key, name or alias, any case)
// columns: member, member_type, role, sources, first_seen
MATCH (m:Entity)-[r:MEMBER_OF|LEADS]->(a:Entity {key: $name})
WITH m, collect(type(r)) AS kinds, collect(r) AS rels
UNWIND rels AS r
UNWIND r.sources AS source
WITH m, kinds, collect(DISTINCT source) AS sources, min(r.firstSeen) AS first_seen
RETURN m.name AS member,
       m.type AS member_type,
       CASE WHEN 'LEADS' IN kinds THEN 'leader' ELSE 'member' END AS role,
       sources,
       first_seen
ORDER BY role, member
