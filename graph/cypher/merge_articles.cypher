// Create or update Article nodes.
// Parameters: $rows, each {id, url, title, published, publisher, contentHash,
// extraction (the article's extraction as JSON, for merges that reload it)}.
// Columns: none.
UNWIND $rows AS row
MERGE (a:Article {id: row.id})
SET a.url = row.url,
    a.title = row.title,
    a.published = row.published,
    a.publisher = row.publisher,
    a.contentHash = row.contentHash,
    a.extraction = row.extraction
