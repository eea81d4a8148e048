// Events an organisation organised or attended, with their dates and places, latest first.
// aliases: events, events-of
// param name (entity): the organisation (key, name or alias, any case)
// columns: event, role, date, places, sources
MATCH (o:Entity {key: $name})-[r:ORGANIZED|PARTICIPATED_IN]->(ev:Event)
OPTIONAL MATCH (ev)-[:LOCATED_IN]->(pl:Entity)
WITH ev, r, collect(DISTINCT pl.name) AS places
RETURN ev.name AS event,
       CASE type(r) WHEN 'ORGANIZED' THEN 'organised' ELSE 'attended' END AS role,
       ev.date AS date,
       places,
       r.sources AS sources
ORDER BY date DESC, event
