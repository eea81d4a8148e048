// Number of nodes carrying each label.
// columns: label (string), count (integer); one row per label, by label
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
