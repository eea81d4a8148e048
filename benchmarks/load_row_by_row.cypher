// The tutorial approach, one statement per extracted relation: merge both
// entities and the relationship, appending the article and sentence.
// __TYPE__ is the relationship type. Parameters: $head, $tail (keys), $headName,
// $tailName, $article, $sentence. Columns: none.
MERGE (h:Entity {key: $head}) ON CREATE SET h.name = $headName
MERGE (t:Entity {key: $tail}) ON CREATE SET t.name = $tailName
MERGE (h)-[r:__TYPE__]->(t)
ON CREATE SET r.sources = [$article], r.evidence = [$sentence]
ON MATCH SET r.sources = CASE WHEN $article IN r.sources THEN r.sources ELSE r.sources + $article END,
             r.evidence = CASE WHEN size(r.evidence) >= 5 THEN r.evidence ELSE r.evidence + $sentence END
