"""The extraction pipeline: streaming, long-text splitting, merging, several processes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eikg.errors import InputError
from eikg.ingest.drafts import EntityDraft, RelationDraft
from eikg.ingest.pipeline import (
    BATCH_CHARS,
    CHUNK_CHARS,
    _batches,
    build_pipeline,
    extract,
    merge_drafts,
    split_text,
    write_extractions,
)
from eikg.ingest.resolve import Resolver, normalise_name
from eikg.ingest.sources import read_articles
from eikg.records import Article, EntityType, RelationType, to_json

ROOT = Path(__file__).resolve().parents[1]
DEV_ARTICLES = ROOT.parent / "shared" / "corpus" / "dev" / "articles"

PARAGRAPH = (
    "Lakeside Polytechnic and Meridian Robotics Co., Ltd. signed a school-enterprise "
    "cooperation agreement in Harbor City on May 3, 2024. Zhao Ming, President of Lakeside "
    "Polytechnic, and Qian Li, General Manager of Meridian Robotics Co., Ltd., attended the "
    "signing ceremony. The two sides will jointly build the Meridian Robotics Industry College."
)


@pytest.fixture(scope="session")
def nlp():
    return build_pipeline()


@pytest.fixture(scope="session")
def dev_articles():
    articles = list(read_articles([DEV_ARTICLES]))
    assert len(articles) == 15
    return articles


# --- splitting ------------------------------------------------------------------------


def test_split_text_covers_the_text_in_order_within_the_limit():
    text = "\n\n".join(f"Paragraph {i}. " + "Some words here. " * (i % 7 + 1) for i in range(40))
    for limit in (50, 120, 333, 1000):
        chunks = split_text(text, limit)
        assert "".join(c for _, c in chunks) == text
        assert all(len(c) <= limit for _, c in chunks)
        offsets = [o for o, _ in chunks]
        assert offsets[0] == 0
        for (o, c), nxt in zip(chunks, offsets[1:]):
            assert o + len(c) == nxt


def test_split_text_prefers_paragraph_then_sentence_then_word():
    assert split_text("Alpha beta.\n\nGamma delta.", 20) == [(0, "Alpha beta.\n\n"), (13, "Gamma delta.")]
    assert split_text("Alpha beta. Gamma delta.", 20) == [(0, "Alpha beta. "), (12, "Gamma delta.")]
    assert split_text("Alpha beta gamma delta", 12) == [(0, "Alpha beta "), (11, "gamma delta")]
    assert split_text("abcdefghij", 4) == [(0, "abcd"), (4, "efgh"), (8, "ij")]
    assert split_text("short", 100) == [(0, "short")]


def test_split_text_rejects_a_zero_limit():
    with pytest.raises(ValueError, match="max_length"):
        split_text("text", 0)


# --- merging drafts (hand-built) ------------------------------------------------------


def test_merge_drafts_shifts_offsets_and_merges_entities_across_chunks():
    text = "Lakeside College (LC) met Zhao Ming.\n\nLC and Zhao Ming signed at Lakeside College."
    second = text.index("LC and")
    article = Article(id="a", text=text)
    chunk1 = (
        0,
        [
            EntityDraft("e1", "Lakeside College", EntityType.COLLEGE, ["LC"], [(0, 16), (18, 20)]),
            EntityDraft("e2", "Zhao Ming", EntityType.PERSON, [], [(26, 35)]),
        ],
        [RelationDraft("e2", RelationType.VISITED, "e1", (0, 36))],
    )
    chunk2 = (
        second,
        [
            EntityDraft("e1", "LC", EntityType.ORGANIZATION, [], [(0, 2)]),
            EntityDraft("e2", "Zhao Ming", EntityType.PERSON, [], [(7, 16)]),
            EntityDraft("e3", "Lakeside College", EntityType.COLLEGE, [], [(27, 43)]),
        ],
        [
            RelationDraft("e2", RelationType.VISITED, "e3", (0, 44)),  # repeats chunk 1's
            RelationDraft("e2", RelationType.HOLDS_POSITION, "e1", (0, 44), title="Dean"),
        ],
    )
    ex = merge_drafts(article, [chunk1, chunk2])
    assert [e.id for e in ex.entities] == ["e1", "e2"]
    college, person = ex.entities
    assert (college.name, college.type, college.aliases) == ("Lakeside College", EntityType.COLLEGE, ("LC",))
    assert college.key == "college:lakeside-college"
    assert [text[m.start : m.end] for m in college.mentions] == [
        "Lakeside College", "LC", "LC", "Lakeside College"]
    assert [text[m.start : m.end] for m in person.mentions] == ["Zhao Ming", "Zhao Ming"]
    assert [(r.head, r.type, r.tail) for r in ex.relations] == [
        ("e2", RelationType.VISITED, "e1"),
        ("e2", RelationType.HOLDS_POSITION, "e1"),
    ]
    assert ex.relations[1].title == "Dean"
    evidence = ex.relations[1].evidence
    assert (evidence.start, evidence.end) == (second, second + 44)
    assert evidence.sentence == text[second : second + 44]


def test_merge_drafts_keeps_one_relation_per_pair_as_within_one_text():
    text = "Orbit Academy and Acme Ltd. met.\n\nAcme Ltd. and Orbit Academy, with Dean Wu, signed."
    second = text.index("Acme Ltd. and")

    def chunk(offset, relations):
        return (offset, [EntityDraft("a", "Orbit Academy", EntityType.COLLEGE, [], []),
                         EntityDraft("b", "Acme Ltd.", EntityType.ENTERPRISE, [], []),
                         EntityDraft("p", "Wu", EntityType.PERSON, [], [])], relations)

    ex = merge_drafts(Article(id="c", text=text), [
        chunk(0, [RelationDraft("a", RelationType.PARTNERS_WITH, "b", (0, 32), confidence=0.6),
                  RelationDraft("p", RelationType.HOLDS_POSITION, "a", (0, 32), confidence=0.8)]),
        chunk(second, [
            RelationDraft("b", RelationType.PARTNERS_WITH, "a", (0, 51), confidence=0.9),
            RelationDraft("p", RelationType.HOLDS_POSITION, "a", (0, 51), title="Dean", confidence=0.8),
        ]),
    ])
    # One partnership (no direction), the more confident draft's; one post, with its title.
    assert [(r.head, r.type, r.tail, r.title, r.evidence.start) for r in ex.relations] == [
        ("e2", RelationType.PARTNERS_WITH, "e1", None, second),
        ("e3", RelationType.HOLDS_POSITION, "e1", "Dean", second),
    ]


def test_merge_drafts_keeps_incompatible_types_apart_and_event_place():
    text = "Orbit Academy hosted the Orbit Forum in Lakeside."
    ex = merge_drafts(
        Article(id="b", text=text, published="2024-01-02"),
        [
            (0, [EntityDraft("e1", "Orbit Academy", EntityType.COLLEGE, [], [(0, 13)]),
                 EntityDraft("e2", "Lakeside", EntityType.PLACE, [], [(40, 48)]),
                 EntityDraft("e3", "Orbit Forum", EntityType.EVENT, [], [(25, 36)],
                             date="2024-01-01", place="e2")], []),
            (0, [EntityDraft("e1", "Orbit Academy", EntityType.ENTERPRISE, [], [(0, 13)])], []),
        ],
    )
    types = [(e.name, e.type) for e in ex.entities]
    assert types == [
        ("Orbit Academy", EntityType.COLLEGE),
        ("Lakeside", EntityType.PLACE),
        ("Orbit Forum", EntityType.EVENT),
        ("Orbit Academy", EntityType.ENTERPRISE),
    ]
    event = ex.entity("e3")
    assert (event.date, event.place) == ("2024-01-01", "e2")
    assert event.key == "event:orbit-forum@2024-01-01@lakeside"  # name, date and place


def test_merge_drafts_drops_relations_to_unknown_entities():
    ex = merge_drafts(
        Article(id="c", text="Zhao Ming."),
        [(0, [EntityDraft("e1", "Zhao Ming", EntityType.PERSON, [], [(0, 9)])],
          [RelationDraft("e1", RelationType.VISITED, "e9", (0, 10))])],
    )
    assert ex.relations == ()


# --- the real pipeline ----------------------------------------------------------------


def surface_forms(entity) -> set[str]:
    return {normalise_name(entity.name), *(normalise_name(a) for a in entity.aliases)}


def test_dev_articles_give_consistent_records(nlp, dev_articles):
    extractions = list(extract(dev_articles, nlp))
    assert [ex.article.id for ex in extractions] == [a.id for a in dev_articles]
    assert sum(len(ex.entities) for ex in extractions) >= 15 * 5
    assert sum(len(ex.relations) for ex in extractions) >= 15
    for ex in extractions:
        text = ex.article.text
        ids = [e.id for e in ex.entities]
        assert len(ids) == len(set(ids)), ex.article.id
        for e in ex.entities:
            assert e.key.startswith(e.type.value.lower() + ":") or e.type != EntityType.EVENT
            assert e.mentions, (ex.article.id, e.name)
            for m in e.mentions:
                assert 0 <= m.start < m.end <= len(text)
        for r in ex.relations:
            assert r.head in ids and r.tail in ids
            assert r.evidence.sentence == text[r.evidence.start : r.evidence.end]
            assert r.evidence.sentence.strip()


def test_same_thing_in_two_articles_gets_one_key(nlp):
    a = Article(id="k1", text=PARAGRAPH)
    b = Article(id="k2", text="Zhao Ming visited Meridian Robotics Co., Ltd. in Harbor City last week.")
    first, second = extract([a, b], nlp)
    keys_a = {e.name: e.key for e in first.entities}
    keys_b = {e.name: e.key for e in second.entities}
    shared = set(keys_a) & set(keys_b)
    assert "Zhao Ming" in shared
    for name in shared:
        assert keys_a[name] == keys_b[name], name


def test_long_text_is_split_and_offsets_stay_relative_to_the_article(nlp):
    unit = PARAGRAPH + "\n\n"
    copies = 6
    [single] = extract([Article(id="one", text=unit)], nlp)
    notices: list[str] = []
    [split] = extract([Article(id="many", text=unit * copies, source="many.txt")], nlp,
                      max_length=len(unit), on_notice=notices.append)
    assert notices == [f"many.txt: {len(unit) * copies} characters, more than {len(unit)} "
                       f"at once; extracted in {copies} parts"]
    assert single.entities, "the pipeline found nothing to compare"
    text = split.article.text
    # Every chunk is the unit itself, so its drafts are the unit's, shifted.
    assert [(e.name, e.type, e.aliases) for e in split.entities] == [
        (e.name, e.type, e.aliases) for e in single.entities]
    assert [e.key for e in split.entities if e.type != EntityType.EVENT] == [
        e.key for e in single.entities if e.type != EntityType.EVENT]
    for one, many in zip(single.entities, split.entities):
        expected = {(m.start + k * len(unit), m.end + k * len(unit))
                    for k in range(copies) for m in one.mentions}
        assert {(m.start, m.end) for m in many.mentions} == expected
        for m in many.mentions:
            assert text[m.start : m.end] == unit[m.start % len(unit) : m.start % len(unit) + m.end - m.start]
    # Relations repeated by later chunks are kept once, with the first chunk's evidence.
    assert [(r.head, r.type, r.tail, r.title) for r in split.relations] == [
        (r.head, r.type, r.tail, r.title) for r in single.relations]
    assert [r.evidence for r in split.relations] == [r.evidence for r in single.relations]


def test_long_article_is_extracted_in_parts_with_the_short_article_s_output(nlp):
    # About 160 KB: eight parts of at most CHUNK_CHARS; no max_length given.
    unit = PARAGRAPH + "\n\n"
    copies = 160_000 // len(unit) + 1
    text = unit * copies
    parts = split_text(text, CHUNK_CHARS)
    assert len(parts) >= 5
    assert all(len(chunk) <= CHUNK_CHARS for _, chunk in parts)
    [single] = extract([Article(id="one", text=unit)], nlp)
    notices: list[str] = []
    [parted] = extract([Article(id="long", text=text, source="long.txt")], nlp,
                       on_notice=notices.append)
    assert notices == [f"long.txt: {len(text)} characters, more than {CHUNK_CHARS} at once; "
                       f"extracted in {len(parts)} parts"]
    assert [(e.name, e.type, e.aliases) for e in parted.entities] == [
        (e.name, e.type, e.aliases) for e in single.entities]
    for one, many in zip(single.entities, parted.entities):
        expected = {(m.start + k * len(unit), m.end + k * len(unit))
                    for k in range(copies) for m in one.mentions}
        assert {(m.start, m.end) for m in many.mentions} == expected
    last = max(m.end for e in parted.entities for m in e.mentions)
    assert last > parts[-1][0], "no mention from the last part"
    assert [(r.head, r.type, r.tail, r.title, r.evidence) for r in parted.relations] == [
        (r.head, r.type, r.tail, r.title, r.evidence) for r in single.relations]


def test_batches_hold_at_most_size_docs_and_chars(nlp):
    # Texts of 20, 20, 20, 20, 90, 10 and 10 characters.
    items = [(nlp.make_doc("word " * (n // 5)), n) for n in (20, 20, 20, 20, 90, 10, 10)]
    batches = [[n for _, n in batch] for batch in _batches(items, 3, 100)]
    assert batches == [[20, 20, 20], [20], [90, 10], [10]]
    # A text longer than the budget goes alone rather than being held back.
    assert [[n for _, n in b] for b in _batches(items[3:6], 3, 50)] == [[20], [90], [10]]
    assert CHUNK_CHARS <= BATCH_CHARS


def test_text_longer_than_nlp_max_length_is_split(nlp):
    text = (PARAGRAPH + "\n\n") * 3
    saved = nlp.max_length
    nlp.max_length = len(text) // 2
    try:
        [ex] = extract([Article(id="long", text=text)], nlp)
    finally:
        nlp.max_length = saved
    mentions = [m for e in ex.entities for m in e.mentions]
    assert mentions
    assert max(m.end for m in mentions) > len(text) // 2


def test_publication_date_reaches_the_components():
    # the rules' pipeline: this checks the date's way to the components, not whether
    # the learned layer keeps this one invented event name
    nlp = build_pipeline(learned=None)
    article = Article(
        id="dated",
        text="On May 3, Lakeside Polytechnic held the Harbor City Robotics Forum in Harbor City.",
        published="2021-02-01",
    )
    [ex] = extract([article], nlp)
    events = [e for e in ex.entities if e.type == EntityType.EVENT]
    assert events
    assert events[0].date == "2021-05-03"


def test_workers_give_the_same_output(nlp, dev_articles):
    articles = dev_articles[:6]
    one = [to_json(ex) for ex in extract(articles, nlp, workers=1, batch_size=2)]
    two = [to_json(ex) for ex in extract(articles, nlp, workers=2, batch_size=2)]
    assert two == one
    assert any(obj["entities"] for obj in two)


def test_extract_streams(nlp):
    def endless():
        n = 0
        while True:
            n += 1
            yield Article(id=f"s{n}", text=f"Zhao Ming visited Lakeside Polytechnic on day {n}.")

    stream = extract(endless(), nlp, batch_size=4)
    ids = [next(stream).article.id for _ in range(10)]
    assert ids == [f"s{n}" for n in range(1, 11)]


def test_resolver_carries_keys_across_calls(nlp):
    resolver = Resolver()
    text = "Northern Lakes University (NLU) signed an agreement with Meridian Robotics Co., Ltd."
    [first] = extract([Article(id="r1", text=text)], nlp, resolver=resolver)
    assert len(resolver) > 0
    [second] = extract([Article(id="r2", text=text)], nlp, resolver=resolver)
    assert [e.key for e in first.entities] == [e.key for e in second.entities]


def test_write_extractions_names_a_file_it_cannot_write(tmp_path):
    out = tmp_path / "no-such-folder" / "x.jsonl"
    with pytest.raises(InputError, match=f"^cannot write {re.escape(str(out))}: No such file or directory$"):
        write_extractions([str(DEV_ARTICLES)], out)
