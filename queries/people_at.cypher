// People and their positions at an organisation.
// aliases: people, positions, staff
// param name (entity): the organisation (key, name or alias, any case)
// columns: person, title, sources, first_seen, last_seen
MATCH (p:Person)-[r:HOLDS_POSITION]->(o:Entity {key: $name})
RETURN p.name AS person,
       r.title AS title,
       r.sources AS sources,
       r.firstSeen AS first_seen,
       r.lastSeen AS last_seen
ORDER BY person
