// College-enterprise partnerships, the most reported first.
// aliases: college-enterprise, school-enterprise, colleges_enterprises
// param limit (int, default 100): at most this many partnerships
// columns: college, enterprise, articles, first_seen, last_seen, evidence
MATCH (c:College)-[r:PARTNERS_WITH]-(e:Enterprise)
RETURN c.name AS college,
       e.name AS enterprise,
       size(r.sources) AS articles,
       r.firstSeen AS first_seen,
       r.lastSeen AS last_seen,
       r.evidence[0] AS evidence
ORDER BY articles DESC, college, enterprise
LIMIT $limit
