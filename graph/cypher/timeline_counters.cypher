// The timeline counters per relationship type: the sum of their counts.
// columns: relation, counted
MATCH (c:TimelineCount)
RETURN c.relation AS relation, sum(c.count) AS counted
