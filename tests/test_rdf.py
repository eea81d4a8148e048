"""RDF export: SHACL-valid under shapes.ttl, isomorphic round trips, provenance, streaming."""

from __future__ import annotations

import doctest
import gzip
import io
import tracemalloc

import pytest
from pyshacl import validate
from query_fixture import ACME, LI, RP, extractions
from rdflib import RDF, RDFS, Dataset, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import ORG
from typer.testing import CliRunner

from eikg.cli import app
from eikg.errors import InputError
from eikg.graph import rdf, rdf_export, rdf_jsonld, rdf_lines, rdf_turtle
from eikg.graph.loader import load
from eikg.graph.ontology import EIKG, ontology_graph, shapes_graph

ENTITIES = [
    {"key": "college:rp", "name": "Riverside Polytechnic", "type": "COLLEGE", "aliases": ["RP"],
     "firstSeen": "2023-03-10", "lastSeen": "2024-05-20"},
    {"key": "person:li-ming", "name": "Li Ming", "type": "PERSON", "aliases": []},
    {"key": "event:forum@2024-05-18", "name": "Forum", "type": "EVENT", "date": "2024-05-18"},
]
ARTICLES = [
    {"id": "a1", "url": "https://news.example.org/a1", "title": "T", "published": "2023-03-10",
     "publisher": "P", "contentHash": "a" * 64, "mentions": ["college:rp", "person:li-ming"]},
    {"id": "a2", "url": None, "title": None, "published": None, "publisher": None,
     "contentHash": "b" * 64, "mentions": ["college:rp"]},
]
RELATIONS = [
    {"head": "person:li-ming", "type": "HOLDS_POSITION", "tail": "college:rp",
     "sources": ["a1", "a2"], "evidence": ['Li Ming, "President"\nof RP.', "Li Ming of RP."],
     "evidenceSources": ["a1", "a2"], "firstSeen": "2023-03-10", "lastSeen": "2024-05-20",
     "title": "President", "confidence": 0.9},
    {"head": "college:rp", "type": "PARTICIPATED_IN", "tail": "event:forum@2024-05-18",
     "sources": ["a2"], "evidence": ["RP was at the forum."], "evidenceSources": ["a2"],
     "firstSeen": None, "lastSeen": None, "title": None, "confidence": 1.0},
]


def quads():
    out = [q for r in ENTITIES for q in rdf.entity_quads(r)]
    out += [q for r in ARTICLES for q in rdf.article_quads(r)]
    out += [q for r in RELATIONS for q in rdf.relation_quads(r)]
    return out


def conforms(graph: Graph) -> tuple[bool, str]:
    ok, _, text = validate(
        graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none"
    )
    return ok, text


def test_docstring_examples_hold_rdf():
    result = doctest.testmod(rdf)
    assert result.attempted >= 1
    assert result.failed == 0


@pytest.mark.parametrize("module", [rdf_export, rdf_jsonld, rdf_turtle])
def test_docstring_examples_hold_in_the_serialisers(module):
    result = doctest.testmod(module)
    assert result.attempted >= 1
    assert result.failed == 0


# --- rows -> RDF (pure) -----------------------------------------------------------------


def test_rows_give_shacl_valid_rdf():
    ok, text = conforms(rdf.to_graph(quads()))
    assert ok, text


def test_shapes_catch_a_statement_without_source():
    graph = rdf.to_graph(quads())
    graph.remove((None, EIKG.source, None))
    ok, text = conforms(graph)
    assert not ok
    assert "source" in text


def test_provenance_in_plain_rdf_reifies_each_fact():
    graph = rdf.to_graph(quads())
    li, rp = rdf.entity_iri("person:li-ming"), rdf.entity_iri("college:rp")
    assert (li, EIKG.holdsPosition, rp) in graph
    st = rdf.statement_iri("person:li-ming", "HOLDS_POSITION", "college:rp")
    assert (st, RDF.type, EIKG.Statement) in graph
    assert (st, RDF.subject, li) in graph
    assert (st, RDF.predicate, EIKG.holdsPosition) in graph
    assert (st, RDF.object, rp) in graph
    assert set(graph.objects(st, EIKG.source)) == {rdf.article_iri("a1"), rdf.article_iri("a2")}
    assert Literal('Li Ming, "President"\nof RP.') in set(graph.objects(st, EIKG.evidence))
    pos = rdf.position_iri("person:li-ming", "college:rp")
    assert (pos, ORG.member, li) in graph
    assert (pos, EIKG.title, Literal("President")) in graph


