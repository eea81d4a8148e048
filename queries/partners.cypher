// Partners of an organisation, with an evidence sentence, its sources and when the partnership was first and last seen.
// aliases: partners-of, partners_of, partnerships
// param name (entity): the organisation (key, name or alias, any case)
// param limit (int, default 100): at most this many partners
// columns: partner, partner_type, partner_key, evidence, sources, first_seen, last_seen
MATCH (o:Entity {key: $name})-[r:PARTNERS_WITH]-(p:Entity)
RETURN p.name AS partner,
       p.type AS partner_type,
       p.key AS partner_key,
       r.evidence[0] AS evidence,
       r.sources AS sources,
       r.firstSeen AS first_seen,
       r.lastSeen AS last_seen
ORDER BY size(r.sources) DESC, partner
LIMIT $limit
