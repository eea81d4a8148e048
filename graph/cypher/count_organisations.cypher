// How many organisations are seen within a date window: those whose [firstSeen, lastSeen]
// span overlaps it (all of them without a window).
// param since: ISO date the window starts on, or null
// param until: ISO date the window ends on, or null
// columns: organisations
MATCH (o:Organization)
WHERE ($since IS NULL AND $until IS NULL)
   OR (($since IS NULL OR toString(o.lastSeen) >= $since)
       AND ($until IS NULL OR toString(o.firstSeen) <= $until))
RETURN count(o) AS organisations
