"""Gold annotation -> spaCy training docs.

``read_gold_checked`` reads a gold JSON Lines file (``../shared/corpus/ANNOTATION.md``)
and checks every line: a malformed line, an unknown entity or relation type, a
relation naming an entity the line does not define, or an article file that
cannot be read is reported as ``file:line: reason`` and the line skipped.

``reference_doc`` locates each entity's name and aliases in the article text
and marks every occurrence as a span labelled with the entity's type in
``doc.spans[SPANS_KEY]``: the target the span classifier learns. A name that
never occurs in the text is reported, not guessed; so is a surface form that
two entities of different types claim (ambiguous), which is left out. An
occurrence inside a longer annotated name is no mention of its own
(ANNOTATION.md), unless the inner entity is the parent the unit's name gives
(the unit is ``PART_OF`` it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from eikg.errors import InputError
from eikg.ingest.gold_file import gold_lines
from eikg.ingest.resolve import normalise_name
from eikg.records import Article, EntityType, RelationType

SPANS_KEY = "eikg"

_ENTITY_TYPES = frozenset(t.value for t in EntityType)
_RELATION_TYPES = frozenset(t.value for t in RelationType)


@dataclass
class GoldArticle:
    """One checked gold line with its article text."""

    id: str
    text: str
    obj: dict[str, Any]  # the gold object as read
    file: str
    line: int

    def article(self) -> Article:
        """The article as ``eikg extract`` reads it (title, date), under the gold id."""
        from eikg.ingest.evaluate import gold_articles

        [article] = gold_articles([self.obj], Path(self.file).parent)
        return article


@dataclass
class GoldReport:
    """What reading and converting gold found wrong, one line each."""

    problems: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.problems.append(message)


def read_gold_checked(path: str | Path, report: GoldReport) -> list[GoldArticle]:
    """The usable gold articles of ``path``; every problem goes to ``report``."""
    path = Path(path)
    try:
        lines = list(gold_lines(path))
    except InputError as err:
        report.add(str(err))
        return []
    out = []
    for g in lines:
        reason = g.problem or _check(g.obj)
        if reason:
            report.add(f"{g.where}: {reason}")
            continue
        text_path = path.parent / str(g.obj["text_file"])
        try:
            text = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.add(f"{g.where}: cannot read article {text_path} ({exc.__class__.__name__})")
            continue
        out.append(GoldArticle(str(g.obj["id"]), text, g.obj, str(path), g.line))
    return out


def _check(obj: Any) -> str | None:
    if not isinstance(obj, dict) or "id" not in obj or "text_file" not in obj:
        return "a gold object needs 'id' and 'text_file'"
    ids = set()
    for e in obj.get("entities") or ():
        if not isinstance(e, dict) or not isinstance(e.get("name"), str) or "id" not in e:
            return f"entity {e!r} needs 'id' and a 'name'"
        if e.get("type") not in _ENTITY_TYPES:
            return f"entity {e['id']!r} has unknown type {e.get('type')!r}"
        ids.add(str(e["id"]))
    for r in obj.get("relations") or ():
        if not isinstance(r, dict):
            return f"relation {r!r} is not an object"
        if r.get("type") not in _RELATION_TYPES:
            return f"relation {r.get('head')!r} -> {r.get('tail')!r} has unknown type {r.get('type')!r}"
        for end in ("head", "tail"):
            if str(r.get(end)) not in ids:
                return f"{r['type']} relation names {end} {r.get(end)!r}, which no entity defines"
    return None


def _pattern(form: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in form.split()]
    return re.compile(r"(?<![\w])" + r"\s+".join(words) + r"(?![\w])")


def locate(text: str, form: str) -> list[tuple[int, int]]:
    """Character spans of every occurrence of ``form`` in ``text`` as a whole
    word sequence (any white space between words), case as written, else in
    any case when it never occurs as written."""
    if not form.strip():
        return []
    pat = _pattern(form)
    found = [m.span() for m in pat.finditer(text)]
    if not found:
        found = [m.span() for m in re.compile(pat.pattern, re.IGNORECASE).finditer(text)]
    return found


def reference_doc(nlp: Language, article: GoldArticle, report: GoldReport) -> Doc:
    """The article as a Doc whose ``spans[SPANS_KEY]`` mark every located gold name."""
    doc = nlp.make_doc(article.text)
    where = f"{article.file}:{article.line}"
    entities = article.obj.get("entities") or ()
    owners: dict[str, set[str]] = {}
    for e in entities:
        for form in (e["name"], *(e.get("aliases") or ())):
            owners.setdefault(normalise_name(str(form)), set()).add(e["type"])
    parents = {
        (str(r["head"]), str(r["tail"]))
        for r in article.obj.get("relations") or ()
        if r["type"] == RelationType.PART_OF.value
    }
    occurrences: list[tuple[int, int, str, str]] = []  # start, end, label, entity id
    for e in entities:
        found_any = False
        for form in dict.fromkeys((e["name"], *(e.get("aliases") or ()))):
            form = str(form)
            if len(owners.get(normalise_name(form), ())) > 1:
                report.add(f"{where}: {e['id']} ambiguous name {form!r} (claimed by types "
                           f"{', '.join(sorted(owners[normalise_name(form)]))}); left out")
                continue
            spans = locate(article.text, form)
            found_any = found_any or bool(spans)
            occurrences.extend((s, t, e["type"], str(e["id"])) for s, t in spans)
        if not found_any:
            report.add(f"{where}: {e['id']} name {e['name']!r} not found in the text")
    spans = []
    seen = set()
    for s, t, label, eid in occurrences:
        inside = [o for o in occurrences if o[0] <= s and t <= o[1] and (o[1] - o[0]) > (t - s)]
        if inside and not any((o[3], eid) in parents for o in inside):
            continue
        span = doc.char_span(s, t, label=label, alignment_mode="expand")
        if span is None or (span.start, span.end) in seen:
            continue
        seen.add((span.start, span.end))
        spans.append(span)
    doc.spans[SPANS_KEY] = sorted(spans, key=lambda sp: (sp.start, sp.end))
    return doc


def docbin(nlp: Language, articles: Iterable[GoldArticle], report: GoldReport) -> DocBin:
    """The articles' reference docs, ready to be written as a ``.spacy`` file."""
    db = DocBin(store_user_data=False)
    for a in articles:
        db.add(reference_doc(nlp, a, report))
    return db


def folds(articles: list[GoldArticle], k: int, seed: int = 0) -> Iterator[tuple[list[GoldArticle], list[GoldArticle]]]:
    """``k`` (train, test) splits by article: each article is tested exactly once,
    never in a fold whose model trained on it. Shuffled with ``seed``."""
    import random

    if not 2 <= k <= len(articles):
        raise ValueError(f"--cv needs 2 <= K <= {len(articles)} articles, got {k}")
    order = list(articles)
    random.Random(seed).shuffle(order)
    for i in range(k):
        test = order[i::k]
        test_ids = {a.id for a in test}
        yield [a for a in order if a.id not in test_ids], test
