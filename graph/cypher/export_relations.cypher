// The relationships leaving one page of entities, with provenance, for RDF export (keyset pages over head keys).
// param after: the last head key of the previous page ('' for the first page)
// param size: head entities per page
// columns: last (the page's last head key), chunk (lists of head, type, tail, sources, evidence, evidenceSources, firstSeen, lastSeen, title, confidence)
MATCH (h:Entity)
WHERE h.key > $after
WITH h ORDER BY h.key LIMIT $size
WITH collect(h) AS heads
WITH heads, heads[-1].key AS last
WHERE size(heads) > 0
UNWIND heads AS h
OPTIONAL MATCH (h)-[r:HOLDS_POSITION|PARTNERS_WITH|MEMBER_OF|LEADS|ORGANIZED|PARTICIPATED_IN|LOCATED_IN|VISITED|PART_OF]->(t:Entity)
WITH last, collect(CASE WHEN r IS NULL THEN null ELSE
         [h.key, type(r), t.key, coalesce(r.sources, []), coalesce(r.evidence, []),
          coalesce(r.evidenceSources, []), toString(r.firstSeen), toString(r.lastSeen),
          r.title, r.confidence] END) AS chunk
RETURN last, chunk
