"""The decision files of entity resolution: what a person and the resolver decided.

A merge is a human judgement, so it is kept outside the database, in a JSON Lines
merge file (``data/merges.jsonl`` by default), one decision per line::

    {"keep": "college:northeastern university", "drop": "college:neu",
     "name": "Northeastern University", "type": "COLLEGE", "at": "2026-11-23T05:00:00+00:00"}
    {"apart": ["college:northeastern university", "college:neu"]}

The second kind keeps two keys apart: ``eikg split`` writes it when it undoes a
merge the resolver made (:mod:`eikg.resolution`, whose decisions live in
``resolved.jsonl`` beside the merge file and whose suggestions a person reviews).

Every load reads these files (:func:`load_redirects`) and writes an entity whose
key was dropped under the key it was kept as (:class:`eikg.graph.loader.Redirect`),
so a reload never undoes a merge. A file that cannot be read or written is an
:class:`~eikg.errors.InputError` naming it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from eikg.errors import InputError
from eikg.graph.loader import Redirect
from eikg.records import EntityType, jsonl_lines

#: Where merge decisions are kept unless told otherwise.
MERGES_FILE = Path("data/merges.jsonl")


@dataclass(frozen=True)
class MergeRecord:
    keep: str  # the key that survives
    drop: str  # the key merged into it
    name: str  # the surviving entity's name
    type: EntityType  # the surviving entity's type
    at: str = ""  # when the decision was made (ISO 8601)


def resolved_file(merges: Path | str = MERGES_FILE) -> Path:
    """Where the resolver keeps its decisions: ``resolved.jsonl`` beside the merge file."""
    return Path(merges).with_name("resolved.jsonl")


def _decision_lines(path: Path) -> Iterable[tuple[int, dict]]:
    """(line number, JSON object) of each non-blank line of a decision file."""
    if not path.exists():
        return
    for n, line in jsonl_lines(path):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{n}: not a merge record ({err})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{path}:{n}: not a merge record (not an object)")
        yield n, obj


@dataclass(frozen=True)
class Decisions:
    """One decision file, read once: its merges and the pairs kept apart, each with
    its line number (both empty when the file does not exist)."""

    path: Path
    merges: tuple[tuple[int, MergeRecord], ...]
    apart: tuple[tuple[int, tuple[str, str]], ...]

    @property
    def records(self) -> list[MergeRecord]:
        return [record for _, record in self.merges]

    @property
    def apart_pairs(self) -> list[tuple[str, str]]:
        return [pair for _, pair in self.apart]

    def unknown_keys(self, known: set[str]) -> list[str]:
        """One line per decision naming a key not in ``known``, with file and line."""
        lines = [(n, (r.keep, r.drop)) for n, r in self.merges] + list(self.apart)
        return [
            f"{self.path}:{n}: no entity with key {key!r}"
            for n, keys in sorted(lines, key=lambda x: x[0])
            for key in keys
            if key not in known
        ]


def read_decisions(path: Path | str = MERGES_FILE) -> Decisions:
    """The decisions in ``path``. A line that is not a decision, merges a key with
    itself, or merges a key already merged elsewhere by an earlier line is an
    InputError naming the file and line."""
    path = Path(path)
    records: list[tuple[int, MergeRecord]] = []
    apart: list[tuple[int, tuple[str, str]]] = []
    first: dict[str, tuple[int, str]] = {}  # dropped key -> (line, kept key)
    for n, obj in _decision_lines(path):
        if "apart" in obj:  # a split a person made: never merged by the resolver
            try:
                apart.append((n, _apart_pair(obj)))
            except (TypeError, ValueError) as err:
                raise InputError(f"{path}:{n}: not an apart record ({err})") from None
            continue
        try:
            record = MergeRecord(
                keep=str(obj["keep"]),
                drop=str(obj["drop"]),
                name=str(obj["name"]),
                type=EntityType(obj["type"]),
                at=str(obj.get("at", "")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"{path}:{n}: not a merge record ({err})") from None
        if record.keep == record.drop:
            raise InputError(f"{path}:{n}: merges {record.drop!r} with itself")
        seen = first.setdefault(record.drop, (n, record.keep))
        if seen[1] != record.keep:
            raise InputError(
                f"{path}:{n}: {record.drop!r} merged into {record.keep!r}, "
                f"but line {seen[0]} merges it into {seen[1]!r}"
            )
        records.append((n, record))
    return Decisions(path, tuple(records), tuple(apart))


def read_merges(path: Path | str = MERGES_FILE) -> list[MergeRecord]:
    """The merge decisions in ``path`` (see :func:`read_decisions`)."""
    return read_decisions(path).records


def _apart_pair(obj: dict) -> tuple[str, str]:
    a, b = obj["apart"]
    return str(a), str(b)


def read_apart(path: Path | str = MERGES_FILE) -> list[tuple[str, str]]:
    """Key pairs a person kept apart (``{"apart": [a, b]}`` lines): never merged by the resolver."""
    return read_decisions(path).apart_pairs


def write_merges(
    records: Iterable[MergeRecord],
    path: Path | str = MERGES_FILE,
    apart: Iterable[tuple[str, str]] | None = None,
) -> None:
    """Replace the merge file with ``records`` and the ``apart`` pairs (those of the
    file when not given); written to a temporary file, then renamed."""
    path = Path(path)
    if apart is None:
        apart = read_apart(path)
    lines = [dict(asdict(r), type=r.type.value) for r in records]
    _replace_lines(path, [*lines, *({"apart": [a, b]} for a, b in apart)])


def write_resolved(records: list[tuple[MergeRecord, float]], path: Path) -> None:
    """Replace the resolver's decision file with ``records`` and their match probabilities."""
    _replace_lines(
        path, [dict(asdict(r), type=r.type.value, probability=p) for r, p in records]
    )


