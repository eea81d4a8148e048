"""Reading articles: formats, ids, titles, dates, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eikg.ingest import sources
from eikg.ingest.sources import (
    count_articles,
    decode_bytes,
    find_date,
    find_title,
    html_to_text,
    parse_date,
    read_articles,
)

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"
SAMPLE = ROOT / "data" / "sample"

STORY = (
    "Harbor Polytechnic Opens Robotics Lab With Meridian Motors\n"
    "\n"
    "Posted on March 3, 2024 by a staff writer\n"
    "\n"
    "On February 27, Harbor Polytechnic and Meridian Motors opened a robotics lab.\n"
)


def read(paths):
    problems: list[str] = []
    articles = list(read_articles(paths, on_problem=problems.append))
    return articles, problems


# --- formats --------------------------------------------------------------------------


def test_txt_gives_id_title_and_date(tmp_path):
    (tmp_path / "harbor-lab.txt").write_text(STORY, encoding="utf-8")
    [article], problems = read([tmp_path / "harbor-lab.txt"])
    assert problems == []
    assert article.id == "harbor-lab"
    assert article.title == "Harbor Polytechnic Opens Robotics Lab With Meridian Motors"
    assert article.published == "2024-03-03"
    assert article.text == STORY
    assert article.source == str(tmp_path / "harbor-lab.txt")


def test_markdown_markup_is_dropped(tmp_path):
    md = "# Lakeside College Joins Alliance\n\nThe **Lakeside College** joined the [alliance](https://example.org).\n"
    (tmp_path / "joins.md").write_text(md, encoding="utf-8")
    [article], _ = read([tmp_path / "joins.md"])
    assert article.title == "Lakeside College Joins Alliance"
    assert "The Lakeside College joined the alliance." in article.text
    assert "**" not in article.text
    assert "https://" not in article.text


def test_html_keeps_visible_text_only(tmp_path):
    html = """<!doctype html><html><head><title>Site | News</title>
    <style>body { color: red }</style><script>var hidden = "script text";</script></head>
    <body><header>Site header</header><nav><a href="/">Home</a> menu</nav>
    <article><h1>Dale Institute Signs With Orbit Labs</h1>
    <p>Update: 2023-11-05</p>
    <p>Dale Institute signed an agreement&nbsp;with Orbit Labs &amp; partners.</p>
    <p>The two sides
       will build a <b>training base</b>.</p></article>
    <aside>Related stories</aside><noscript>Enable JS</noscript>
    <template><p>template text</p></template><footer>Copyright</footer></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    [article], problems = read([tmp_path / "page.html"])
    assert problems == []
    assert article.id == "page"
    assert article.title == "Dale Institute Signs With Orbit Labs"
    assert article.published == "2023-11-05"
    for hidden in ("script text", "color: red", "Site header", "Home", "menu", "Related",
                   "Enable JS", "template text", "Copyright", "Site | News"):
        assert hidden not in article.text, hidden
    paragraphs = article.text.split("\n\n")
    assert "Dale Institute signed an agreement with Orbit Labs & partners." in paragraphs
    assert "The two sides will build a training base." in paragraphs


def test_html_without_closing_head_still_shows_the_body():
    text, headline = html_to_text("<html><head><title>Page</title><body><p>Body text</p></body>")
    assert text == "Body text"
    assert headline == "Page"


def test_html_to_text_paragraph_breaks():
    text, headline = html_to_text("<div>One<br>Two</div><p>Three <i>four</i></p>")
    assert text == "One\n\nTwo\n\nThree four"
    assert headline is None


def test_jsonl_fields_and_defaults(tmp_path):
    lines = [
        {"id": "a1", "text": "Body one.\nMore.", "title": "Given Title", "url": "https://example.org/a1",
         "published": "2021-06-09T10:00:00Z", "publisher": "Lakeside College"},
        {"id": 7, "text": "Riverside Fair Opens\n\nDate: 12 May 2020\n\nThe fair opened."},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(o) for o in lines) + "\n", encoding="utf-8")
    (first, second), problems = read([path])
    assert problems == []
    assert (first.id, first.title, first.url, first.published, first.publisher) == (
        "a1", "Given Title", "https://example.org/a1", "2021-06-09", "Lakeside College")
    assert first.text == "Body one.\nMore."
    assert first.source == f"{path}:1"
    assert second.id == "7"
    assert second.title == "Riverside Fair Opens"
    assert second.published == "2020-05-12"
    assert second.url is None


