// Claim the articles about to be loaded and return their stored state. Each Article
// node is merged (created, empty, when new) and write-locked until the transaction
// ends, in the order of $ids (sorted, so two loads claim in one order and cannot
// deadlock over articles). A second load of the same articles at the same time waits
// here until the first commits, then reads what it stored and skips or replaces it,
// never writing an article twice.
// param ids: list of article ids, sorted
// columns: id, contentHash (null when new, or when a load of it never finished),
//   new (true when this transaction created the node)
// replan=skip: its plan (unique-index seeks) does not depend on counts.
CYPHER replan=skip
UNWIND $ids AS id
MERGE (a:Article {id: id})
ON CREATE SET a.claim = 'new'
ON MATCH SET a.claim = 'stored'
WITH a, a.claim = 'new' AS new
REMOVE a.claim
RETURN a.id AS id, a.contentHash AS contentHash, new
