"""What the span classifier reads of a candidate (ingest/span_features.py), on
texts written for these tests, through the real statistical model."""

import pytest

from eikg.ingest.nlp import build_nlp
from eikg.ingest.span_features import HEADLINE_WORDS, _DocView, span_features


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(learned=None)


def features_of(nlp, text, name):
    doc = nlp(text)
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    return span_features(_DocView(doc), span.start, span.end)


def test_a_name_in_a_short_first_line_stands_in_the_headline(nlp):
    text = "Harrowgate Polytechnic Signs Agreement With Brightforge Robotics\n\nThe two met on Monday."
    assert "first_line" in features_of(nlp, text, "Harrowgate Polytechnic")


def test_a_first_paragraph_is_no_headline(nlp):
    # an article that opens with its first paragraph (no title line): a name in
    # it is in running text, not glued to headline words
    sentence = "Harrowgate Polytechnic and Brightforge Robotics signed an agreement on training. "
    text = sentence * 4 + "\nThe two met on Monday."
    assert len(text.split("\n")[0].split()) > HEADLINE_WORDS
    assert "first_line" not in features_of(nlp, text, "Brightforge Robotics")
    # the same name on a short first line is in the headline
    assert "first_line" in features_of(nlp, sentence + "\nThe two met on Monday.", "Brightforge Robotics")
