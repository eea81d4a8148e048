"""Cross-article entity resolution: one canonical ``key`` per real-world thing.

A key is ``<type>:<slug>``, the slug being the normalised canonical name
(``college:northeastern-university``); names too long for a readable key are
cut and end in a short hash of the whole name, so keys never depend on
counters, and the same input always gives the same keys.

Rules, applied by :class:`Resolver` as articles stream past:

* **Same name.** Entities whose normalised names are equal and whose types are
  *compatible* share a key. Normalising follows the scoring rule of
  ANNOTATION.md: lower case, drop a leading "the", drop punctuation, collapse
  white space; for keys "&" also reads as "and" (:func:`key_form`), so the
  spacing around it does not split one name in two.
* **Compatible types.** Equal types; or two organisation types when one of them
  is the generic ``ORGANIZATION`` (it says "some organisation", so it joins a
  COLLEGE, ENTERPRISE, GOVERNMENT or ALLIANCE of the same name, whichever was
  seen first). Two different specific types (a COLLEGE and an ENTERPRISE of the
  same name) stay apart: the extractor had evidence for each. Once a generic
  entry has been joined by a specific type it takes that type, so a later
  entity of a third specific type does not join it too (compatibility is not
  transitive, and this keeps each key to one specific type).
* **Aliases tie only where an article ties them.** An entity's aliases are the
  other surface forms its own article used for it ("Northeastern University
  (NEU)", "Meridian Motors Group ... Meridian"); each becomes a pointer to the
  entity's key. A later entity named only by such a form ("Meridian") takes the
  key it points to, if the pointer is unambiguous and the types are compatible. An abbreviation is never matched
  to a name by its letters alone, and a form that two articles tied to
  different entities resolves to neither. A bare abbreviation ("NLU") does not
  follow such a pointer: whether an article ties it to one name or to two is
  only known once every article is in, so :mod:`eikg.ingest.linkage` links it.
* **Events** are keyed by name, date *and* place: "the signing ceremony" of
  one article is not that of another, unless both give the same date and the
  same place. An event without a date or a place is scoped to its article.

Streaming makes one thing order dependent: a bare short form seen *before* any
article ties it keeps a key of its own (the key already went out). The order
is the input order, so a run is still reproducible.

Memory grows with the number of distinct names and aliases, not with articles.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from eikg.records import EntityType

#: Longest slug kept whole; longer ones are cut and end in a hash of the name.
MAX_SLUG = 64

_LEADING_THE = re.compile(r"^the\s+")
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """The comparison form of a name (ANNOTATION.md's scoring rule).

    >>> normalise_name("  The Hillvale  Stein-Moritz Co., Ltd. ")
    'hillvale steinmoritz co ltd'
    """
    text = unicodedata.normalize("NFKC", name).lower()
    text = _SPACES.sub(" ", text).strip()
    text = _LEADING_THE.sub("", text)
    # Punctuation goes, but "_" counts as a word character for \w: drop it too.
    text = _NON_WORD.sub("", text).replace("_", "")
    return _SPACES.sub(" ", text).strip()


_AMPERSAND = re.compile(r"\s*&\s*")


def key_form(name: str) -> str:
    """The form names are matched and keyed by: :func:`normalise_name`, after "&"
    reads as "and" (so "Measuring & Cutting", "Measuring&Cutting" and "Measuring
    and Cutting" are one name, where the scoring rule would make the second
    "measuringcutting").

    >>> key_form("Pine&Birch Tools Co.")
    'pine and birch tools co'
    """
    return normalise_name(_AMPERSAND.sub(" and ", name))


_ACRONYM = re.compile(r"^[A-Za-z][A-Za-z0-9&]{1,9}$")


def is_abbreviation(form: str) -> bool:
    """A single word of capitals ("SZPT", "MoE", "R&D"): initials, not a name.

    >>> is_abbreviation("NLU"), is_abbreviation("MoE"), is_abbreviation("Huawei")
    (True, True, False)
    """
    form = form.strip()
    if not _ACRONYM.match(form):
        return False
    capitals = sum(c.isupper() for c in form)
    return capitals >= 2 and capitals * 2 >= sum(c.isalpha() for c in form)


def make_key(entity_type: EntityType, name: str, scope: str | None = None) -> str:
    """The key of ``name`` as a thing of ``entity_type`` (pure, deterministic).

    ``scope`` narrows the key (an event's date, or its article).

    >>> make_key(EntityType.COLLEGE, "Northeastern University")
    'college:northeastern-university'
    >>> make_key(EntityType.EVENT, "Signing Ceremony", scope="2025-07-01")
    'event:signing-ceremony@2025-07-01'
    """
    norm = key_form(name)
    slug = norm.replace(" ", "-") or "unnamed"
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: MAX_SLUG - 9].rstrip('-')}-{digest}"
    key = f"{entity_type.value.lower()}:{slug}"
    return f"{key}@{scope}" if scope else key


def compatible(a: EntityType, b: EntityType) -> bool:
    """Can things of types ``a`` and ``b`` be the same thing?

    >>> compatible(EntityType.COLLEGE, EntityType.ORGANIZATION)
    True
    >>> compatible(EntityType.COLLEGE, EntityType.ENTERPRISE)
    False
    """
    if a == b:
        return True
    generic = EntityType.ORGANIZATION
    return (a == generic and b in _ORG_TYPES) or (b == generic and a in _ORG_TYPES)


_ORG_TYPES = frozenset(
    {
        EntityType.COLLEGE,
        EntityType.ENTERPRISE,
        EntityType.ALLIANCE,
        EntityType.GOVERNMENT,
        EntityType.ORGANIZATION,
    }
)


def _group(entity_type: EntityType) -> str:
    return "org" if entity_type in _ORG_TYPES else entity_type.value


@dataclass
class _Entry:
    type: EntityType  # the most specific type seen for this key
    key: str


#: An alias that two articles tied to different keys: resolves to neither.
_AMBIGUOUS = _Entry(EntityType.ORGANIZATION, "")


class Resolver:
    """Assigns canonical keys across one run (see the module docstring).

    >>> r = Resolver()
    >>> r.resolve("Northeastern University", EntityType.COLLEGE, aliases=["Northeastern"])
    'college:northeastern-university'
    >>> r.resolve("Northeastern", EntityType.ORGANIZATION)
    'college:northeastern-university'
    >>> r.resolve("Northeastern University", EntityType.ENTERPRISE)
    'enterprise:northeastern-university'
    """

    def __init__(self) -> None:
        # (group, normalised name) -> entries, one per incompatible specific type
        self._names: dict[tuple[str, str], list[_Entry]] = {}
        # (group, normalised alias) -> the entry an article tied it to
        self._aliases: dict[tuple[str, str], _Entry] = {}

    def __len__(self) -> int:
        """Number of distinct names and aliases held."""
        return len(self._names) + len(self._aliases)

    def resolve(
        self,
        name: str,
        entity_type: EntityType,
        aliases: Iterable[str] = (),
        *,
        date: str | None = None,
        article_id: str | None = None,
        place: str | None = None,
    ) -> str:
        """The canonical key of one entity of one article; remembers its aliases.

        An event's ``date`` and ``place`` (the name of the place it was held)
        scope its key; without both it is scoped to ``article_id``."""
        if entity_type == EntityType.EVENT:
            # Events are things that happen once: scope them (see module docstring).
            where = key_form(place).replace(" ", "-") if place else ""
            scope = f"{date}@{where}" if date and where else f"article:{article_id}"
            return make_key(entity_type, name, scope=scope)
        group = _group(entity_type)
        norm = key_form(name)
        entry = self._find(self._names.get((group, norm), ()), entity_type)
        if entry is None and not is_abbreviation(name):
            # a bare abbreviation is left to cross-article linkage, which sees every
            # article's ties at once: here a later article may tie it to another name
            tied = self._aliases.get((group, norm))
            if tied is not None and tied is not _AMBIGUOUS and compatible(tied.type, entity_type):
                entry = tied
        if entry is None:
            entry = _Entry(entity_type, self._fresh_key(group, norm, entity_type, name))
            self._names.setdefault((group, norm), []).append(entry)
        elif entry.type == EntityType.ORGANIZATION and entity_type != EntityType.ORGANIZATION:
            entry.type = entity_type  # a generic entry joined by a specific type takes it
        for alias in aliases:
            self._tie(group, key_form(alias), entry)
        return entry.key

    @staticmethod
    def _find(entries: Iterable[_Entry], entity_type: EntityType) -> _Entry | None:
        entries = list(entries)
        for entry in entries:
            if entry.type == entity_type:
                return entry
        for entry in entries:
            if compatible(entry.type, entity_type):
                return entry
        return None

    def _fresh_key(self, group: str, norm: str, entity_type: EntityType, name: str) -> str:
        key = make_key(entity_type, name)
        taken = {e.key for e in self._names.get((group, norm), ())}
        # Only a same-named entity of another specific type can collide, and
        # make_key already puts the type in the key; this guards the generic case.
        n = 2
        base = key
        while key in taken:
            key = f"{base}~{n}"
            n += 1
        return key

    def _tie(self, group: str, norm_alias: str, entry: _Entry) -> None:
        if not norm_alias:
            return
        current = self._aliases.get((group, norm_alias))
        if current is None:
            self._aliases[(group, norm_alias)] = entry
        elif current is not entry and current.key != entry.key:
            self._aliases[(group, norm_alias)] = _AMBIGUOUS
