"""A first load at the speed of Neo4j's own importer (``eikg load --bulk``).

The Cypher loader (:mod:`eikg.graph.loader`) is capped by the server's
transactions. For a first load into an empty database this module builds the same
graph offline instead:

1. **Aggregate.** Each article is planned exactly as the loader plans it
   (``loader.plan_article``: the same keys, merges applied through ``redirects``,
   the same one row per article and relationship). Article nodes and MENTIONS go
   straight to their CSV files; the entity and relationship rows spill into a
   SQLite file on disk, so memory stays flat however large the input.
2. **Fold.** Reading those rows back sorted by key and input order, each entity
   and relationship gets the properties the loader's ``MERGE`` statements leave
   on it (first name and type, aliases in order of appearance, the first date,
   first/last seen; sources in input order, the first ``EVIDENCE_CAP`` sentences,
   the highest confidence, the first title, ``countedYear``), and the timeline
   counters are counted.
3. **Import.** The local server is stopped, ``neo4j-admin database import full``
   (the importer classes in the jars ``eikg neo4j install`` fetched with Maven)
   writes the store, the server starts again and the schema is created.

Two things the importer's CSV cannot say are set afterwards through Cypher: an
empty list (an entity without aliases, a relationship without evidence: the
importer reads an empty array as no property). Everything else, including the
zlib-packed extraction on each Article node, is written by the importer.

Labels, relationship types and node keys come from the ontology's vocabulary;
the property columns are those the loader's statements write.

An article id seen twice with the same content hash is skipped (as the loader
skips it); with different content it is refused: replacing an article is the
incremental loader's job.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import neo4j

from eikg.errors import InputError, ServerError
from eikg.graph.connection import Settings, connect
from eikg.graph.loader import (
    EVIDENCE_CAP,
    ArticlePlan,
    Redirect,
    PlanNames,
    Warn,
    earliest,
    ignore,
    latest,
    plan_article,
)
from eikg.graph.ontology import Vocabulary, vocabulary
from eikg.graph.schema import ensure_schema
from eikg.graph.server import manager
from eikg.graph.statements import statement
from eikg.graph.timeline import LABEL as TIMELINE_LABEL
from eikg.graph.timeline import ensure_timeline
from eikg.records import Extraction

#: Between the elements of an array field. A control character: the text
#: eikg reads has them removed (ingest/sources.py), so no sentence holds one.
ARRAY_DELIMITER = "\x1f"
#: Rows sent to SQLite at a time, and rows per fix-up transaction.
CHUNK = 20000
#: The importer JVM's heap; its bulk buffers are off-heap, capped by OFF_HEAP.
IMPORTER_HEAP = "1g"
OFF_HEAP = "2g"
IMPORTER_CLASS = "org.neo4j.cli.AdminTool"


@dataclass
class BulkSummary:
    """What a bulk load wrote, and how long each step took (seconds)."""

    articles: int = 0
    articles_skipped: int = 0  # repeated with the same content hash
    relations_read: int = 0
    entities: int = 0
    relationships: int = 0  # between entities
    mentions: int = 0
    timeline_counters: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    aggregation_peak_bytes: int = 0  # the process's peak resident memory by the end of aggregation
    worker_peak_bytes: int = 0  # the largest child process's (a planning worker's), if any ran

    @property
    def relationships_imported(self) -> int:
        return self.relationships + self.mentions

    def __str__(self) -> str:
        times = ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items())
        peak = f"; aggregation peak memory {self.aggregation_peak_bytes / 2**20:.0f} MiB" if self.aggregation_peak_bytes else ""
        if self.worker_peak_bytes:
            peak += f" (each planning worker at most {self.worker_peak_bytes / 2**20:.0f} MiB)"
        return (
            f"bulk loaded {self.articles} articles (skipped {self.articles_skipped} repeated): "
            f"{self.entities} entities, {self.relationships} relationships and "
            f"{self.mentions} MENTIONS from {self.relations_read} relations; {times}{peak}"
        )


# --- CSV fields -------------------------------------------------------------------------


def _text(value: str | None) -> str:
    """A string field, always quoted (an unquoted empty field is no property)."""
    return "" if value is None else '"' + value.replace('"', '""') + '"'


def _array(values: list[str]) -> str:
    if not values:
        return ""  # no property: fixed up after the import where the loader writes []
    return '"' + ARRAY_DELIMITER.join(values).replace('"', '""') + '"'


def _holds_delimiter(ex: Extraction) -> bool:
    """Whether a string that lands in an array field (aliases, names, evidence,
    sources) holds ARRAY_DELIMITER."""
    texts = [ex.article.id, *(t for e in ex.entities for t in (e.key, e.name, *e.aliases)),
             *(r.evidence.sentence for r in ex.relations)]
    return any(ARRAY_DELIMITER in t for t in texts if t)


_SIGNED = [str(b - 256 if b > 127 else b) for b in range(256)]


def _bytes(data: bytes) -> str:
    return ARRAY_DELIMITER.join(map(_SIGNED.__getitem__, data))


def _number(value: float | int | None) -> str:
    return "" if value is None else repr(value)


class _CsvFile:
    """One importer input file: a header, rows, and whether any field spans lines."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.handle.write(",".join(header) + "\n")
        self.multiline = False
        self.rows = 0

    def write(self, fields: list[str]) -> None:
        line = ",".join(fields)
        if not self.multiline and ("\n" in line or "\r" in line):
            self.multiline = True
        self.handle.write(line + "\n")
        self.rows += 1

    def close(self) -> None:
        self.handle.close()


