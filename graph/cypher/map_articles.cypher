// Title and publication date of given articles, naming a map's evidence.
// param ids: list of article ids
// columns: id, title, published
MATCH (a:Article)
WHERE a.id IN $ids
RETURN a.id AS id, a.title AS title, toString(a.published) AS published
