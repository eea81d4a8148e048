// A timeline of relations: how many relationships of each type were first seen in each year.
// aliases: years, per-year
// columns: year, relation, relations
MATCH (:Entity)-[r:HOLDS_POSITION|PARTNERS_WITH|MEMBER_OF|LEADS|ORGANIZED|PARTICIPATED_IN|LOCATED_IN|VISITED|PART_OF]->(:Entity)
WHERE r.firstSeen IS NOT NULL
RETURN substring(toString(r.firstSeen), 0, 4) AS year,
       type(r) AS relation,
       count(*) AS relations
ORDER BY year, relation