def test_jsonl_text_file_relative_to_it(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "s.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(json.dumps({"id": "g1", "text_file": "texts/s.txt"}) + "\n")
    [article], problems = read([tmp_path / "gold.jsonl"])
    assert problems == []
    assert article.id == "g1"
    assert article.text == STORY


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Z text here.", encoding="utf-8")
    (tmp_path / "b" / "a.md").write_text("A text here.", encoding="utf-8")
    (tmp_path / "c.htm").write_text("<p>C text</p>", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Top text.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    articles, problems = read([tmp_path])
    assert problems == []
    assert [a.id for a in articles] == ["a", "a", "z", "c"]
    assert [Path(a.source).name for a in articles] == ["a.txt", "a.md", "z.txt", "c.htm"]
    assert count_articles([tmp_path]) == 4


def test_dev_articles_dates_match_gold_where_the_text_states_them():
    gold = {}
    for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        gold[obj["id"]] = obj["published"]
    articles, problems = read([DEV / "articles"])
    assert problems == []
    assert len(articles) == 15
    found = {a.id: a.published for a in articles}
    # Every date we find is the gold date (some gold dates come from the page's URL, not its text).
    for ident, published in found.items():
        if published is not None:
            assert published == gold[ident], ident
    assert sum(p is not None for p in found.values()) >= 7


def test_sample_corpus_dates_and_titles_match_its_fact_list():
    table = (ROOT / "data" / "sample-expected.md").read_text(encoding="utf-8")
    expected = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].isdigit() and len(cells[0]) == 3:
            expected[cells[0]] = None if cells[1] == "none" else cells[1]
    articles, problems = read([SAMPLE])
    assert problems == []
    assert len(articles) == 30
    assert len(expected) == 30
    assert {a.id[:3]: a.published for a in articles} == expected
    assert all(a.title for a in articles)


# --- titles and dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, title",
    [
        ("Acme Group Signs MOU With Pine College\n\nBody.", "Acme Group Signs MOU With Pine College"),
        ("Pine College Partners With Acme Co., Ltd.\nBody.", "Pine College Partners With Acme Co., Ltd."),
        ("On May 3, the college signed an agreement with Acme.\nBody.", None),
        ("a lower-case opening line\nBody.", None),
        ("2022-03-01\n\nBody.", None),
        ("Only one line and nothing after it", None),
        ("X" * 300 + "\nBody.", None),
    ],
)
def test_find_title(text, title):
    assert find_title(text) == title


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Title\n\nPosted on July 4, 2025 by Someone|Some College\n\nBody.", "2025-07-04"),
        ("Title\n\nWritten By: Edited By:\nUpdate: 2025-04-27\n\nBody.", "2025-04-27"),
        ("Title\n\nPublish Time:2020-08-11     Article Source:Somewhere\n", "2020-08-11"),
        ("Title\n\n2022-03-01\n\n\nOn 1st of March, 2022, a meeting.", "2022-03-01"),
        ("Title\n\nDecember 31, 2019\n\nOn December 4, a ceremony.", "2019-12-31"),
        ("Title\nBy Dept;Updated:2022-10-21 16:42:06\nBody.", "2022-10-21"),
        ("Title\nPublished: 5th Sept. 2018\nBody.", "2018-09-05"),
        ("Title\n发布时间：2021年3月9日\n正文", "2021-03-09"),
        ("Title\n(Monday, 2023/1/2 09:30)\nBody.", "2023-01-02"),
        ("Title\n\nHARBOR CITY, May 18, 2025 \u2014 The fair opened.", "2025-05-18"),
        ("Title\n\nLAKESIDE, Jan. 3, 2024 (Wire) - The fair opened.", "2024-01-03"),
        ("Title\n\nHARBOR CITY, May 18, 2025, the fair opened.", None),
        ("On 1st of March, 2022, the bureau held a meeting.", None),
        ("Title\nCity Hall 2022-03-01 opening\nBody.", None),
        ("Title\nUpdate: 2025-02-30\nBody.", None),
        ("No date at all.", None),
    ],
)
def test_find_date(text, expected):
    assert find_date(text) == expected


def test_parse_date_forms():
    assert parse_date("2024-02-29T00:00:00+08:00") == "2024-02-29"
    assert parse_date("Jan 5 2020") == "2020-01-05"
    assert parse_date("not a date") is None


# --- bad input ------------------------------------------------------------------------


