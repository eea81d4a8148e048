"""Entity resolution a person can review: suggest, merge and split entity nodes.

A merge is a human judgement, so it is kept outside the database, in a JSON Lines
merge file (``data/merges.jsonl`` by default), one decision per line::

    {"keep": "college:northeastern university", "drop": "college:neu",
     "name": "Northeastern University", "type": "COLLEGE", "at": "2026-11-23T05:00:00+00:00"}

Every load reads the file and writes an entity whose key was dropped under the key
it was kept as (:class:`eikg.graph.loader.Redirect`), so a reload never undoes a
merge. Merging and splitting reload the affected articles from the extraction each
Article node stores, with the new redirects: relationships, aliases and provenance
then follow from the same code path as any load, and a split restores exactly the
nodes the articles name.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from difflib import SequenceMatcher
from pathlib import Path

import neo4j

from eikg.errors import InputError
from eikg.graph.loader import LoadSummary, Redirect, load, stored_items
from eikg.graph.statements import statement
from eikg.records import EntityType

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
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{n}: not a merge record ({err})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{n}: not a merge record (not an object)")
            yield n, obj


def read_merges(path: Path | str = MERGES_FILE) -> list[MergeRecord]:
    """The merge decisions in ``path`` (none when the file does not exist)."""
    path = Path(path)
    records = []
    for n, obj in _decision_lines(path):
        try:
            if "apart" in obj:  # a split a person made: see read_apart
                _apart_pair(obj)
                continue
            records.append(
                MergeRecord(
                    keep=str(obj["keep"]),
                    drop=str(obj["drop"]),
                    name=str(obj["name"]),
                    type=EntityType(obj["type"]),
                    at=str(obj.get("at", "")),
                )
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"{path}:{n}: not a merge record ({err})") from None
    return records


def _apart_pair(obj: dict) -> tuple[str, str]:
    a, b = obj["apart"]
    return str(a), str(b)


def read_apart(path: Path | str = MERGES_FILE) -> list[tuple[str, str]]:
    """Key pairs a person kept apart (``{"apart": [a, b]}`` lines): never merged by the resolver."""
    path = Path(path)
    pairs = []
    for n, obj in _decision_lines(path):
        if "apart" in obj:
            try:
                pairs.append(_apart_pair(obj))
            except (TypeError, ValueError) as err:
                raise InputError(f"{path}:{n}: not an apart record ({err})") from None
    return pairs


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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(dict(asdict(r), type=r.type.value), ensure_ascii=False) + "\n")
        for a, b in apart:
            handle.write(json.dumps({"apart": [a, b]}, ensure_ascii=False) + "\n")
    tmp.replace(path)


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
    ``path``) overridden by a person's (``path``): a person's merge of a key
    replaces the resolver's, and the resolver never moves a key a person kept."""
    human = read_merges(path)
    kept = {r.keep for r in human} | {r.drop for r in human}
    apart = {frozenset(p) for p in read_apart(path)}
    machine = [
        r
        for r in read_merges(resolved_file(path))
        if r.drop not in kept and frozenset((r.keep, r.drop)) not in apart
    ]
    return redirects([*machine, *human])


def _entity(tx: neo4j.ManagedTransaction, key: str) -> dict | None:
    rec = tx.run(statement("entity_articles"), key=key).single()
    return dict(rec) if rec is not None else None


def _reload(
    driver: neo4j.Driver, ids: list[str], path: Path | str, database: str | None
) -> LoadSummary:
    items = stored_items(driver, ids, database)
    return load(driver, items, database=database, force=True, redirects=load_redirects(path))


