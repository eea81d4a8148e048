"""Cross-article entity resolution on a record-linkage library (Splink on DuckDB).

:mod:`eikg.ingest.resolve` gives each entity a key as articles stream past: equal
names (and short forms an earlier article tied to a name) share a key. What a
stream cannot see is left to this module, which looks at every organisation key
at once, in the way record-linkage libraries do:

1. **Candidates.** One :class:`Candidate` per key: its names (every surface form
   any article used), types, articles, the places it is located in and the
   entities it is related to (:func:`candidates_from_extractions`).
2. **Features.** Each name is reduced to a *core*: legal forms stripped (cleanco:
   "Co., Ltd.", "Inc", "GmbH"...), the key form of
   :func:`eikg.ingest.resolve.key_form`, plurals made singular and spaces dropped,
   so "Huawei Technologies Co., Ltd.", "Huawei Technology Co.LTD" and a glued
   "HuaweiTechnologies" have one core. Abbreviations ("SZPT") are kept apart
   from full names: an abbreviation links two keys only where an article tied
   it to a name, and not when articles tied it to different names ("IIT").
3. **Blocking and scoring** by Splink (:data:`SETTINGS_FILE`, a Splink settings
   file: blocking rules and comparisons with their m and u probabilities are
   data): candidates meet only when they share a core, a tied abbreviation or
   the consonant skeleton of their core (a typo: "Tongjji"), and each pair gets
   a match probability from named comparisons: name, type compatibility, shared
   places, shared neighbours.
4. **Deciding.** Pairs at or above the threshold merge (greedily, best first,
   never joining two different specific types nor a pair a person kept apart);
   pairs in the review band become suggestions.

Events, people and places are not linked here: people and places merge by equal
names in :mod:`eikg.ingest.resolve`, and an event is one happening, keyed by
name and date (or article), so two articles' "signing ceremony" stay two events.

Pure: no database. :mod:`eikg.resolution` feeds it the graph's stored
extractions and applies the decisions.
"""

from __future__ import annotations

import gc
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from eikg.ingest.resolve import is_abbreviation, key_form
from eikg.records import EntityType

#: The Splink settings (blocking rules, comparisons, m/u probabilities).
SETTINGS_FILE = "linkage_settings.json"
#: Match probability at or above which two keys merge.
THRESHOLD = 0.9
#: Match probability from which a pair is suggested for review.
REVIEW = 0.5
#: Most memory DuckDB may use while Splink blocks and scores (it spills to disk beyond).
MEMORY_LIMIT = "1GB"

ORG_TYPES = frozenset(
    {
        EntityType.COLLEGE,
        EntityType.ENTERPRISE,
        EntityType.ALLIANCE,
        EntityType.GOVERNMENT,
        EntityType.ORGANIZATION,
    }
)


@dataclass
class Candidate:
    """One entity key before cross-article resolution, with what every article said of it."""

    key: str
    name: str
    type: EntityType
    forms: list[str] = field(default_factory=list)  # every surface form, name first
    articles: list[str] = field(default_factory=list)
    places: set[str] = field(default_factory=set)  # key forms of places it is located in
    neighbours: set[str] = field(default_factory=set)  # keys of related entities
    titles: list[str] = field(default_factory=list)  # titles of its articles


@dataclass(frozen=True)
class Decision:
    """Two keys judged one thing: ``drop`` is written as ``keep``."""

    keep: str
    drop: str
    name: str  # the kept entity's name
    type: EntityType  # the most specific type of the merged keys
    probability: float


@dataclass(frozen=True)
class Pair:
    """A scored candidate pair with the evidence for it."""

    a: str
    b: str
    probability: float
    name: str  # which name level matched (exact core, tied abbreviation, typo, else)
    shared_places: tuple[str, ...]
    shared_neighbours: tuple[str, ...]


@dataclass
class Linkage:
    """What :func:`link` found: decisions above the threshold, pairs in the review
    band, and how many pairs blocking let through to scoring."""

    decisions: list[Decision]
    review: list[Pair]
    pairs: list[Pair]
    compared: int


# --- features ---------------------------------------------------------------------------

