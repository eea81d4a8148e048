"""The project's own error types: the CLI prints them as one line and exits 1."""


class EikgError(Exception):
    """Base of every error eikg reports to a user as one line."""


class InputError(EikgError):
    """An input file or value cannot be used (names the file or value)."""


class ServerError(EikgError):
    """The local Neo4j cannot be installed, started or reached."""


class QueryError(EikgError):
    """A query is unknown, refused or failed."""