@dataclass
class ImportFiles:
    """The CSV files of one import and what the importer must be told about them."""

    nodes: list[Path]
    relationships: list[Path]
    multiline: list[Path]
    fixups: Path  # SQLite: entities and relationships whose empty lists are set after import


# --- aggregation ------------------------------------------------------------------------

_SPILL_SCHEMA = """
CREATE TABLE entity_rows (key TEXT, seq INTEGER, name TEXT, type TEXT, forms TEXT, date TEXT, published TEXT);
CREATE TABLE rel_rows (rtype TEXT, head TEXT, tail TEXT, seq INTEGER, article TEXT, sentence TEXT,
                       title TEXT, confidence REAL, published TEXT);
CREATE TABLE empty_aliases (key TEXT);
CREATE TABLE empty_evidence (rtype TEXT, head TEXT, tail TEXT);
"""


def write_import_files(
    items: Iterable[Extraction | PlannedArticle],
    directory: Path,
    *,
    redirects: Mapping[str, Redirect] | None = None,
    evidence_cap: int = EVIDENCE_CAP,
    warn: Warn = ignore,
    progress: Callable[[int], None] | None = None,
    summary: BulkSummary | None = None,
) -> ImportFiles:
    """Aggregate ``items`` and write the importer's CSV files into ``directory``.

    ``items`` are extractions, or articles already planned (:func:`plan_for_import`,
    run in worker processes by :func:`eikg.workflow.planned_in_processes`), in order.

    The graph these files describe is the one :func:`eikg.graph.loader.load`
    builds from the same items in an empty database (but for the empty lists,
    see the module docstring).
    """
    vocab = vocabulary()
    redirects = redirects or {}
    summary = summary if summary is not None else BulkSummary()
    directory.mkdir(parents=True, exist_ok=True)
    spill_path = directory / "aggregate.sqlite"
    spill_path.unlink(missing_ok=True)
    db = sqlite3.connect(spill_path)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;")
    db.executescript(_SPILL_SCHEMA)
    article_key = dict(vocab.keys).get("Article", "id")
    entity_key = dict(vocab.keys).get("Entity", "key")
    articles = _CsvFile(
        directory / "articles.csv",
        [f"{article_key}:ID(Article)", ":LABEL", "url", "title", "published", "publisher",
         "contentHash", "extraction:byte[]"],
    )
    mentions = _CsvFile(
        directory / "mentions.csv",
        [":START_ID(Article)", ":END_ID(Entity)", ":TYPE", "count:long", "names:string[]"],
    )
    try:
        _aggregate(items, db, articles, mentions, vocab, redirects, warn, progress, summary)
    finally:
        articles.close()
        mentions.close()
    summary.mentions = mentions.rows
    return _fold(db, directory, vocab, entity_key, evidence_cap, summary, [articles, mentions], spill_path)


