"""Relation extraction component (being written: see issue 3)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

import eikg.ingest.drafts  # noqa: F401  (registers the Doc extensions)


@Language.factory("eikg_relations", default_config={})
def make_relations(nlp: Language, name: str) -> "RelationExtractor":
    return RelationExtractor()


class RelationExtractor:
    def __call__(self, doc: Doc) -> Doc:
        if doc._.eikg_relations is None:
            doc._.eikg_relations = []
        return doc
