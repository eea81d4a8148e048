"""Entity components of the eikg spaCy pipeline.

Three components, each registered with ``@Language.factory`` and a default
config, run after the statistical model:

``eikg_names``
    Finds proper names as runs of capitalised words joined by little words
    ("Education Department of Fernvale Province", "X Co., Ltd."), repairing the
    spans statistical NER splits; strips position titles ("Vice President of X"),
    splits off personal names and coordinated names, and types each name from
    its head word ("... College" -> COLLEGE); a unit named with its parent
    ("Y Center of <Org>") takes the parent's type and the parent is a name too.
``eikg_references``
    Finds events named only by a description ("the signing ceremony") and
    references such as "the college", "our school", "the Association".
``eikg_entities``
    Resolves everything into one ``EntityDraft`` per real-world thing in
    ``doc._.eikg_entities``: abbreviations ("(KU)") and short forms become
    aliases, references become mentions, events get a date and a place.

The intermediate mentions live in ``doc._.eikg_mentions`` (``Mention`` objects,
``mentions.py``). One module per component: ``names.py``, ``references.py``,
``entities.py``.
"""

from eikg.ingest.components.entities import EntityResolver, parse_date
from eikg.ingest.components.mentions import Mention
from eikg.ingest.components.names import NameFinder
from eikg.ingest.components.references import ReferenceFinder

__all__ = ["EntityResolver", "Mention", "NameFinder", "ReferenceFinder", "parse_date"]