def merge_entities(
    driver: neo4j.Driver,
    keep: str,
    drop: str,
    path: Path | str = MERGES_FILE,
    database: str | None = None,
) -> MergeRecord:
    """Merge entity ``drop`` into ``keep``: record the decision in ``path`` and reload
    the articles that name either, so relationships, aliases and provenance move."""
    if keep == drop:
        raise InputError(f"cannot merge {keep!r} with itself")
    with driver.session(database=database) as session:
        kept = session.execute_read(_entity, keep)
        dropped = session.execute_read(_entity, drop)
    for key, found in ((keep, kept), (drop, dropped)):
        if found is None:
            raise InputError(f"no entity with key {key!r}")
    records = read_merges(path)
    record = MergeRecord(
        keep=keep,
        drop=drop,
        name=kept["name"],
        type=EntityType(kept["type"]),
        at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    # the dropped key may itself have absorbed others: they now follow it into `keep`
    write_merges([*records, record], path)
    _reload(driver, sorted(set(kept["articles"]) | set(dropped["articles"])), path, database)
    return record


def split_entity(
    driver: neo4j.Driver,
    key: str,
    path: Path | str = MERGES_FILE,
    database: str | None = None,
) -> list[MergeRecord]:
    """Undo recorded merges: those that dropped ``key``, else those that kept it.

    The decisions leave the merge file and the articles that name the merged
    entity are reloaded, so each key gets its own node again.
    """
    records = read_merges(path)
    undo = [r for r in records if r.drop == key] or [r for r in records if r.keep == key]
    apart = read_apart(path)
    if undo:
        write_merges([r for r in records if r not in undo], path, apart)
    else:
        # a resolver's merge: a person's split keeps the pair apart from now on
        machine = read_merges(resolved_file(path))
        undo = [r for r in machine if r.drop == key] or [r for r in machine if r.keep == key]
        if not undo:
            raise InputError(f"no recorded merge involves {key!r} (merge file {path})")
        write_merges(records, path, [*apart, *((r.keep, r.drop) for r in undo)])
    survivors = {redirects([*records, *undo]).get(r.keep, Redirect(r.keep, r.name, r.type)).key for r in undo}
    ids: set[str] = set()
    with driver.session(database=database) as session:
        for survivor in survivors:
            found = session.execute_read(_entity, survivor)
            if found is not None:
                ids |= set(found["articles"])
    _reload(driver, sorted(ids), path, database)
    return undo


# --- suggestions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    score: float
    a: str  # keys, a < b
    b: str
    name_a: str
    name_b: str
    type: str
    name_similarity: float
    shared_neighbours: int


_WORD = re.compile(r"[\w]+", re.UNICODE)
_SMALL = frozenset({"of", "the", "and", "for", "in", "at", "on", "a", "an", "co", "ltd"})


def _tokens(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in {"the"}]


def abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` reads as an abbreviation of ``full``: every significant word
    of ``full`` gives, in order, its first letter and maybe more of its letters.

    >>> abbreviates("NEU", "Northeastern University")
    True
    >>> abbreviates("NEU", "Nanjing University")
    False
    """
    letters = "".join(_tokens(short))
    words = [w for w in _tokens(full) if w not in _SMALL]
    if not 2 <= len(letters) <= 10 or len(words) < 2 or len(words) > len(letters):
        return False

    def match(i: int, w: int) -> bool:
        if w == len(words):
            return i == len(letters)
        word = words[w]
        if i >= len(letters) or letters[i] != word[0]:
            return False
        # take the first letter, then any further letters of this word in order
        j, k = i + 1, 1
        while True:
            if match(j, w + 1):
                return True
            while k < len(word) and j < len(letters) and word[k] != letters[j]:
                k += 1
            if k >= len(word) or j >= len(letters):
                return False
            j, k = j + 1, k + 1

    return match(0, 0)


def name_similarity(
    forms_a: Iterable[str],
    forms_b: Iterable[str],
    weight: Callable[[str], float] | None = None,
) -> float:
    """How alike two entities' names are, 0..1: the best pair of their surface forms
    by weighted token overlap (``weight`` of a word, e.g. its rarity; 1 by default),
    spelling variants (characters 90% alike) or one being the other's acronym.

    >>> name_similarity(["Northeastern University"], ["NEU"])
    0.9
    >>> name_similarity(["Larkford Vocational College"], ["Larkford Vocational College"])
    1.0
    >>> name_similarity(["Larkford Vocational College"], ["Milton Vocational College"])
    0.5
    """
    w = weight or (lambda token: 1.0)
    best = 0.0
    for x in forms_a:
        for y in forms_b:
            nx, ny = " ".join(_tokens(x)), " ".join(_tokens(y))
            if not nx or not ny:
                continue
            if nx == ny:
                return 1.0
            tx, ty = set(nx.split()), set(ny.split())
            union = sum(w(t) for t in tx | ty)
            overlap = sum(w(t) for t in tx & ty) / union if union else 0.0
            chars = SequenceMatcher(None, nx, ny).ratio()
            spelling = chars * 0.95 if chars >= 0.9 else 0.0
            acro = 0.9 if (" " not in ny and abbreviates(ny, nx)) or (
                " " not in nx and abbreviates(nx, ny)
            ) else 0.0
            best = max(best, overlap, spelling, acro)
    return round(best, 3)


#: least name similarity for a pair to be scored at all (people: stricter)
_NAME_GATE = 0.5
_PERSON_GATE = 0.8


def _abbreviation_block(form: str) -> str:
    """Abbreviation and full name share this block: first and last letter of the
    abbreviation = initials of the full name's first and last significant words."""
    tokens = _tokens(form)
    if len(tokens) == 1:
        return f"abbr:{tokens[0][0]}{tokens[0][-1]}"
    words = [w for w in tokens if w not in _SMALL] or tokens
    return f"abbr:{words[0][0]}{words[-1][0]}" if words else "abbr:"


def score_pairs(entities: list[dict], min_score: float = 0.6) -> list[Suggestion]:
    """Likely duplicates among ``entities`` (dicts with key, name, type, aliases,
    neighbours): same type, similar names, shared neighbours. Pure; best first."""
    by_type: dict[str, list[dict]] = {}
    for e in entities:
        by_type.setdefault(e["type"], []).append(e)
    out = []
    for etype, group in by_type.items():
        # block on rare name tokens and acronyms so not every pair is compared
        index: dict[str, list[int]] = {}
        for i, e in enumerate(group):
            forms = [e["name"], *(e.get("aliases") or ())]
            e["_forms"] = forms
            keys = {t for f in forms for t in _tokens(f) if t not in _SMALL}
            keys |= {_abbreviation_block(f) for f in forms}
            for k in keys:
                index.setdefault(k, []).append(i)
        freq = Counter({k: len(v) for k, v in index.items()})
        # words common among names of this type ("college", "group") count for less
        words = Counter(t for e in group for t in {t for f in e["_forms"] for t in _tokens(f)})

        def rarity(token: str, n: int = len(group), words: Counter = words) -> float:
            return math.log((n + 1) / (words[token] + 1)) + 1.0

        limit = max(50, len(group) // 20)
        pairs = set()
        for k, members in index.items():
            if freq[k] > limit or len(members) < 2:
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
        for i, j in pairs:
            a, b = group[i], group[j]
            sim = name_similarity(a["_forms"], b["_forms"], rarity)
            # shared neighbours support similar names, never make dissimilar ones alike;
            # people sharing a family name ("Wang Qiang", "Wang Wei") are different people
            if sim < (_PERSON_GATE if etype == "PERSON" else _NAME_GATE):
                continue
            na, nb = set(a.get("neighbours") or ()), set(b.get("neighbours") or ())
            shared = len(na & nb)
            overlap = shared / len(na | nb) if na | nb else 0.0
            score = round(0.8 * sim + 0.2 * overlap, 3)
            if score < min_score:
                continue
            if a["key"] > b["key"]:
                a, b = b, a
            out.append(
                Suggestion(score, a["key"], b["key"], a["name"], b["name"], etype, sim, shared)
            )
    out.sort(key=lambda s: (-s.score, s.a, s.b))
    return out


def suggest_merges(
    driver: neo4j.Driver,
    *,
    min_score: float = 0.6,
    limit: int = 50,
    database: str | None = None,
) -> list[Suggestion]:
    """Likely duplicate entities still apart in the graph, best first."""
    with driver.session(database=database) as session:
        entities = session.execute_read(
            lambda tx: [dict(r) for r in tx.run(statement("entities_for_merging"))]
        )
    return score_pairs(entities, min_score)[:limit]
