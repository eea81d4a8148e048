// The mode of every procedure (READ, WRITE, SCHEMA, DBMS), to tell whether a call only reads.
// columns: name, mode
SHOW PROCEDURES YIELD name, mode
RETURN name, mode