def test_empty_file_is_reported_and_reading_goes_on(tmp_path):
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "c-good.txt").write_text(STORY, encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["c-good"]
    assert problems == [f"{tmp_path / 'a-empty.txt'}: empty file", f"{tmp_path / 'b-blank.txt'}: empty file"]


def test_binary_file_is_reported(tmp_path):
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "ok.txt").write_text(STORY, encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["ok"]
    assert len(problems) == 1
    assert problems[0].startswith(str(tmp_path / "image.txt") + ": binary")


@pytest.mark.parametrize(
    "encoding, data",
    [
        ("utf-8-sig", "Café Talks Open\n\nThe café opened.".encode("utf-8-sig")),
        ("utf-16", "Café Talks Open\n\nThe café opened.".encode("utf-16")),
        ("cp1252", "Café Talks Open\n\nThe café opened \u201cearly\u201d.".encode("cp1252")),
        ("gb18030", "学院与企业签约\n\n双方签署了合作协议。".encode("gb18030")),
    ],
)
def test_other_encodings_are_decoded(tmp_path, encoding, data):
    path = tmp_path / "story.txt"
    path.write_bytes(data)
    [article], problems = read([path])
    assert problems == []
    assert article.text == data.decode(encoding)
    assert decode_bytes(data)[1] == encoding


def test_latin1_words_are_not_taken_for_chinese():
    data = "Resumé of the Zürich forum and the Düsseldorf meeting.".encode("cp1252")
    text, encoding = decode_bytes(data)
    assert encoding == "cp1252"
    assert "Zürich" in text


def test_undecodable_text_is_reported(tmp_path):
    # Control bytes throughout: no text encoding makes this readable.
    (tmp_path / "junk.txt").write_bytes(b"abc \x81\x8d\x8f\x90\x9d" * 40)
    articles, problems = read([tmp_path / "junk.txt"])
    assert articles == []
    assert len(problems) == 1
    assert problems[0].startswith(str(tmp_path / "junk.txt") + ": ")


def test_malformed_and_incomplete_jsonl_lines_are_reported(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join([
            json.dumps({"id": "ok1", "text": "First story."}),
            '{"id": "broken", "text": ',
            json.dumps({"text": "No id here."}),
            json.dumps({"id": "no-text"}),
            json.dumps(["not", "an", "object"]),
            "",
            json.dumps({"id": "bad-date", "text": "x", "published": "someday"}),
            json.dumps({"id": "ok2", "text": "Second story."}),
        ]) + "\n",
        encoding="utf-8",
    )
    articles, problems = read([path])
    assert [a.id for a in articles] == ["ok1", "ok2"]
    assert [p.split(": ")[0] for p in problems] == [f"{path}:{n}" for n in (2, 3, 4, 5, 7)]
    assert "malformed JSON" in problems[0]
    assert problems[1].endswith("no 'id'")
    assert problems[2].endswith("no 'text'")
    assert "expected a JSON object" in problems[3]
    assert "'published' is not a date" in problems[4]
    assert count_articles([path]) == 7


def test_oversized_file_and_jsonl_line_are_refused_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ARTICLE_BYTES", 1000)
    (tmp_path / "a-big.txt").write_text("Words here. " * 100, encoding="utf-8")  # 1,200 bytes
    (tmp_path / "b-ok.txt").write_text(STORY, encoding="utf-8")
    lines = [{"id": "small", "text": "Short."}, {"id": "huge", "text": "x" * 5000},
             {"id": "after", "text": "Also short."}]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(o) + "\n" for o in lines), encoding="utf-8")
    articles, problems = read([tmp_path])
    assert [a.id for a in articles] == ["b-ok", "small", "after"]
    assert problems == [
        f"{tmp_path / 'a-big.txt'}: 0.0012 MB, more than the 0.001 MB limit for one article",
        f"{tmp_path / 'c.jsonl'}:2: line more than the 0.001 MB limit for one article",
    ]


def test_missing_and_unsupported_paths_are_reported(tmp_path):
    (tmp_path / "data.csv").write_text("a,b", encoding="utf-8")
    articles, problems = read([tmp_path / "nope.txt", tmp_path / "data.csv"])
    assert articles == []
    assert problems[0] == f"{tmp_path / 'nope.txt'}: no such file or directory"
    assert problems[1].startswith(f"{tmp_path / 'data.csv'}: unsupported file type '.csv'")


def test_reading_streams(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": f"n{i}", "text": "Text."}) + "\n" for i in range(5)))
    stream = read_articles([path])
    assert next(stream).id == "n0"  # a generator: nothing read beyond what is asked for
    assert [a.id for a in stream] == ["n1", "n2", "n3", "n4"]


def test_html_breadcrumbs_and_menus_are_not_article_text():
    text, _ = html_to_text(
        '<body><div class="site-breadcrumb">Home &gt; Notices</div>'
        '<ul class="main-menu"><li>About Us</li><li>Admissions</li></ul>'
        '<div role="navigation">Campus Life</div><div id="subnav-2">Research</div>'
        "<h1>Fenwick Polytechnic opens a lab</h1>"
        "<p>Home &gt; News &amp; Events &gt; Campus News</p>"
        "<p>Source: Fenwick Polytechnic | Editor: Gao Ming</p>"
        "<p>The lab opened on May 3 / 4 (two days), said Gao Ming.</p></body>"
    )
    assert text == (
        "Fenwick Polytechnic opens a lab\n\nSource: Fenwick Polytechnic | Editor: Gao Ming\n\n"
        "The lab opened on May 3 / 4 (two days), said Gao Ming."
    )
