// Store analysis scores as properties of entity nodes (the --write-back of eikg analyze).
// param rows: list of {key, props} maps; props holds only score properties named by eikg
// columns: updated
UNWIND $rows AS row
MATCH (e:Entity {key: row.key})
SET e += row.props
RETURN count(e) AS updated