@dataclass(frozen=True)
class PlannedArticle:
    """An article planned for the import files (by :func:`plan_for_import`, in this
    process or another): its plan, where it came from, and whether its text holds
    the importer's array delimiter."""

    plan: ArticlePlan
    where: str
    holds_delimiter: bool


def plan_for_import(
    item: Extraction, names: PlanNames, redirects: Mapping[str, Redirect], warn: Warn = ignore
) -> PlannedArticle:
    """Plan ``item`` as ``eikg load`` does (``warn`` gets a line per relation left out)."""
    plan = plan_article(item, names, redirects, warn)
    return PlannedArticle(plan, item.article.source or plan.id, _holds_delimiter(item))


def _aggregate(
    items: Iterable[Extraction | PlannedArticle],
    db: sqlite3.Connection,
    articles: _CsvFile,
    mentions: _CsvFile,
    vocab: Vocabulary,
    redirects: Mapping[str, Redirect],
    warn: Warn,
    progress: Callable[[int], None] | None,
    summary: BulkSummary,
) -> None:
    """Plan each article as the loader does: its node and MENTIONS straight to the
    CSV files, its entity and relationship rows spilled to ``db``."""
    names = PlanNames.of(vocab)
    seen: dict[str, str] = {}  # article id -> content hash
    entity_buffer: list[tuple] = []
    rel_buffer: list[tuple] = []
    for seq, item in enumerate(items):
        if not isinstance(item, PlannedArticle):
            item = plan_for_import(item, names, redirects, warn)
        plan, where = item.plan, item.where
        known = seen.get(plan.id)
        if known is not None:
            if known == plan.content_hash:
                summary.articles_skipped += 1
                if progress is not None:
                    progress(1)
                continue
            raise InputError(
                f"{where}: article {plan.id!r} appears again with other content; bulk load "
                "takes each article once (load later versions with `eikg load`)"
            )
        seen[plan.id] = plan.content_hash
        if item.holds_delimiter:
            raise InputError(f"{where}: text holds the control character U+001F, which bulk load cannot write")
        _write_article(plan, articles, mentions, vocab)
        published = plan.article_row["published"]
        for key, e in plan.entities.items():
            entity_buffer.append(
                (key, seq, e["name"], e["type"], ARRAY_DELIMITER.join(e["forms"]), e["date"], published)
            )
        for rt, rows in plan.relationships.items():
            for r in rows:
                rel_buffer.append(
                    (rt, r["head"], r["tail"], seq, r["article"], r["sentence"], r["title"],
                     r["confidence"], r["published"])
                )
        summary.articles += 1
        summary.relations_read += plan.relations
        if len(rel_buffer) + len(entity_buffer) >= CHUNK:
            _spill(db, entity_buffer, rel_buffer)
        if progress is not None:
            progress(1)
    _spill(db, entity_buffer, rel_buffer)
    db.commit()


def _write_article(plan: ArticlePlan, articles: _CsvFile, mentions: _CsvFile, vocab: Vocabulary) -> None:
    """An article's node row and its MENTIONS rows."""
    row = plan.article_row
    articles.write([
        _text(plan.id), "Article", _text(row["url"]), _text(row["title"]),
        _text(row["published"]), _text(row["publisher"]),
        _text(row["contentHash"]), _bytes(row["extraction"]),
    ])
    for m in row["mentions"]:
        mentions.write([
            _text(plan.id), _text(m["key"]), vocab.mentions_type, str(m["count"]), _array(m["names"]),
        ])


