"""``eikg_references``: events named only by a description ("the signing ceremony")
and references such as "the college", "our school", "the Association"."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from eikg.ingest import lexicon as lx
from eikg.records import EntityType
from eikg.ingest.components.mentions import Mention, _tokens, _Tokens


_REF_DETS = frozenset({"the", "our", "this", "that", "its", "their"})
_REF_NOUNS = frozenset(lx.HEAD_TYPES) | lx.EVENT_NOUNS | {"company", "firm", "enterprise"}


@Language.factory("eikg_references", default_config={"min_modifiers": 1})
def make_references(nlp: Language, name: str, min_modifiers: int) -> "ReferenceFinder":
    return ReferenceFinder(min_modifiers)


#: Event nouns that also name a place of work ("sterile injection workshop").
_PLACE_OR_EVENT = frozenset({"workshop"})
#: Verbs that make such a noun an event: it is held or attended.
_HOLD_LEMMAS = frozenset(
    {"hold", "attend", "host", "organize", "organise", "participate", "convene", "sponsor",
     "conclude", "preside", "co-host", "co-organize"}
)


def _held(doc: Doc, i: int) -> bool:
    """Does the sentence of token ``i`` hold or attend something?"""
    return any(t.lemma_.lower() in _HOLD_LEMMAS for t in doc[i].sent)


class ReferenceFinder:
    """Event descriptions ("the signing ceremony") and references ("the college")."""

    def __init__(self, min_modifiers: int = 1) -> None:
        self.min_modifiers = min_modifiers

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.eikg_mentions
        if mentions is None:
            mentions = doc._.eikg_mentions = []
        tk = _tokens(doc)
        taken = bytearray(len(doc))
        for m in mentions:
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
        found = []
        for i, low in enumerate(tk.lower):
            if low not in _REF_NOUNS or taken[i]:
                continue
            if low in lx.EVENT_NOUNS and tk.text[i][:1].islower():
                desc = self._description(tk, i, mentions)
                if desc is not None and low in _PLACE_OR_EVENT and not _held(doc, i):
                    desc = None  # "the company's precision parts workshop" is a shop floor
                if desc is not None:
                    found.append(desc)
                    continue
            if i > 0 and tk.lower[i - 1] in _REF_DETS:
                found.append(Mention(i - 1, i + 1, None, kind="ref", head=low, det=tk.lower[i - 1]))
            elif i > 1 and tk.lower[i - 1] == "a" and tk.lower[i - 2] == "at" and low in lx.EVENT_NOUNS:
                # "At a ceremony at the college, ...": the event the article reports
                found.append(Mention(i - 1, i + 1, None, kind="ref", head=low, det="a"))
        mentions.extend(found)
        mentions.sort(key=lambda m: m.start)
        return doc

    def _description(self, tk: _Tokens, i: int, mentions: list[Mention]) -> Mention | None:
        k = i
        while k > 0:
            p = k - 1
            if tk.text[p] == "-" and not tk.ws[p] and k >= 2:
                k -= 1
                continue
            if tk.lower[p] == "and" and k >= 2 and tk.text[k - 2][:1].islower() and not tk.stop[k - 2]:
                k -= 1
                continue
            if tk.alpha[p] and tk.text[p][:1].islower() and not tk.stop[p] and tk.tag[p] in ("NN", "NNS", "JJ", "VBG"):
                k -= 1
                continue
            break
        while k < i and tk.lower[k] == "and":
            k += 1
        modifiers = sum(1 for x in range(k, i) if tk.alpha[x] and tk.lower[x] != "and")
        # "cultural activities" is no event; "cooperation and exchange activities" is
        needed = self.min_modifiers + (tk.lower[i] in lx.VAGUE_EVENT_NOUNS)
        if modifiers < needed:
            return None
        if i + 1 < tk.n and tk.pos[i + 1] in ("NOUN", "PROPN") and tk.text[i + 1][:1].islower():
            return None  # "workshop resonance": the event word is not the head
        end = i + 1
        if end + 1 < tk.n and tk.lower[end] == "of" and tk.text[end + 1][:1].islower():
            x = end + 2 if tk.lower[end + 1] == "the" else end + 1  # "... of the cooperation agreement"
            while x < tk.n and tk.text[x][:1].islower() and tk.tag[x] in ("JJ", "JJR", "JJS", "NN", "NNS", "VBG"):
                x += 1
            if x > end + 1 and tk.tag[x - 1] in ("NN", "NNS"):
                end = x
        if end + 1 < tk.n and tk.lower[end] in ("of", "for"):
            # the fullest description: "signing ceremony for the X Industry College"
            starts = (end + 1, end + 2) if tk.lower[end + 1] == "the" else (end + 1,)
            for m in mentions:
                if m.start in starts and (m.kind == "bare" or m.type is not None and m.kind in ("name", "org")):
                    end = m.end
                    break
        det = tk.lower[k - 1] if k > 0 else ""
        return Mention(k, end, EntityType.EVENT, kind="desc", head=tk.lower[i], det=det)


