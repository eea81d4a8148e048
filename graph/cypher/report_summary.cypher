// The report's opening numbers: articles published within a date window, their first and last dates, and the organisations seen in it.
// param since: count articles published on or after this ISO date, or null
// param until: count articles published on or before this ISO date, or null
// columns: articles, first_published, last_published, organisations
// An organisation is seen in the window when its [firstSeen, lastSeen] span overlaps it.
CALL {
  MATCH (a:Article)
  WHERE ($since IS NULL OR toString(a.published) >= $since)
    AND ($until IS NULL OR left(toString(a.published), 10) <= $until)
  RETURN count(a) AS articles,
         min(toString(a.published)) AS first_published,
         max(toString(a.published)) AS last_published
}
CALL {
  MATCH (o:Organization)
  WHERE ($since IS NULL AND $until IS NULL)
     OR (($since IS NULL OR toString(o.lastSeen) >= $since)
         AND ($until IS NULL OR toString(o.firstSeen) <= $until))
  RETURN count(o) AS organisations
}
RETURN articles, first_published, last_published, organisations
