// College-enterprise partnerships, the most reported first.
// aliases: college-enterprise, school-enterprise, colleges_enterprises
// param limit (int, default 100): at most this many partnerships
// columns: college, enterprise, articles, first_seen, last_seen, evidence
// Driven from the PARTNERS_WITH relationships (one type scan) rather than expanding every
// college, whose relationship chains are mostly MENTIONS from articles.
MATCH (a)-[r:PARTNERS_WITH]->(b)
WITH r, CASE WHEN a:College AND b:Enterprise THEN [a, b]
             WHEN b:College AND a:Enterprise THEN [b, a] END AS pair
WHERE pair IS NOT NULL
WITH pair[0] AS c, pair[1] AS e, r
RETURN c.name AS college,
       e.name AS enterprise,
       size(r.sources) AS articles,
       r.firstSeen AS first_seen,
       r.lastSeen AS last_seen,
       r.evidence[0] AS evidence
ORDER BY articles DESC, college, enterprise
LIMIT $limit
