"""Build the eikg spaCy pipeline: the statistical model plus the eikg components.

The pipeline is described by config: each eikg component is added by its
registered factory name with a config dict (the defaults of its
``@Language.factory`` unless ``config`` overrides them), and ``eikg_relations``
always comes last, reading the entity drafts the others leave.

With a learned layer (the shipped one by default, ``ingest/trained/eikg_spans``,
written by ``eikg train``), the rule components only propose names:
``eikg_candidates`` pools them, the trained ``eikg_spans`` types or rejects each
and ``eikg_span_types`` hands the decisions to ``eikg_entities``. The order is
``tok2vec tagger parser attribute_ruler lemmatizer ner eikg_names
eikg_references eikg_candidates eikg_spans eikg_span_types eikg_entities
eikg_relations``. A pipeline ``eikg train`` saved whole loads as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import srsly

from spacy.language import Language
from spacy.util import compile_infix_regex

import eikg.ingest.components  # noqa: F401  (registers the entity factories)
import eikg.ingest.candidates  # noqa: F401  (registers eikg_candidates and the suggester)
import eikg.ingest.relation_scorer  # noqa: F401  (registers eikg_relation_scorer)
import eikg.ingest.relations  # noqa: F401  (registers eikg_relations)
import eikg.ingest.span_features  # noqa: F401  (registers the span classifier's input layers)
import eikg.ingest.span_types  # noqa: F401  (registers eikg_span_types)
from eikg.errors import EikgError
from eikg.ingest.model import DEFAULT_MODEL, load_model

#: The eikg rule components, in pipeline order.
COMPONENTS = ("eikg_names", "eikg_references", "eikg_entities", "eikg_relations")
#: The learned layers the project ships: ``eikg_spans/`` and ``relations.json``,
#: as ``eikg train --out DIR`` writes them.
SHIPPED = files("eikg.ingest") / "trained"
#: The file beside the span classifier's weights holding its pipeline config.
COMPONENT_META = "eikg_component.json"

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


def build_nlp(
    model: str = DEFAULT_MODEL,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    learned: str | Path | None = SHIPPED,
) -> Language:
    """The statistical model ``model`` plus the eikg components.

    ``config`` maps a component name to settings that override its defaults,
    e.g. ``{"eikg_names": {"max_tokens": 30}}``. ``learned`` is a trained
    ``eikg_spans`` component directory (the shipped one by default); ``None``
    leaves the entity types to the rules alone. A ``model`` that ``eikg train``
    saved already holds its learned layer.
    """
    config = dict(config or {})
    unknown = set(config) - set(COMPONENTS) - {"eikg_span_types"}
    if unknown:
        raise EikgError(f"unknown eikg component(s) in config: {', '.join(sorted(unknown))}")
    nlp = load_model(model)
    infixes = list(nlp.Defaults.infixes or ()) + list(GLUED_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for name in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=dict(config.get(name, {})))
    if "eikg_spans" in nlp.pipe_names:
        learned = None  # a pipeline eikg train saved: it has its own layer
    if learned is not None:
        add_learned(nlp, Path(str(learned)))
    if "eikg_spans" in nlp.pipe_names and "eikg_span_types" not in nlp.pipe_names:
        nlp.add_pipe("eikg_span_types", before="eikg_entities",
                     config=dict(config.get("eikg_span_types", {})))
    return nlp


def add_learned(nlp: Language, path: Path) -> None:
    """Add the trained layers of ``path`` (an ``eikg train`` output): the span
    classifier and the candidates it reads before ``eikg_entities``, the relation
    classifier (when ``relations.json`` is there) after ``eikg_relations``."""
    spans_dir = path / "eikg_spans"
    try:
        meta = srsly.read_json(spans_dir / COMPONENT_META)
    except (OSError, ValueError) as exc:
        raise EikgError(f"{path}: holds no trained eikg_spans component ({exc})") from exc
    nlp.add_pipe("eikg_candidates", config=_block(meta["candidates"]), before="eikg_entities")
    block = dict(meta["spans"])
    factory = block.pop("factory")
    spans = nlp.add_pipe(factory, name="eikg_spans", config=block, before="eikg_entities")
    spans.from_disk(spans_dir, exclude=["vocab"])
    relations = path / "relations.json"
    if relations.is_file():
        nlp.add_pipe("eikg_relation_scorer").load(relations)


def _block(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k != "factory"}
