// A timeline of relations: how many relationships of each type were first seen in each year.
// aliases: years, per-year
// columns: year, relation, relations
// Reads the counters every load keeps per relationship type and year (graph/timeline.py:
// TimelineCount nodes, updated in the transaction that writes the relationships), a few
// dozen nodes instead of every relationship; relationships with no date are counted
// under year '' and left out here.
MATCH (c:TimelineCount)
WHERE c.year <> '' AND c.count > 0
RETURN c.year AS year, c.relation AS relation, c.count AS relations
ORDER BY year, relation