def _fold(
    db: sqlite3.Connection,
    directory: Path,
    vocab: Vocabulary,
    entity_key: str,
    evidence_cap: int,
    summary: BulkSummary,
    written: list[_CsvFile],
    spill_path: Path,
) -> ImportFiles:
    """Fold the spilled rows into the entity, relationship and timeline CSV files;
    the importer's file lists beside the article and MENTIONS files in ``written``."""
    articles, mentions = written
    nodes = [articles.path]
    relationships = [mentions.path]
    multiline = [f.path for f in written if f.multiline]
    entities = _fold_entities(db, directory, vocab, entity_key, summary)
    nodes.append(entities.path)
    if entities.multiline:
        multiline.append(entities.path)
    for rel_file in _fold_relationships(db, directory, evidence_cap, summary):
        relationships.append(rel_file.path)
        if rel_file.multiline:
            multiline.append(rel_file.path)
    timeline = _write_timeline(db, directory, summary)
    nodes.append(timeline)
    db.commit()
    db.close()
    return ImportFiles(nodes, relationships, multiline, spill_path)


def _spill(db: sqlite3.Connection, entities: list[tuple], rels: list[tuple]) -> None:
    db.executemany("INSERT INTO entity_rows VALUES (?, ?, ?, ?, ?, ?, ?)", entities)
    db.executemany("INSERT INTO rel_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rels)
    entities.clear()
    rels.clear()


def _fold_entities(
    db: sqlite3.Connection, directory: Path, vocab: Vocabulary, key_name: str, summary: BulkSummary
) -> _CsvFile:
    """One node per key, with what merge_entities leaves on it after every article."""
    labels = {t.value: ARRAY_DELIMITER.join(ls) for t, ls in vocab.entity_labels.items()}
    out = _CsvFile(
        directory / "entities.csv",
        [f"{key_name}:ID(Entity)", ":LABEL", "name", "type", "aliases:string[]", "date",
         "firstSeen", "lastSeen"],
    )
    empty: list[tuple[str]] = []
    rows = db.execute(
        "SELECT key, name, type, forms, date, published FROM entity_rows ORDER BY key, seq"
    )
    try:
        for key, group in groupby(rows, key=lambda r: r[0]):
            _, name, etype, forms, date, published = next(group)
            aliases = [x for x in forms.split(ARRAY_DELIMITER) if x != name]
            first = last = published
            for _, _, _, more, d, p in group:
                for x in more.split(ARRAY_DELIMITER):
                    if x != name and x not in aliases:
                        aliases.append(x)
                date = date if date is not None else d
                first, last = earliest(first, p), latest(last, p)
            out.write([
                _text(key), labels[etype], _text(name), _text(etype),
                _array(aliases), _text(date), _text(first), _text(last),
            ])
            if not aliases:
                empty.append((key,))
                if len(empty) >= CHUNK:
                    db.executemany("INSERT INTO empty_aliases VALUES (?)", empty)
                    empty.clear()
    finally:
        out.close()
    db.executemany("INSERT INTO empty_aliases VALUES (?)", empty)
    summary.entities = out.rows
    return out


def _fold_relationships(
    db: sqlite3.Connection, directory: Path, cap: int, summary: BulkSummary
) -> Iterator[_CsvFile]:
    """One relationship per (type, head, tail), with what merge_relationships leaves on
    it after every article; one file per relationship type. Counts the timeline."""
    header = [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "sources:string[]",
              "evidence:string[]", "evidenceSources:string[]", "confidence:double", "title",
              "firstSeen", "lastSeen", "countedYear"]
    timeline: Counter[tuple[str, str]] = Counter()
    empty: list[tuple[str, str, str]] = []
    rows = db.execute(
        "SELECT rtype, head, tail, article, sentence, title, confidence, published "
        "FROM rel_rows ORDER BY rtype, head, tail, seq"
    )
    out: _CsvFile | None = None
    current = None
    try:
        for (rt, head, tail), group in groupby(rows, key=lambda r: r[:3]):
            if rt != current:
                current = rt
                if out is not None:
                    out.close()
                    yield out
                out = _CsvFile(directory / f"rel-{rt}.csv", header)
            sources: list[str] = []
            evidence: list[str] = []
            evidence_sources: list[str] = []
            confidence: float | None = None
            title = first = last = None
            for *_, article, sentence, t, c, published in group:
                if sentence is not None and len(evidence) < cap:
                    evidence.append(sentence)
                    evidence_sources.append(article)
                sources.append(article)
                confidence = c if confidence is None or c > confidence else confidence
                title = title if title is not None else t
                first, last = earliest(first, published), latest(last, published)
            year = first[:4] if first is not None else ""
            timeline[rt, year] += 1
            out.write([
                _text(head), _text(tail), rt, _array(sources),
                _array(evidence), _array(evidence_sources), _number(confidence),
                _text(title), _text(first), _text(last), _text(year),
            ])
            summary.relationships += 1
            if not evidence:
                empty.append((rt, head, tail))
                if len(empty) >= CHUNK:
                    db.executemany("INSERT INTO empty_evidence VALUES (?, ?, ?)", empty)
                    empty.clear()
    finally:
        if out is not None:
            out.close()
    if out is not None:
        yield out
    db.executemany("INSERT INTO empty_evidence VALUES (?, ?, ?)", empty)
    db.execute("CREATE TABLE timeline (relation TEXT, year TEXT, n INTEGER)")
    db.executemany("INSERT INTO timeline VALUES (?, ?, ?)", [(r, y, n) for (r, y), n in timeline.items()])


def _write_timeline(db: sqlite3.Connection, directory: Path, summary: BulkSummary) -> Path:
    """The timeline counters (graph/timeline.py) the loader keeps for these relationships."""
    out = _CsvFile(directory / "timeline.csv", [":LABEL", "relation", "year", "count:long"])
    for relation, year, n in db.execute("SELECT relation, year, n FROM timeline ORDER BY relation, year"):
        out.write([TIMELINE_LABEL, _text(relation), _text(year), str(n)])
    out.close()
    summary.timeline_counters = out.rows
    return out.path


# --- the importer -----------------------------------------------------------------------


def importer_command(files: ImportFiles, database: str, report: Path) -> list[str]:
    """``neo4j-admin database import full`` run from the jars ``eikg neo4j install`` fetched."""
    lib = manager.cache_dir() / "lib"
    if not any(lib.glob("neo4j-import-tool-*.jar")):
        raise ServerError(f"no Neo4j importer in {lib}; run `eikg neo4j install`")
    command = [
        shutil.which("java") or "java", f"-Xmx{IMPORTER_HEAP}", "-cp", f"{lib}/*", IMPORTER_CLASS,
        # the database first: a --nodes or --relationships list would take a name after it as a file
        "database", "import", "full", database,
        "--overwrite-destination=true",
        "--id-type=string",
        f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
        f"--max-off-heap-memory={OFF_HEAP}",
        f"--report-file={report}",
        *(f"--nodes={p}" for p in files.nodes),
        *(f"--relationships={p}" for p in files.relationships),
    ]
    if files.multiline:
        command += [f"--multiline-fields={','.join(map(str, files.multiline))}",
                    "--multiline-fields-format=v2"]
    return command


def run_importer(files: ImportFiles, store: Path, database: str, log: Path) -> None:
    """Import ``files`` into ``database`` of the (stopped) local server's store."""
    command = importer_command(files, database, log.with_suffix(".report"))
    env = {**os.environ, "NEO4J_HOME": str(store)}
    env.pop("NEO4J_CONF", None)
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=store, check=False)
    if done.returncode != 0:
        kept = store / "logs" / "eikg-bulk-import.log"  # the work directory goes
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, kept)
        lines = [line.strip() for line in kept.read_text(encoding="utf-8", errors="replace").splitlines()]
        causes = [line for line in lines if line and not line.startswith("at ") and
                  ("Exception" in line or "Error" in line or "error" in line)]
        cause = causes[0] if causes else next((x for x in reversed(lines) if x), f"exit code {done.returncode}")
        raise ServerError(f"the Neo4j importer failed: {cause[:300]} (log: {kept})")


