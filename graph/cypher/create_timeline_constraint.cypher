// Uniqueness of the timeline counters: one TimelineCount node per relationship type and year.
// columns: none
CREATE CONSTRAINT timeline_count_key IF NOT EXISTS FOR (c:TimelineCount) REQUIRE (c.relation, c.year) IS UNIQUE
