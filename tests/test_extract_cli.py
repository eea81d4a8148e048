"""`eikg extract`: JSON Lines in the documented shape, warnings, summary, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from eikg.cli import app
from eikg.ingest.sources import read_articles
from eikg.records import EntityType, RelationType

ROOT = Path(__file__).resolve().parents[1]
DEV_ARTICLES = ROOT.parent / "shared" / "corpus" / "dev" / "articles"

runner = CliRunner()

STORY = (
    "Lakeside Polytechnic Signs Agreement With Meridian Robotics\n\n"
    "Update: 2024-05-06\n\n"
    "On May 3, Lakeside Polytechnic and Meridian Robotics Co., Ltd. signed a cooperation "
    "agreement in Harbor City. Zhao Ming, President of Lakeside Polytechnic, attended the "
    "signing ceremony.\n"
)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ENTITY_FIELDS = {"id", "key", "name", "type", "aliases", "mentions", "confidence"}
ENTITY_OPTIONAL = {"date", "place"}
RELATION_FIELDS = {"head", "type", "tail", "evidence", "confidence"}
RELATION_OPTIONAL = {"title", "date", "rule"}


def check_shape(obj: dict, text: str) -> None:
    """Fail unless ``obj`` has the documented `eikg extract` shape (issue 3, item 6)."""
    assert {"id", "title", "url", "published", "entities", "relations"} <= set(obj)
    assert isinstance(obj["id"], str) and obj["id"]
    for name in ("title", "url"):
        assert obj[name] is None or isinstance(obj[name], str)
    assert obj["published"] is None or ISO_DATE.fullmatch(obj["published"])
    ids = set()
    for e in obj["entities"]:
        assert ENTITY_FIELDS <= set(e) <= ENTITY_FIELDS | ENTITY_OPTIONAL, e
        assert isinstance(e["id"], str) and e["id"] not in ids
        ids.add(e["id"])
        assert isinstance(e["key"], str) and ":" in e["key"]
        assert isinstance(e["name"], str) and e["name"].strip()
        assert e["type"] in {t.value for t in EntityType}
        assert isinstance(e["aliases"], list) and all(isinstance(a, str) for a in e["aliases"])
        assert e["mentions"], e
        for m in e["mentions"]:
            assert set(m) == {"start", "end"}
            assert isinstance(m["start"], int) and isinstance(m["end"], int)
            assert 0 <= m["start"] < m["end"] <= len(text)
        assert isinstance(e["confidence"], float) and 0.0 <= e["confidence"] <= 1.0
        if "date" in e:
            assert ISO_DATE.fullmatch(e["date"])
    for r in obj["relations"]:
        assert RELATION_FIELDS <= set(r) <= RELATION_FIELDS | RELATION_OPTIONAL, r
        assert r["head"] in ids and r["tail"] in ids
        assert r["type"] in {t.value for t in RelationType}
        ev = r["evidence"]
        assert set(ev) == {"sentence", "start", "end"}
        assert ev["sentence"] == text[ev["start"] : ev["end"]]
        assert isinstance(r["confidence"], float) and 0.0 <= r["confidence"] <= 1.0
        if "title" in r:
            assert r["title"] is None or isinstance(r["title"], str)


def lines_of(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_dev_articles_to_a_file_in_the_documented_shape(tmp_path):
    out = tmp_path / "dev.jsonl"
    result = runner.invoke(app, ["extract", str(DEV_ARTICLES), "--out", str(out), "--batch-size", "4"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    texts = {a.id: a.text for a in read_articles([DEV_ARTICLES])}
    objects = lines_of(out.read_text(encoding="utf-8"))
    assert [o["id"] for o in objects] == sorted(texts)
    for obj in objects:
        check_shape(obj, texts[obj["id"]])
    assert sum(len(o["entities"]) for o in objects) > 0
    assert sum(len(o["relations"]) for o in objects) > 0
    # More than a handful of articles: a progress bar on stderr.
    assert "extracting" in result.stderr
    entities = sum(len(o["entities"]) for o in objects)
    relations = sum(len(o["relations"]) for o in objects)
    assert result.stderr.strip().splitlines()[-1] == (
        f"extracted 15 articles, skipped 0: {entities} entities, {relations} relations"
    )


def test_stdout_when_no_out_and_no_bar_for_a_few_articles(tmp_path):
    (tmp_path / "lakeside.txt").write_text(STORY, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "lakeside.txt")])
    assert result.exit_code == 0, result.output
    [obj] = lines_of(result.stdout)
    check_shape(obj, STORY)
    assert (obj["id"], obj["published"]) == ("lakeside", "2024-05-06")
    assert obj["title"] == "Lakeside Polytechnic Signs Agreement With Meridian Robotics"
    names = {e["name"] for e in obj["entities"]}
    assert {"Lakeside Polytechnic", "Zhao Ming"} <= names
    assert "extracting" not in result.stderr


def test_bad_input_warns_per_file_and_line_and_goes_on(tmp_path):
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "c-latin1.txt").write_bytes(STORY.replace("Harbor", "Zürich").encode("cp1252"))
    (tmp_path / "d-good.md").write_text(STORY, encoding="utf-8")
    (tmp_path / "e-batch.jsonl").write_text(
        json.dumps({"id": "j1", "text": STORY}) + "\n{not json\n" + json.dumps({"id": "j3"}) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [o["id"] for o in lines_of(result.stdout)] == ["c-latin1", "d-good", "j1"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {tmp_path / 'a-empty.txt'}: empty file",
        f"warning: {tmp_path / 'b-binary.txt'}: binary file, not text",
        f"warning: {tmp_path / 'e-batch.jsonl'}:2: malformed JSON (Expecting property name "
        "enclosed in double quotes at column 2)",
        f"warning: {tmp_path / 'e-batch.jsonl'}:3: no 'text'",
    ]
    assert re.search(r"^extracted 3 articles, skipped 4: \d+ entities, \d+ relations$",
                     result.stderr, re.M)


def test_nothing_extracted_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["extract", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"warning: {tmp_path / 'empty.txt'}: empty file",
        f"warning: {tmp_path / 'missing.txt'}: no such file or directory",
        "extracted 0 articles, skipped 2: 0 entities, 0 relations",
        "error: no article could be extracted",
    ]


def test_unknown_model_is_one_error_line(tmp_path):
    (tmp_path / "s.txt").write_text(STORY, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "s.txt"), "--model", "no_such_model_xx"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: spaCy model 'no_such_model_xx' is not installed")
    assert len(result.stderr.strip().splitlines()) == 1


def test_workers_option_gives_the_same_lines(tmp_path):
    for n in range(4):
        (tmp_path / f"s{n}.txt").write_text(STORY.replace("May 3", f"May {n + 3}"), encoding="utf-8")
    one = runner.invoke(app, ["extract", str(tmp_path), "--workers", "1", "--batch-size", "1"])
    two = runner.invoke(app, ["extract", str(tmp_path), "--workers", "2", "--batch-size", "1"])
    assert one.exit_code == two.exit_code == 0
    assert lines_of(two.stdout) == lines_of(one.stdout)
    assert len(lines_of(one.stdout)) == 4