def test_named_graph_per_article_pairs_sentence_with_article():
    ds = rdf.to_dataset(quads())
    st = rdf.statement_iri("person:li-ming", "HOLDS_POSITION", "college:rp")
    a1 = ds.graph(rdf.article_iri("a1"))
    a2 = ds.graph(rdf.article_iri("a2"))
    assert set(a1.objects(st, EIKG.evidence)) == {Literal('Li Ming, "President"\nof RP.')}
    assert set(a2.objects(st, EIKG.evidence)) == {Literal("Li Ming of RP.")}
    li, rp = rdf.entity_iri("person:li-ming"), rdf.entity_iri("college:rp")
    assert (li, EIKG.holdsPosition, rp) in a1
    forum = rdf.entity_iri("event:forum@2024-05-18")
    assert (rp, EIKG.participatedIn, forum) not in a1
    assert (rp, EIKG.participatedIn, forum) in a2


def test_missing_dates_and_urls_are_left_out_not_invented():
    graph = rdf.to_graph(quads())
    a2 = rdf.article_iri("a2")
    assert list(graph.objects(a2, EIKG.published)) == []
    assert list(graph.objects(a2, EIKG.url)) == []


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_plain_formats_round_trip_isomorphic(fmt):
    buf = io.StringIO()
    rdf_export.serialise(quads(), buf, fmt)
    back = Graph().parse(data=buf.getvalue(), format=rdf_export.FORMATS[fmt])
    assert isomorphic(back, rdf.to_graph(quads()))


@pytest.mark.parametrize("fmt", ["trig", "nquads", "json-ld"])
def test_dataset_formats_round_trip_every_graph(fmt):
    buf = io.StringIO()
    rdf_export.serialise(quads(), buf, fmt)
    back = Dataset().parse(data=buf.getvalue(), format=rdf_export.FORMATS[fmt])
    want = rdf.to_dataset(quads())
    want_graphs = {g.identifier: g for g in want.graphs() if len(g)}
    got_graphs = {g.identifier: g for g in back.graphs() if len(g)}
    assert set(got_graphs) == set(want_graphs)
    for name, g in want_graphs.items():
        assert isomorphic(got_graphs[name], g), name


def _same_graphs(data: str, fmt: str, source) -> int:
    """Parse ``data`` and check it holds exactly the graphs of ``source`` quads (Turtle:
    the default graph alone); returns their triple count."""
    back = Dataset().parse(data=data, format=rdf_export.FORMATS[fmt])
    want = rdf.to_dataset(q for q in source if fmt != "turtle" or q[3] is None)
    want_graphs = {g.identifier: g for g in want.graphs() if len(g)}
    got_graphs = {g.identifier: g for g in back.graphs() if len(g)}
    assert set(got_graphs) == set(want_graphs)
    for name, g in want_graphs.items():
        assert isomorphic(got_graphs[name], g), name
    return sum(len(g) for g in want_graphs.values())


NASTY = [
    'He said "yes" \\ no',
    "Line one\nline two\r\n\ttabbed",
    "Triple " + '"' * 3 + "quotes" + '"' * 3 + ' and a trailing quote"',
    "@prefix evil: <http://evil.example/> . } GRAPH { <x> <y> <z> }",
    "Ünïcødé 北京 — ✓",
]


@pytest.mark.parametrize("fmt", ["turtle", "trig", "json-ld"])
def test_writers_escape_untrusted_text_and_odd_keys(fmt):
    keys = ["college:a b", "college:x~y", "college:a@b", "college:ends.", "college:50%",
            "college:slash/in/key", "college:ok-key_1"]
    ents = [{"key": k, "name": NASTY[i % len(NASTY)], "type": "COLLEGE", "aliases": NASTY[:2]}
            for i, k in enumerate(keys)]
    ids = ["a 1", "a~2", "a3."]
    arts = [{"id": aid, "url": "https://news.example.org/a?b=c&d=e", "title": NASTY[3],
             "published": "2024-01-01", "publisher": NASTY[4], "contentHash": "c" * 64,
             "mentions": keys[:3]} for aid in ids]
    rels = [{"head": keys[i], "type": "PARTNERS_WITH", "tail": keys[i + 1],
             "sources": ids, "evidence": NASTY[:3], "evidenceSources": ids,
             "firstSeen": "2024-01-01", "lastSeen": "2024-02-01", "title": None,
             "confidence": 0.7} for i in range(len(keys) - 1)]
    source = [q for r in ents for q in rdf.entity_quads(r)]
    source += [q for r in arts for q in rdf.article_quads(r)]
    source += [q for r in rels for q in rdf.relation_quads(r)]
    source += quads()
    buf = io.StringIO()
    n = rdf_export.serialise(source, buf, fmt)
    assert n == _same_graphs(buf.getvalue(), fmt, source)
    if fmt != "json-ld":
        prefixes = [line for line in buf.getvalue().splitlines() if line.startswith("@prefix")]
        assert len(prefixes) == len(rdf.PREFIXES)  # the text never became a directive


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_turtle_and_trig_use_prefixed_names_and_subject_blocks(fmt):
    buf = io.StringIO()
    rdf_export.serialise(quads(), buf, fmt)
    text = buf.getvalue()
    assert "id:college:rp a eikg:College ;" in text
    assert '    eikg:name "Riverside Polytechnic"' in text
    assert ("art:a1 {" in text) == (fmt == "trig")