def _replace_lines(path: Path, objects: Iterable[dict]) -> None:
    """Write ``objects`` as JSON Lines to a temporary file, then rename it over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as handle:
            for obj in objects:
                handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
        tmp.replace(path)
    except OSError as err:
        raise InputError(f"{path}: cannot write: {err.strerror}") from None


def redirects(records: Iterable[MergeRecord]) -> dict[str, Redirect]:
    """Each dropped key -> the key it finally lives under (chains followed: B->A, A->C gives B->C).

    >>> rs = [MergeRecord("a", "b", "A", EntityType.COLLEGE), MergeRecord("c", "a", "C", EntityType.COLLEGE)]
    >>> redirects(rs)["b"].key
    'c'
    """
    by_drop = {r.drop: r for r in records}
    out = {}
    for drop in by_drop:
        seen = {drop}
        last = by_drop[drop]
        while last.keep in by_drop:
            if last.keep in seen:
                raise InputError(f"merge file: merges of {drop!r} form a cycle")
            seen.add(last.keep)
            last = by_drop[last.keep]
        out[drop] = Redirect(last.keep, last.name, last.type)
    return out


def load_redirects(path: Path | str = MERGES_FILE) -> dict[str, Redirect]:
    """What every load applies: the resolver's merges (``resolved.jsonl`` beside
    ``path``) overridden by a person's (``path``), see :func:`combined_redirects`."""
    return combined_redirects(read_decisions(path), read_decisions(resolved_file(path)).records)


def combined_redirects(human: Decisions, machine: Iterable[MergeRecord]) -> dict[str, Redirect]:
    """A person's merges over the resolver's: a person's merge of a key replaces the
    resolver's, and the resolver never moves a key a person kept or kept apart."""
    kept = {r.keep for r in human.records} | {r.drop for r in human.records}
    apart = {frozenset(p) for p in human.apart_pairs}
    chosen = [r for r in machine if r.drop not in kept and frozenset((r.keep, r.drop)) not in apart]
    return redirects([*chosen, *human.records])
