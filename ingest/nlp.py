"""Build the eikg spaCy pipeline: the statistical model plus the eikg components.

The pipeline is described by config: each eikg component is added by its
registered factory name with a config dict (the defaults of its
``@Language.factory`` unless ``config`` overrides them), and ``eikg_relations``
always comes last, reading the entity drafts the others leave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spacy.language import Language
from spacy.util import compile_infix_regex

import eikg.ingest.components  # noqa: F401  (registers the entity factories)
import eikg.ingest.relations  # noqa: F401  (registers eikg_relations)
from eikg.errors import EikgError
from eikg.ingest.model import DEFAULT_MODEL, load_model

#: The eikg components, in pipeline order.
COMPONENTS = ("eikg_names", "eikg_references", "eikg_entities", "eikg_relations")

#: Web text glues words together ("theGeneral", "ofRBPT", "ACMEZhang"): split a
#: little word stuck to a capital, and an acronym stuck to a capitalised word.
GLUED_INFIXES = (
    r"(?<=\b(?:of|to|by|By|in|on))(?=[A-Z])",
    r"(?<=\b(?:the|and|for))(?=[A-Z0-9])",
    r"(?<=\bwith)(?=[A-Z])",
    r"(?<=[A-Z]{3})(?=[A-Z](?!(?:and|for|of|to|the|in|on|should)\b)[a-z]+\b)",
    r"(?<=[A-Z]{3})(?=(?:and|for|should)\b)",
    r"(?<=[a-z]{3})(?=[A-Z][a-z]{3})",
    r"(?<=[A-Za-z])[;|](?=[A-Za-z])",
    r"(?<=\d)(?=[A-Z][a-z])",
    r"(?<=[A-Za-z.])\((?=[A-Za-z])",
    r"(?<=[A-Za-z])\)(?=[A-Za-z])",
)


def build_nlp(model: str = DEFAULT_MODEL, config: Mapping[str, Mapping[str, Any]] | None = None) -> Language:
    """The statistical model ``model`` plus the eikg components.

    ``config`` maps a component name to settings that override its defaults,
    e.g. ``{"eikg_names": {"max_tokens": 30}}``.
    """
    config = dict(config or {})
    unknown = set(config) - set(COMPONENTS)
    if unknown:
        raise EikgError(f"unknown eikg component(s) in config: {', '.join(sorted(unknown))}")
    nlp = load_model(model)
    infixes = list(nlp.Defaults.infixes or ()) + list(GLUED_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for name in COMPONENTS:
        nlp.add_pipe(name, config=dict(config.get(name, {})))
    return nlp
