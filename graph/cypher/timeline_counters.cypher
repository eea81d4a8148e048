// The timeline counters per relationship type: the sum of their counts.
// Parameters: none. Columns: relation, counted.
MATCH (c:TimelineCount)
RETURN c.relation AS relation, sum(c.count) AS counted
