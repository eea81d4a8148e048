// Organisations ranked by their number of partners.
// aliases: ranking, most-partners, top
// param limit (int, default 25): at most this many organisations
// columns: organisation, organisation_type, partners
// Driven from the PARTNERS_WITH relationships (one type scan, each seen from both ends), not
// from every organisation's degree: a degree lookup on a node with fewer than 50 relationships
// walks its whole chain, MENTIONS included (2-2.5x slower on a 55,000-entity graph).
MATCH (o)-[:PARTNERS_WITH]-()
WITH o, count(*) AS partners
WHERE o:Organization
RETURN o.name AS organisation,
       o.type AS organisation_type,
       partners
ORDER BY partners DESC, organisation
LIMIT $limit