def _fix_empty_lists(driver: neo4j.Driver, fixups: Path, database: str | None, vocab: Vocabulary) -> None:
    """Set the empty lists the importer cannot write (aliases, evidence)."""
    db = sqlite3.connect(fixups)
    try:
        with driver.session(database=database) as session:
            keys = db.execute("SELECT key FROM empty_aliases")
            while chunk := [k for (k,) in keys.fetchmany(CHUNK)]:
                session.execute_write(
                    lambda tx, c=chunk: tx.run(statement("bulk_empty_aliases"), keys=c).consume()
                )
            types = [t for (t,) in db.execute("SELECT DISTINCT rtype FROM empty_evidence ORDER BY rtype")]
            for rt in types:
                text = statement("bulk_empty_evidence", type=vocab.check_relationship_type(rt))
                rows = db.execute("SELECT head, tail FROM empty_evidence WHERE rtype = ?", (rt,))
                while chunk := [{"head": h, "tail": t} for h, t in rows.fetchmany(CHUNK)]:
                    session.execute_write(lambda tx, c=chunk: tx.run(text, rows=c).consume())
    finally:
        db.close()


def _peak_rss() -> int:
    """This process's peak resident memory so far (Linux; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# --- the whole first load ---------------------------------------------------------------


def refuse_remote(settings: Settings) -> None:
    if not settings.local:
        raise InputError(
            f"bulk load writes the store files of the local server, and {settings.uri} is "
            "another server: load into it with `eikg load`"
        )


def check_target(driver: neo4j.Driver, settings: Settings) -> None:
    """Refuse a database that holds anything (one line, naming `eikg load`)."""
    records, _, _ = driver.execute_query(statement("count_nodes"), database_=settings.database)
    if records[0]["n"]:
        raise InputError(
            "bulk load fills an empty database, and this one holds nodes: "
            "add to it with `eikg load`"
        )


def bulk_load(
    items: Iterable[Extraction | PlannedArticle],
    settings: Settings,
    *,
    redirects: Mapping[str, Redirect] | None = None,
    evidence_cap: int = EVIDENCE_CAP,
    progress: Callable[[int], None] | None = None,
    warn: Warn = ignore,
    notify: Callable[[str], None] = ignore,
) -> BulkSummary:
    """Load ``items`` into the empty database of the local server through the importer.

    Refuses (``InputError``) a remote server or a non-empty database. The server
    is stopped for the import and started again on the same port; the schema is
    created after.
    """
    summary = BulkSummary()
    refuse_remote(settings)
    with connect(settings) as driver:
        check_target(driver, settings)
    store = manager.default_store().resolve()
    database = settings.database or "neo4j"
    work = Path(tempfile.mkdtemp(prefix="eikg-bulk-", dir=store))
    try:
        began = time.monotonic()
        files = write_import_files(
            items, work, redirects=redirects, evidence_cap=evidence_cap, warn=warn,
            progress=progress, summary=summary,
        )
        summary.aggregation_peak_bytes = _peak_rss()
        summary.worker_peak_bytes = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        summary.seconds["aggregate"] = time.monotonic() - began
        port = manager.running_port(store)
        began = time.monotonic()
        notify(manager.stop(store))
        summary.seconds["stop"] = time.monotonic() - began
        began = time.monotonic()
        try:
            run_importer(files, store, database, work / "import.log")
        finally:
            summary.seconds["import"] = time.monotonic() - began
            began = time.monotonic()
            notify(manager.start(port=port, store=store))
            summary.seconds["start"] = time.monotonic() - began
        began = time.monotonic()
        with connect(settings) as driver:
            ensure_schema(driver, settings.database)
            _fix_empty_lists(driver, files.fixups, settings.database, vocabulary())
            ensure_timeline(driver, settings.database)
        summary.seconds["schema"] = time.monotonic() - began
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary
