// Organisations linked to a person, by any relationship, with its title for positions.
// aliases: person, organisations-of, orgs-of
// param name (entity): the person (key, name or alias, any case)
// columns: organisation, organisation_type, relation, title, sources
MATCH (p:Person {key: $name})-[r]-(o:Organization)
RETURN o.name AS organisation,
       o.type AS organisation_type,
       type(r) AS relation,
       r.title AS title,
       r.sources AS sources
ORDER BY organisation, relation
