// The extraction stored on each Article node, to load it again (after a merge or split).
// param ids: list of article ids
// columns: id, contentHash, extraction (the article's `eikg extract` object as zlib-compressed JSON bytes)
UNWIND $ids AS id
MATCH (a:Article {id: id})
WHERE a.extraction IS NOT NULL
RETURN a.id AS id, a.contentHash AS contentHash, a.extraction AS extraction