def test_unknown_format_and_type_are_refused():
    with pytest.raises(InputError, match="unknown RDF format 'rdfxml'"):
        rdf_export.normalise_format("rdfxml")
    with pytest.raises(InputError, match="not in the eikg ontology"):
        list(rdf.relation_quads({**RELATIONS[0], "type": "KNOWS"}))


def test_iris_quote_unsafe_key_characters():
    iri = rdf.entity_iri('college:a b<c>"d')
    assert " " not in iri
    assert "<" not in iri
    assert str(iri).startswith("https://w3id.org/eikg/id/college:")


# --- from Neo4j -------------------------------------------------------------------------


@pytest.fixture
def graph(driver, clean_db):
    load(driver, extractions())
    return driver


def test_export_of_loaded_graph_is_valid_and_complete(graph, tmp_path):
    out = tmp_path / "g.ttl"
    n = rdf_export.export_rdf(graph, out, "turtle")
    g = Graph().parse(out, format="turtle")
    assert n == len(g)
    ok, text = conforms(g)
    assert ok, text
    entities = set(g.subjects(EIKG.key, None))
    assert len(entities) == 11
    assert len(set(g.subjects(RDF.type, EIKG.Article))) == 3
    assert len(set(g.subjects(RDF.type, EIKG.Statement))) == 16
    rp, acme = rdf.entity_iri(RP), rdf.entity_iri(ACME)
    assert (rp, EIKG.partnersWith, acme) in g or (acme, EIKG.partnersWith, rp) in g
    pos = rdf.position_iri(LI, RP)
    assert (pos, EIKG.title, Literal("President")) in g


def test_trig_export_of_loaded_graph_round_trips(graph, tmp_path):
    out = tmp_path / "g.trig"
    rdf_export.export_rdf(graph, out, "trig")
    back = Dataset().parse(out, format="trig")
    want = rdf.to_dataset(rdf_export.iter_quads(graph))
    names = {g.identifier for g in back.graphs() if len(g)}
    assert {rdf.article_iri(a) for a in ("a1", "a2", "a3")} <= names
    for g in want.graphs():
        if len(g):
            assert isomorphic(back.graph(g.identifier), g), g.identifier


def test_ntriples_stream_equals_in_memory_graph(graph, tmp_path):
    out = tmp_path / "g.nt"
    n = rdf_export.export_rdf(graph, out, "nt")
    back = Graph().parse(out, format="nt")
    assert n == len(back)
    assert isomorphic(back, rdf.to_graph(rdf_export.iter_quads(graph)))


def _partnership_quads(n: int):
    """The quads of ``n`` distinct partnerships, generated as they are consumed."""
    for i in range(n):
        row = {"head": f"college:c{i}", "type": "PARTNERS_WITH", "tail": f"enterprise:e{i}",
               "sources": [f"a{i}"], "evidence": [f"College {i} and firm {i} cooperate."],
               "evidenceSources": [f"a{i}"], "firstSeen": "2024-01-01",
               "lastSeen": "2024-01-02", "title": None, "confidence": 0.5}
        yield from rdf.relation_quads(row)


class _Sink(io.TextIOBase):
    """A text stream that keeps nothing but how many writes and characters it got."""

    def __init__(self):
        self.writes = self.chars = 0

    def write(self, s):
        self.writes += 1
        self.chars += len(s)
        return len(s)


def _peak_memory(write, n: int) -> tuple[int, int, _Sink]:
    """Run ``write(quads, sink)`` over ``n`` partnerships: (traced peak bytes, its return, sink)."""
    sink = _Sink()
    tracemalloc.start()
    try:
        written = write(_partnership_quads(n), sink)
        return tracemalloc.get_traced_memory()[1], written, sink
    finally:
        tracemalloc.stop()


def test_ntriples_memory_does_not_grow_with_the_graph():
    """Streaming keeps memory flat: 10x the relations must not take 10x the memory."""
    peaks = []
    for n in (500, 5_000):
        peak, _, sink = _peak_memory(lambda q, out: rdf_lines.write_lines(q, out, with_graph=False), n)
        peaks.append(peak)
        assert sink.writes == n * 10  # 5 statement + 1 source + 1 evidence + 3 literals
    assert peaks[1] < 2 * peaks[0] + 200_000


