// Organisations ranked by their number of partners.
// aliases: ranking, most-partners, top
// param limit (int, default 25): at most this many organisations
// columns: organisation, organisation_type, partners
MATCH (o:Organization)
WITH o, COUNT { (o)-[:PARTNERS_WITH]-() } AS partners
WHERE partners > 0
RETURN o.name AS organisation,
       o.type AS organisation_type,
       partners
ORDER BY partners DESC, organisation
LIMIT $limit