_DOT_GLUED = re.compile(r"\.(?=\S)")
_VOWELS = re.compile(r"[aeiou]")
_REPEATS = re.compile(r"(.)\1+")


def _strip_legal_form(name: str) -> str:
    from cleanco import basename

    # "Co.LTD" is two legal forms glued by a dot: cleanco needs them apart
    text = _DOT_GLUED.sub(". ", name)
    previous = None
    while previous != text:  # cleanco strips one suffix per call ("Co., Ltd.")
        previous, text = text, basename(text)
    return text or name


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def core(name: str, singular: bool = True) -> str:
    """The form names are linked by: legal form stripped, key form, singular, no spaces.

    >>> core("Pinewood Technologies Co., Ltd.") == core("PinewoodTechnology Co.LTD")
    True
    >>> core("The Larkford Motors Group")
    'larkfordmotorgroup'
    """
    words = key_form(_strip_legal_form(name)).split()
    return "".join(_singular(w) if singular else w for w in words)


def skeleton(text: str) -> str:
    """Consonants with repeats collapsed: a typo of one letter usually keeps it.

    >>> skeleton("tongjjiuniversity") == skeleton("tongjiuniversity")
    True
    """
    return _REPEATS.sub(r"\1", _VOWELS.sub("", text))


_SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "at", "on", "a", "an", "to"})


def initials(name: str) -> set[str]:
    """The abbreviations a name of two or more words may go by: the first letters
    of every word, and of its significant words only.

    >>> sorted(initials("Institute of Ocean Technology"))
    ['ioot', 'iot']
    >>> sorted(initials("Northern Lakes University"))
    ['nlu']
    """
    words = key_form(_strip_legal_form(name)).split()
    if len(words) < 2:
        return set()
    every = "".join(w[0] for w in words)
    significant = "".join(w[0] for w in words if w not in _SMALL_WORDS)
    return {every, significant} - {""}


def typo_keys(text: str) -> list[str]:
    """Blocking keys a one-letter substitution leaves one of intact: the length
    and two of the three thirds of ``text``.

    >>> set(typo_keys("larkfordpolytechnic")) & set(typo_keys("larkfortpolytechnic"))
    {'19:larkfo|technic'}
    """
    if len(text) < 8:
        return []
    i, j = len(text) // 3, 2 * len(text) // 3
    a, b, c = text[:i], text[i:j], text[j:]
    return [f"{len(text)}:{a}{b}|", f"{len(text)}:{a}|{c}", f"{len(text)}:|{b}{c}"]


