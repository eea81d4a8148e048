// Alliances with their leaders and members, memberships reported within a date window, the largest first.
// param since: keep memberships last seen on or after this ISO date, or null
// param until: keep memberships first seen on or before this ISO date, or null
// columns: alliance, leaders, members, articles
// members holds the organisations that are members and do not lead; articles counts the
// distinct articles behind the alliance's memberships and leadership in the window.
MATCH (m:Entity)-[r:MEMBER_OF|LEADS]->(a:Alliance)
WHERE ($since IS NULL OR toString(r.lastSeen) >= $since)
  AND ($until IS NULL OR toString(r.firstSeen) <= $until)
WITH a, m, collect(type(r)) AS kinds, collect(r) AS rels
UNWIND rels AS r
UNWIND coalesce(r.sources, []) AS source
WITH a, m, kinds, collect(DISTINCT source) AS sources
WITH a,
     collect(CASE WHEN 'LEADS' IN kinds THEN m.name END) AS leaders,
     collect(CASE WHEN NOT 'LEADS' IN kinds THEN m.name END) AS members,
     collect(sources) AS sourceLists
UNWIND sourceLists AS sources
UNWIND sources AS source
WITH a, leaders, members, count(DISTINCT source) AS articles
RETURN a.name AS alliance, leaders, members, articles
ORDER BY size(leaders) + size(members) DESC, alliance
