"""Gold entities in place of the learned entity layer: a diagnostic.

``eikg eval --cv K --gold-entities`` runs each fold's relation layer (the rules
that propose relations and the classifier that decides) over the gold entity
names of the held-out articles instead of the names ``eikg_spans`` kept. The
relation figures then show what the relation layer reaches when no entity is
missed, mistyped or cut wrong: how much of the gap to the relation target lies
in the relation layer itself, and how much in the entities it is given.

``eikg_gold_spans`` stands where ``eikg_spans`` stands and leaves the same
thing, ``doc.spans["eikg"]``: every located gold name and alias of the article
(``training.gold.reference_doc``), each with probability 1, so everything
after it (``eikg_span_types``, ``eikg_entities``, the relation layer) runs
unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from eikg.errors import EikgError
from eikg.ingest.training.gold import SPANS_KEY, GoldArticle, GoldReport, reference_doc

NAME = "eikg_gold_spans"


@Language.factory(NAME)
def make_gold_spans(nlp: Language, name: str) -> "GoldSpans":
    return GoldSpans()


class GoldSpans:
    """The gold names of the articles it was given, looked up by the doc's text."""

    def __init__(self) -> None:
        self.by_text: dict[str, list[tuple[int, int, str]]] = {}

    def add(self, nlp: Language, articles: Iterable[GoldArticle]) -> None:
        """Locate the gold names of ``articles`` (problems are left out, as
        ``eikg train`` leaves them out)."""
        for a in articles:
            ref = reference_doc(nlp, a, GoldReport())
            self.by_text[a.text] = [(s.start_char, s.end_char, s.label_) for s in ref.spans[SPANS_KEY]]

    def marks(self, text: str) -> list[tuple[int, int, str]]:
        """The gold names in ``text``: a whole article, or a part of one that
        ``extract`` cut from a long article (names crossing the cut are lost)."""
        if text in self.by_text:
            return self.by_text[text]
        for whole, marks in self.by_text.items():
            at = whole.find(text)
            if at >= 0:
                end = at + len(text)
                return [(s - at, e - at, label) for s, e, label in marks if at <= s and e <= end]
        raise EikgError(f"{NAME}: no gold names for a text of {len(text)} characters")

    def __call__(self, doc: Doc) -> Doc:
        spans = [doc.char_span(s, e, label=label, alignment_mode="expand") for s, e, label in self.marks(doc.text)]
        spans = [sp for sp in spans if sp is not None and len(sp)]
        group = SpanGroup(doc, name=SPANS_KEY, spans=spans)
        group.attrs["scores"] = numpy.ones((len(spans), 1), dtype="f")
        doc.spans[SPANS_KEY] = group
        return doc


def use_gold_entities(nlp: Language, articles: Iterable[GoldArticle]) -> Language:
    """``nlp`` (a pipeline with a learned ``eikg_spans``) with ``eikg_gold_spans``
    in its place, holding the gold names of ``articles``."""
    if "eikg_spans" not in nlp.pipe_names:
        raise EikgError("gold entities replace the learned entity layer, and this pipeline has none")
    at = nlp.pipe_names.index("eikg_spans")
    nlp.remove_pipe("eikg_spans")
    nlp.add_pipe(NAME, before=nlp.pipe_names[at])
    nlp.get_pipe(NAME).add(nlp, articles)
    return nlp