def _rows(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """Splink input rows: one per candidate, with name cores and tied abbreviations.

    An abbreviation counts as *tied* in a candidate that also has a full name (an
    article said "Full Name (ABBR)"); one tied to candidates of different cores is
    ambiguous and dropped everywhere.
    """
    fulls: list[set[str]] = []
    abbrs: list[set[str]] = []
    for c in candidates:
        names = [f for f in c.forms if not is_abbreviation(f)]
        # a glued spelling hides where words end, so plurals are made singular only
        # in the spaced form: both forms go in ("Ritos Pelmibo" = "RitosPelmibo")
        full = {core(f) for f in names} | {core(f, singular=False) for f in names}
        full -= {""}
        abbr = {key_form(f).replace(" ", "") for f in c.forms if is_abbreviation(f)} - {""}
        fulls.append(full)
        abbrs.append(abbr)
    ambiguous = _ambiguous_abbreviations(candidates, fulls, abbrs)
    rows = []
    for c, full, abbr in zip(candidates, fulls, abbrs):
        abbr -= ambiguous
        name_core = core(c.name) if not is_abbreviation(c.name) else ""
        inits = {i for f in c.forms if not is_abbreviation(f) for i in initials(f)}
        rows.append(
            {
                "unique_id": c.key,
                "type": c.type.value,
                "name_core": name_core or None,
                "skeleton": skeleton(name_core) if len(name_core) >= 8 else None,
                "typo_keys": typo_keys(name_core),
                "cores": sorted(full),
                # a tied abbreviation is offered to others; a bare one only looks for a tie
                "tied": sorted(abbr) if full else [],
                "abbrs": sorted(abbr),
                # initials of full names: only ever a suggestion (see link)
                "initials": sorted(inits),
                # for blocking initials against abbreviations: exploding an empty
                # list drops the record, so each gets a value no other side has
                "initials_block": sorted(inits) or ["~no initials"],
                "abbrs_block": sorted(abbr) or ["~no abbreviation"],
                "places": sorted(c.places) or None,
                "neighbours": sorted(c.neighbours) or None,
            }
        )
    return rows


def _ambiguous_abbreviations(
    candidates: list[Candidate], fulls: list[set[str]], abbrs: list[set[str]]
) -> set[str]:
    """Abbreviations tied to names that cannot be one thing: neither name holds the
    other ("IIT Mandi", "IIT Bombay"), where "Vocational Training Council" and
    "Vocational Training Council of Hong Kong" may well be."""
    tying: dict[str, list[list[str]]] = defaultdict(list)
    for c, full, abbr in zip(candidates, fulls, abbrs):
        if full:
            names = [f" {key_form(f)} " for f in c.forms if not is_abbreviation(f)]
            for a in abbr:
                tying[a].append(names)
    ambiguous = set()
    for a, groups in tying.items():
        first = groups[0]
        for other in groups[1:]:
            if not any(x in y or y in x for x in first for y in other):
                ambiguous.add(a)
                break
    return ambiguous


def settings() -> dict[str, Any]:
    """The Splink settings dictionary (:data:`SETTINGS_FILE`)."""
    text = resources.files("eikg.ingest").joinpath(SETTINGS_FILE).read_text(encoding="utf-8")
    return json.loads(text)


# --- scoring and deciding ---------------------------------------------------------------


def score(candidates: list[Candidate], min_probability: float = 0.0) -> tuple[list[Pair], int]:
    """The pairs blocking lets through with Splink's match probability, those from
    ``min_probability``, best first; and how many pairs were compared in all."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    if len(candidates) < 2:
        return [], 0
    rows = _rows(candidates)
    # DuckDB would otherwise cache up to most of the machine's memory while it joins
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": 2})
    try:
        linker = Linker(DuckDBAPI(con).register(pa.Table.from_pylist(rows)), settings(), log_level="ERROR")
        table = linker.inference.predict(warning_mode="never").physical_name
        # only what a decision needs leaves DuckDB: every column of every pair would
        # be GBs of Python objects at 100,000 organisations
        compared = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        found = con.execute(
            f"SELECT unique_id_l, unique_id_r, match_probability, gamma_name FROM {table} "
            "WHERE match_probability >= ?",
            [min_probability],
        ).fetchall()
    finally:
        linker = None
        con.close()
        # Splink's objects hold the connection in reference cycles; collect them here,
        # not in whichever thread the garbage collector next runs in (a spaCy thread
        # of a later ingest segfaulted finalising them)
        gc.collect()
    by_key = {r["unique_id"]: r for r in rows}
    pairs = []
    for left, right, probability, gamma in found:
        a, b = sorted((left, right))
        ra, rb = by_key[a], by_key[b]
        pairs.append(
            Pair(
                a,
                b,
                round(float(probability), 4),
                _NAME_LEVELS.get(gamma, "other"),
                tuple(sorted(set(ra["places"] or ()) & set(rb["places"] or ()))),
                tuple(sorted(set(ra["neighbours"] or ()) & set(rb["neighbours"] or ()))),
            )
        )
    pairs.sort(key=lambda p: (-p.probability, p.a, p.b))
    return pairs, compared


#: Splink numbers a comparison's levels from the last (0) up; the name comparison's
#: levels in linkage_settings.json, named for the evidence shown to a reviewer.
_NAME_LEVELS = {
    4: "same name",
    3: "tied abbreviation",
    2: "spelling variant",
    1: "initials",
    0: "different names",
}
#: Evidence that may be suggested to a person but never merges: an abbreviation
#: alone links only where an article tied it to a name.
_NEVER_MERGED = frozenset({"initials"})


def link(
    candidates: list[Candidate],
    *,
    threshold: float = THRESHOLD,
    review: float = REVIEW,
    apart: Iterable[tuple[str, str]] = (),
) -> Linkage:
    """Score ``candidates`` and decide: merges at or above ``threshold``, suggestions
    from ``review``. ``apart`` holds key pairs a person kept apart: never merged,
    never suggested, also not through a third key."""
    pairs, compared = score(candidates, min(review, threshold))
    by_key = {c.key: c for c in candidates}
    kept_apart = {frozenset(p) for p in apart}
    members: dict[str, set[str]] = {c.key: {c.key} for c in candidates}
    root = {c.key: c.key for c in candidates}

    def joinable(x: str, y: str) -> bool:
        mx, my = members[root[x]], members[root[y]]
        if any(frozenset((u, v)) in kept_apart for u in mx for v in my):
            return False
        # compatibility is not transitive: a generic key may join one specific type only
        return len({by_key[k].type for k in mx | my} - {EntityType.ORGANIZATION}) <= 1

    for p in pairs:
        if p.probability < threshold:
            break
        ra, rb = root[p.a], root[p.b]
        if ra == rb or p.name in _NEVER_MERGED or not joinable(p.a, p.b):
            continue
        for k in members[rb]:
            root[k] = ra
        members[ra] |= members.pop(rb)
    best: dict[str, float] = defaultdict(float)  # each key's best pair inside its group
    for p in pairs:
        if root[p.a] == root[p.b]:
            best[p.a] = max(best[p.a], p.probability)
            best[p.b] = max(best[p.b], p.probability)
    decisions = []
    for group in members.values():
        if len(group) < 2:
            continue
        keep = max(group, key=lambda k: (len(by_key[k].articles), len(by_key[k].name), k))
        types = {by_key[k].type for k in group} - {EntityType.ORGANIZATION}
        kept_type = types.pop() if types else EntityType.ORGANIZATION
        for k in sorted(group - {keep}):
            decisions.append(Decision(keep, k, by_key[keep].name, kept_type, best[k]))
    decisions.sort(key=lambda d: (d.keep, d.drop))
    merged = {d.drop: d.keep for d in decisions}
    review_pairs = [
        p
        for p in pairs
        if review <= p.probability
        and merged.get(p.a, p.a) != merged.get(p.b, p.b)
        and frozenset((p.a, p.b)) not in kept_apart
    ]
    return Linkage(decisions, review_pairs, pairs, compared)


# --- candidates from extractions --------------------------------------------------------


def candidates_from_extractions(objects: Iterable[Mapping[str, Any]]) -> list[Candidate]:
    """One :class:`Candidate` per organisation key in ``objects`` (``eikg extract``
    objects, as each Article node stores them), in first-seen order."""
    out: dict[str, Candidate] = {}
    for obj in objects:
        aid = str(obj.get("id"))
        title = str(obj.get("title") or "")
        local: dict[str, dict[str, Any]] = {}
        for e in obj.get("entities") or ():
            try:
                etype = EntityType(e["type"])
                key = str(e.get("key") or "")
                local[str(e["id"])] = e
            except (KeyError, TypeError, ValueError):
                continue  # the loader warns about bad rows; nothing to link here
            if etype not in ORG_TYPES or not key:
                continue
            c = out.get(key)
            if c is None:
                c = out[key] = Candidate(key, str(e["name"]), etype)
            elif c.type == EntityType.ORGANIZATION and etype != EntityType.ORGANIZATION:
                c.type = etype
            for form in (e["name"], *(e.get("aliases") or ())):
                if form and form not in c.forms:
                    c.forms.append(str(form))
            if aid not in c.articles:
                c.articles.append(aid)
                if title:
                    c.titles.append(title)
        for r in obj.get("relations") or ():
            head, tail = local.get(str(r.get("head"))), local.get(str(r.get("tail")))
            if head is None or tail is None:
                continue
            for x, y in ((head, tail), (tail, head)):
                c = out.get(str(x.get("key")))
                if c is None:
                    continue
                if y.get("type") == EntityType.PLACE.value:
                    c.places.add(key_form(str(y.get("name"))))
                elif y.get("type") != EntityType.EVENT.value:  # events are per article
                    c.neighbours.add(str(y.get("key")))
    return list(out.values())
