// Every partnership between two organisations reported within a date window, for the report and the partnership map's counts.
// param since: keep partnerships last seen on or after this ISO date, or null
// param until: keep partnerships first seen on or before this ISO date, or null
// columns: a_key, a_name, a_type, b_key, b_name, b_type, articles, first_seen, last_seen, evidence, evidence_sources
// A window keeps a partnership when its [firstSeen, lastSeen] span overlaps it (as eikg analyze
// --since/--until does); one type scan, each partnership once (stored from the smaller key).
MATCH (a)-[r:PARTNERS_WITH]->(b)
WHERE a:Organization AND b:Organization
  AND ($since IS NULL OR toString(r.lastSeen) >= $since)
  AND ($until IS NULL OR toString(r.firstSeen) <= $until)
RETURN a.key AS a_key, a.name AS a_name, a.type AS a_type,
       b.key AS b_key, b.name AS b_name, b.type AS b_type,
       size(coalesce(r.sources, [])) AS articles,
       toString(r.firstSeen) AS first_seen,
       toString(r.lastSeen) AS last_seen,
       coalesce(r.evidence, []) AS evidence,
       coalesce(r.evidenceSources, []) AS evidence_sources
