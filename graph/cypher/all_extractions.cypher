// The extraction stored on every Article node, for cross-article resolution.
// columns: id, contentHash, extraction (the article's `eikg extract` object as zlib-compressed JSON bytes)
MATCH (a:Article)
WHERE a.extraction IS NOT NULL
RETURN a.id AS id, a.contentHash AS contentHash, a.extraction AS extraction
ORDER BY a.id