@pytest.mark.parametrize("fmt", ["turtle", "trig", "json-ld"])
def test_turtle_trig_json_ld_memory_does_not_grow_with_the_graph(fmt):
    """Turtle, TriG and JSON-LD stream (Turtle's cache of abbreviated IRIs is bounded):
    8x the relations, not 8x the memory."""
    sizes = (5_000, 40_000)
    peaks, counts = [], []
    for n in sizes:
        peak, written, sink = _peak_memory(lambda q, out: rdf_export.serialise(q, out, fmt), n)
        peaks.append(peak)
        counts.append(written)
        assert sink.chars > 0
    per_row = 10 if fmt == "turtle" else 12  # named formats add the fact and sentence per article
    assert counts == [sizes[0] * per_row, sizes[1] * per_row]
    assert peaks[1] < 2 * peaks[0]


def test_cli_export_rdf(graph, tmp_path):
    out = tmp_path / "g.nq"
    res = CliRunner().invoke(app, ["export", "rdf", "--format", "nquads", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "quads" in res.stderr
    back = Dataset().parse(out, format="nquads")
    assert rdf.article_iri("a1") in {g.identifier for g in back.graphs()}
    res = CliRunner().invoke(app, ["export", "rdf", "--format", "xml", "--out", str(out)])
    assert res.exit_code == 1
    assert res.stderr.startswith("error: unknown RDF format 'xml'")


@pytest.mark.parametrize("name", ["g.ttl", "g.nt", "g.trig", "g.nq.gz"])
def test_export_with_ontology_validates_against_shapes_alone(graph, tmp_path, name):
    out = tmp_path / name
    res = CliRunner().invoke(app, ["export", "rdf", str(out), "--with-ontology"])  # the path as an argument
    assert res.exit_code == 0, res.output
    fmt = rdf_export.format_for(out)
    data = gzip.decompress(out.read_bytes()).decode() if name.endswith(".gz") else out.read_text()
    back = Dataset().parse(data=data, format=fmt)
    merged = Graph()
    for g in back.graphs():
        merged += g
    assert (EIKG.College, RDFS.subClassOf, EIKG.Organization) in merged
    ok, _, text = validate(merged, shacl_graph=shapes_graph(), inference="none")  # no ont_graph given
    assert ok, text
    alone = Graph()
    rdf_export.export_rdf(graph, tmp_path / "plain.ttl", "turtle")
    alone.parse(tmp_path / "plain.ttl", format="turtle")
    assert not validate(alone, shacl_graph=shapes_graph(), inference="none")[0], "the shapes need the class hierarchy"


def test_cli_export_rdf_path_argument_and_errors(graph, tmp_path):
    res = CliRunner().invoke(app, ["export", "rdf", str(tmp_path / "a.ttl")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "a.ttl").stat().st_size > 0
    res = CliRunner().invoke(app, ["export", "rdf", str(tmp_path / "a.ttl"), "--out", str(tmp_path / "b.ttl")])
    assert res.exit_code == 1
    assert "two files given" in res.output
    res = CliRunner().invoke(app, ["export", "rdf"])
    assert res.exit_code == 1
    assert "eikg export rdf PATH" in res.output
    res = CliRunner().invoke(app, ["export", "rdf", str(tmp_path / "g.jsonld"), "--with-ontology"])
    assert res.exit_code == 1
    assert "--with-ontology writes turtle" in res.output


def test_cli_export_rdf_format_from_file_name_and_gzip(graph, tmp_path):
    want = rdf.to_dataset(rdf_export.iter_quads(graph))
    for name, fmt in (("g.nq.gz", "nquads"), ("g.ttl", "turtle"), ("g.jsonld.gz", "json-ld")):
        out = tmp_path / name
        res = CliRunner().invoke(app, ["export", "rdf", "--out", str(out)])
        assert res.exit_code == 0, res.output
        data = gzip.decompress(out.read_bytes()) if name.endswith(".gz") else out.read_bytes()
        back = Dataset().parse(data=data.decode("utf-8"), format=fmt)
        named = {g.identifier for g in back.graphs() if len(g)}
        assert (rdf.article_iri("a1") in named) == (fmt != "turtle"), name
        assert isomorphic(back.default_graph, want.default_graph), name




def test_pages_of_any_size_give_the_same_graph(graph):
    whole = rdf.to_dataset(rdf_export.iter_quads(graph))
    paged = rdf.to_dataset(rdf_export.iter_quads(graph, page=2))
    # Non-empty, or two empty exports would pass as equal.
    assert sum(len(g) for g in whole.graphs()) > 0
    assert len([g for g in whole.graphs() if len(g)]) > 1  # the default graph and the articles'
    assert sum(len(g) for g in paged.graphs()) == sum(len(g) for g in whole.graphs())
    for g in whole.graphs():
        if len(g):
            assert isomorphic(paged.graph(g.identifier), g), g.identifier
