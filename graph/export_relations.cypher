// Every relationship between entities with its provenance, for RDF export, in chunks of 5,000 rows.
// columns: chunk (lists of head, type, tail, sources, evidence, evidenceSources, firstSeen, lastSeen, title, confidence)
MATCH (h:Entity)-[r:HOLDS_POSITION|PARTNERS_WITH|MEMBER_OF|LEADS|ORGANIZED|PARTICIPATED_IN|LOCATED_IN|VISITED|PART_OF]->(t:Entity)
WITH collect([h.key, type(r), t.key, coalesce(r.sources, []), coalesce(r.evidence, []),
              coalesce(r.evidenceSources, []), toString(r.firstSeen), toString(r.lastSeen),
              r.title, r.confidence]) AS rows
UNWIND range(0, size(rows) - 1, 5000) AS i
RETURN rows[i..i + 5000] AS chunk
