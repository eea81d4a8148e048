// Every relationship between entities with its provenance, for RDF export (streamed).
// columns: head, type, tail, sources, evidence, evidenceSources, firstSeen, lastSeen, title, confidence
MATCH (h:Entity)-[r:HOLDS_POSITION|PARTNERS_WITH|MEMBER_OF|LEADS|ORGANIZED|PARTICIPATED_IN|LOCATED_IN|VISITED|PART_OF]->(t:Entity)
RETURN h.key AS head,
       type(r) AS type,
       t.key AS tail,
       coalesce(r.sources, []) AS sources,
       coalesce(r.evidence, []) AS evidence,
       coalesce(r.evidenceSources, []) AS evidenceSources,
       toString(r.firstSeen) AS firstSeen,
       toString(r.lastSeen) AS lastSeen,
       r.title AS title,
       r.confidence AS confidence
