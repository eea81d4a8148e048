"""The eikg command line: a thin skin over the library.

Each command parses its options, builds settings, makes one library call, prints
the result and exits with a code. Errors of the project's own types and the
driver's connection errors become one line on stderr and exit code 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import neo4j
import typer
from neo4j.exceptions import DriverError, Neo4jError

from eikg.errors import EikgError
from eikg.graph.connection import Settings, connect, describe_error, resolve_settings
from eikg.graph.server import manager as neo4j_server
from eikg.graph.stats import count_graph
from eikg.records import DEFAULT_MIN_CONFIDENCE

app = typer.Typer(
    name="eikg",
    help="Turn news articles into a knowledge graph of education-industry relationships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> None:
    """Print one line on stderr and exit 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


# Connection options shared by every command that touches the graph:
#   def cmd(uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
#           database: DatabaseOpt = None):
#       with open_graph(uri, user, password, database) as (driver, settings): ...
UriOpt = Annotated[
    Optional[str],
    typer.Option(
        "--uri",
        envvar="NEO4J_URI",
        help="Neo4j URI (bolt:// or neo4j://); default: the local server eikg manages.",
    ),
]
UserOpt = Annotated[
    Optional[str], typer.Option("--user", envvar="NEO4J_USER", help="Neo4j user; default: neo4j.")
]
PasswordOpt = Annotated[
    Optional[str],
    typer.Option(
        "--password",
        envvar="NEO4J_PASSWORD",
        help="Neo4j password; default: the local server's generated password.",
    ),
]
DatabaseOpt = Annotated[
    Optional[str],
    typer.Option("--database", envvar="NEO4J_DATABASE", help="Database; default: the server's."),
]


@contextmanager
def open_graph(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Iterator[tuple[neo4j.Driver, Settings]]:
    """Open a verified driver for a command; eikg and driver errors exit 1 with one line.

    Pass ``settings.database`` as ``database_=`` (or to ``driver.session``).
    """
    try:
        settings = resolve_settings(uri, user, password, database)
        with connect(settings) as driver:
            yield driver, settings
    except EikgError as err:
        fail(str(err))
    except (DriverError, Neo4jError) as err:
        fail(describe_error(err, settings))


@app.callback()
def main() -> None:
    """eikg: education-industry knowledge graph from news articles."""


# -- the local Neo4j and graph counts ------------------------------------------

neo4j_app = typer.Typer(
    help="Install, start, stop and inspect the local Neo4j that eikg manages.",
    no_args_is_help=True,
)
app.add_typer(neo4j_app, name="neo4j")

PortOpt = Annotated[
    Optional[int],
    typer.Option("--port", envvar="EIKG_NEO4J_PORT", help="Bolt port on 127.0.0.1; default 7687."),
]
StoreOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--store", envvar="EIKG_NEO4J_STORE", help="Store directory; default data/neo4j/."
    ),
]


@neo4j_app.command("install")
def neo4j_install(
    force: Annotated[bool, typer.Option("--force", help="Run Maven even if up to date.")] = False,
) -> None:
    """Fetch Neo4j Community with Maven, build the launcher, generate the password."""
    try:
        typer.echo(neo4j_server.install(force=force))
    except EikgError as err:
        fail(str(err))


@neo4j_app.command("start")
def neo4j_start(
    port: PortOpt = None,
    store: StoreOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for Bolt to answer.")
    ] = 120.0,
) -> None:
    """Start the local Neo4j in the background and wait until Bolt answers."""
    try:
        typer.echo(neo4j_server.start(port=port, store=store, timeout=timeout))
    except EikgError as err:
        fail(str(err))


@neo4j_app.command("stop")
def neo4j_stop(store: StoreOpt = None) -> None:
    """Stop the local Neo4j cleanly (the store is flushed)."""
    try:
        typer.echo(neo4j_server.stop(store=store))
    except EikgError as err:
        fail(str(err))


@neo4j_app.command("status")
def neo4j_status(port: PortOpt = None, store: StoreOpt = None) -> None:
    """Say whether the local Neo4j runs, its version, address, store and size."""
    try:
        typer.echo(neo4j_server.status(port=port, store=store).describe())
    except EikgError as err:
        fail(str(err))


@app.command("stats")
def stats_command(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Count nodes per label and relationships per type in the graph."""
    if fmt not in ("table", "json"):
        fail(f"unknown --format {fmt!r}; use table or json")
    with open_graph(uri, user, password, database) as (driver, settings):
        counts = count_graph(driver, settings.database)
    if fmt == "json":
        typer.echo(json.dumps(counts.to_json(), indent=2))
        return
    rows = [("node label", name, n) for name, n in counts.labels.items()]
    rows += [("relationship type", name, n) for name, n in counts.relationships.items()]
    if not rows:
        typer.echo("the graph is empty")
        return
    width = max(len(name) for _, name, _ in rows)
    for kind, name, n in rows:
        typer.echo(f"{kind:<18} {name:<{width}} {n:>9}")


#: More articles than this get a progress bar.
PROGRESS_THRESHOLD = 5


@app.command("extract")
def extract_command(
    paths: Annotated[
        list[str], typer.Argument(help="Article files (.txt .md .html .jsonl) or directories.")
    ],
    out: Annotated[
        Optional[str], typer.Option("--out", "-o", help="Write JSON Lines here (default: stdout).")
    ] = None,
    model: Annotated[str, typer.Option("--model", help="spaCy model to build on.")] = "en_core_web_sm",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Texts per spaCy batch.")] = 32,
    workers: Annotated[int, typer.Option("--workers", min=1, help="spaCy processes.")] = 1,
    cluster: Annotated[
        Optional[str],
        typer.Option("--cluster", help="Run on a Dask cluster: a scheduler address, or local[:N] for a "
                     "local cluster of N worker processes. --out is then a directory of JSONL shards."),
    ] = None,
) -> None:
    """Extract entities and relations from articles as JSON Lines, one object per article."""
    import sys

    from rich.console import Console
    from rich.progress import Progress

    from eikg.ingest.pipeline import extract_files
    from eikg.ingest.sources import count_articles

    def warn(message: str) -> None:
        typer.echo(f"warning: {message}", err=True)

    total = count_articles(paths)
    progress = Progress(console=Console(stderr=True), disable=total <= PROGRESS_THRESHOLD)
    task = progress.add_task("extracting", total=total)
    if cluster is not None:
        from eikg.ingest.distributed import extract_distributed, open_client

        if not out:
            fail("--cluster writes shards into a directory: give it with --out DIR")
        try:
            with open_client(cluster) as client, progress:
                summary = extract_distributed(
                    paths, out, client, model=model, batch_size=batch_size, on_problem=warn,
                    on_article=lambda _: progress.advance(task),
                )
        except EikgError as err:
            fail(str(err))
    else:
        try:
            sink = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
        except OSError as err:
            fail(f"cannot write {out}: {err.strerror or err}")
        try:
            with progress:
                summary = extract_files(
                    paths, sink, model=model, batch_size=batch_size, workers=workers,
                    on_problem=warn, on_article=lambda _: progress.advance(task),
                )
        except EikgError as err:
            fail(str(err))
        finally:
            if out:
                sink.close()
    typer.echo(
        f"extracted {summary.articles} articles{f' on {cluster} into {out}' if cluster else ''}, "
        f"skipped {summary.skipped}: "
        f"{summary.entities} entities, {summary.relations} relations",
        err=True,
    )
    if summary.articles == 0:
        fail("no article could be extracted")


@app.command("eval")
def eval_command(
    gold: Annotated[list[str], typer.Argument(help="Gold JSON Lines file(s) (article paths relative to each).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    model: Annotated[str, typer.Option("--model", help="spaCy model to build on.")] = "en_core_web_sm",
    cv: Annotated[
        int,
        typer.Option("--cv", min=0, help="K-fold cross-validation by article: train on K-1 folds, score the other, K times."),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Shuffle seed of the --cv folds.")] = 0,
) -> None:
    """Extract the articles gold files name and print P/R/F1 per type and overall.

    Without --cv this scores the shipped extractor (or --model); with --cv K it
    trains K models, each on the other folds' articles, and scores each on the
    articles it never saw.
    """
    import json

    from eikg.ingest.evaluate import confidence_json, evaluate_files, format_confidence, format_table, to_json

    try:
        if cv:
            from eikg.ingest.training.crossval import cross_validate_files, format_cv

            result = cross_validate_files(gold, cv, seed=seed, base_model=model, warn=_warn,
                                          log=lambda m: typer.echo(m, err=True))
            typer.echo(json.dumps(result.to_json()) if as_json else format_cv(result))
            return
        evaluation = evaluate_files(gold, model=model)
    except (EikgError, ValueError) as err:
        fail(str(err))
    if as_json:
        typer.echo(json.dumps({**to_json(evaluation.scores),
                               "at_confidence": confidence_json(evaluation.at_confidence())}))
    else:
        typer.echo(format_table(evaluation.scores) + "\n\n" + format_confidence(evaluation.at_confidence()))


@app.command("train")
def train_command(
    gold: Annotated[
        Optional[list[str]],
        typer.Option("--gold", help="Gold JSON Lines file (repeat for several); default: the shared corpus."),
    ] = None,
    out: Annotated[str, typer.Option("--out", help="Directory for the trained layers and pipeline.")] = "training",
    model: Annotated[str, typer.Option("--model", help="spaCy model to build on.")] = "en_core_web_sm",
) -> None:
    """Train the learned entity and relation layers from gold annotation.

    Writes OUT/eikg_spans (span classifier), OUT/relations.json (relation
    classifier) and OUT/pipeline (the whole pipeline: `eikg extract --model
    OUT/pipeline`). Problems in the gold (malformed lines, unknown types,
    dangling relations, names absent from their text) are reported one line each.
    """
    import time

    from eikg.ingest.training.train import DEFAULT_GOLD, train_files

    started = time.monotonic()
    try:
        path, report = train_files(gold or [str(p) for p in DEFAULT_GOLD], out, base_model=model)
    except EikgError as err:
        fail(str(err))
    for line in report.problems:
        _warn(line)
    typer.echo(f"trained in {time.monotonic() - started:.0f} s; wrote {path}/eikg_spans, "
               f"{path}/relations.json and {path}/pipeline")


# --- loading and entity resolution (graph/loader.py, graph/merges.py) ------------------

MergesOpt = Annotated[
    str,
    typer.Option(
        "--merges",
        envvar="EIKG_MERGES",
        help="Merge decisions file, re-applied on every load.",
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Reload articles whose content hash is unchanged.")
]


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


@app.command("load")
def load_command(
    files: Annotated[
        list[str], typer.Argument(help="`eikg extract` output (JSON Lines files, or directories of shards).")
    ],
    force: ForceOpt = False,
    bulk: Annotated[
        bool,
        typer.Option("--bulk", help="First load into the empty database of the local server with "
                     "Neo4j's importer (the server is stopped and started again)."),
    ] = False,
    merges: MergesOpt = "data/merges.jsonl",
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Relations per transaction.")
    ] = 20000,
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Load extractions (JSON Lines from `eikg extract`) into the graph."""
    from itertools import chain
    from pathlib import Path

    from rich.console import Console
    from rich.progress import Progress

    from eikg.graph.loader import load, read_extractions
    from eikg.graph.merges import load_redirects
    from eikg.ingest.shards import extraction_files

    bad = 0

    def warn(message: str) -> None:
        nonlocal bad
        bad += 1
        _warn(message)

    try:
        files = extraction_files(files)
        total = sum(
            1 for f in files for line in Path(f).open(encoding="utf-8", errors="replace") if line.strip()
        )
        redirects = load_redirects(merges)
    except OSError as err:
        fail(f"{err.filename}: cannot read: {err.strerror}")
    except EikgError as err:
        fail(str(err))
    items = chain.from_iterable(read_extractions(f, warn) for f in files)
    progress = Progress(console=Console(stderr=True), disable=total <= PROGRESS_THRESHOLD)
    task = progress.add_task("loading", total=total)
    if bulk:
        from eikg.graph.bulk import bulk_load

        try:
            with progress:
                done = bulk_load(
                    items, resolve_settings(uri, user, password, database), redirects=redirects,
                    progress=lambda n: progress.advance(task, n), warn=warn,
                )
        except EikgError as err:
            fail(str(err))
        except (DriverError, Neo4jError) as err:
            fail(describe_error(err, resolve_settings(uri, user, password, database)))
        typer.echo(f"{done}; bad rows {bad}", err=True)
        return
    with open_graph(uri, user, password, database) as (driver, settings), progress:
        summary = load(
            driver, items, database=settings.database, force=force, redirects=redirects,
            batch_size=batch_size, progress=lambda n: progress.advance(task, n), warn=warn,
        )
    typer.echo(f"{summary}; bad rows {bad}", err=True)


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[str], typer.Argument(help="Article files (.txt .md .html .jsonl) or directories.")
    ],
    force: ForceOpt = False,
    merges: MergesOpt = "data/merges.jsonl",
    model: Annotated[str, typer.Option("--model", help="spaCy model to build on.")] = "en_core_web_sm",
    workers: Annotated[int, typer.Option("--workers", min=1, help="spaCy processes.")] = 1,
    resolve: Annotated[
        bool, typer.Option("--resolve/--no-resolve", help="Resolve entities across articles after loading.")
    ] = True,
    min_confidence: Annotated[
        float,
        typer.Option("--min-confidence", min=0.0, max=1.0,
                     help="Keep entities and relations below this extraction confidence out of the graph."),
    ] = DEFAULT_MIN_CONFIDENCE,
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Extract articles and load them into the graph in one go, then resolve across articles."""
    from rich.console import Console
    from rich.progress import Progress

    from eikg.graph.loader import ingest
    from eikg.graph.merges import load_redirects
    from eikg.ingest.sources import count_articles

    total = count_articles(paths)
    progress = Progress(console=Console(stderr=True), disable=total <= PROGRESS_THRESHOLD)
    task = progress.add_task("ingesting", total=total)
    with open_graph(uri, user, password, database) as (driver, settings), progress:
        summary = ingest(
            driver, paths, database=settings.database, force=force,
            redirects=load_redirects(merges), model=model, workers=workers,
            progress=lambda n: progress.advance(task, n), warn=_warn, min_confidence=min_confidence,
        )
        typer.echo(str(summary), err=True)
        if summary.articles_loaded + summary.articles_skipped == 0:
            fail("no article could be ingested")
        if resolve and summary.articles_loaded:
            _resolve(driver, settings, merges, dry_run=False)


ThresholdOpt = Annotated[
    float, typer.Option("--threshold", min=0.0, max=1.0, help="Match probability from which keys merge.")
]


def _resolve(driver, settings, merges: str, dry_run: bool, **options):
    from eikg.graph.resolution import resolve_graph

    try:
        done = resolve_graph(driver, merges=merges, dry_run=dry_run, database=settings.database, **options)
    except EikgError as err:
        fail(str(err))
    for warning in done.warnings:
        _warn(warning)
    linkage = done.linkage
    typer.echo(
        f"resolved {len(done.candidates)} organisations across articles: {linkage.compared} pairs compared, "
        f"{len(linkage.decisions)} merges ({len(done.added)} new, {len(done.removed)} undone), "
        f"{len(linkage.review)} for review; {done.articles_reloaded} articles reloaded"
        + (" (dry run: nothing written)" if dry_run else ""),
        err=True,
    )
    return done


@app.command("resolve")
def resolve_command(
    threshold: ThresholdOpt = 0.9,
    review: Annotated[
        float, typer.Option("--review", min=0.0, max=1.0, help="Match probability from which pairs are suggested.")
    ] = 0.5,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Decide and print, change nothing.")] = False,
    merges: MergesOpt = "data/merges.jsonl",
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Resolve organisations across the whole graph (Splink): merge pairs above the threshold."""
    with open_graph(uri, user, password, database) as (driver, settings):
        done = _resolve(driver, settings, merges, dry_run, threshold=threshold, review=review)
    if dry_run:
        names = {c.key: c.name for c in done.candidates}
        for d in done.linkage.decisions:
            typer.echo(f"{d.probability:.3f}  {d.drop} ({names[d.drop]})  ->  {d.keep} ({d.name})")


@app.command("eval-resolution")
def eval_resolution_command(
    gold: Annotated[list[str], typer.Argument(help="Gold files (JSON Lines, ANNOTATION.md).")],
    review: Annotated[
        str | None, typer.Option("--review", help="Hand decisions on the gold clusters (link / alone).")
    ] = None,
    threshold: ThresholdOpt = 0.9,
    graph: Annotated[
        bool, typer.Option("--graph", help="Score the graph's nodes instead (extraction and resolution).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Score cross-article resolution of organisations against gold: pairwise and B-cubed."""
    import json
    from dataclasses import asdict

    from eikg.ingest.linkage import ORG_TYPES
    from eikg.ingest.resolution_gold import evaluate_graph, evaluate_resolution

    try:
        if graph:
            from eikg.graph.resolution import entity_mentions

            with open_graph(uri, user, password, database) as (driver, settings):
                mentions = entity_mentions(driver, [t.value for t in ORG_TYPES], settings.database)
            found, matched = evaluate_graph(gold, mentions, review)
            rows = {"graph": found}
        else:
            linked, exact = evaluate_resolution(gold, review, threshold)
            rows = {"exact keys": exact, "resolver": linked}
    except EikgError as err:
        fail(str(err))
    if as_json:
        typer.echo(json.dumps({k.replace(" ", "_"): asdict(v) for k, v in rows.items()}, indent=2))
        return
    typer.echo(f"{'':<12}{'pairs':>7}{'P':>8}{'R':>8}{'F1':>8}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}")
    for label, s in rows.items():
        typer.echo(
            f"{label:<12}{s.predicted_pairs:>7}{s.pairwise_precision:>8.3f}{s.pairwise_recall:>8.3f}"
            f"{s.pairwise_f1:>8.3f}{s.bcubed_precision:>8.3f}{s.bcubed_recall:>8.3f}{s.bcubed_f1:>8.3f}"
        )
    s = next(iter(rows.values()))
    typer.echo(
        f"{s.gold_clusters} gold organisations, {s.true_pairs} gold pairs"
        + (f"; the graph has a node for {matched} gold records" if graph else f" over {s.records} records"),
        err=True,
    )


@app.command("suggest-merges")
def suggest_merges_command(
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Lowest match probability listed.")
    ] = 0.5,
    threshold: ThresholdOpt = 0.9,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most pairs listed.")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    merges: MergesOpt = "data/merges.jsonl",
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """List organisations the resolver finds alike but did not merge, with the evidence."""
    import csv
    import json
    import sys
    from dataclasses import asdict

    from eikg.graph.resolution import suggest_merges

    if fmt not in ("table", "csv", "json"):
        fail(f"unknown format {fmt!r}: use table, csv or json")
    with open_graph(uri, user, password, database) as (driver, settings):
        try:
            found = suggest_merges(
                driver, merges=merges, min_probability=min_score, threshold=threshold, limit=limit,
                database=settings.database,
            )
        except EikgError as err:
            fail(str(err))
    if fmt == "json":
        typer.echo(json.dumps([asdict(s) for s in found], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["probability", "a", "b", "name_a", "name_b", "type_a", "type_b", "evidence",
                         "shared_places", "shared_partners", "titles_a", "titles_b"])
        for s in found:
            writer.writerow([s.probability, s.a, s.b, s.name_a, s.name_b, s.type_a, s.type_b, s.evidence,
                             "; ".join(s.shared_places), "; ".join(s.shared_partners),
                             " | ".join(s.titles_a), " | ".join(s.titles_b)])
    else:
        for s in found:
            shared = s.shared_places + s.shared_partners
            typer.echo(
                f"{s.probability:.2f}  {s.a}  <->  {s.b}\n"
                f"      {s.name_a} ({s.type_a}) / {s.name_b} ({s.type_b}): {s.evidence}"
                + (f"; both with {', '.join(shared)}" if shared else "")
            )
        typer.echo(f"{len(found)} likely duplicates; merge with `eikg merge KEY_A KEY_B`", err=True)


@app.command("merge")
def merge_command(
    keep: Annotated[str, typer.Argument(help="Key of the entity that stays.")],
    drop: Annotated[str, typer.Argument(help="Key of the entity merged into it.")],
    merges: MergesOpt = "data/merges.jsonl",
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Merge entity KEY_B into KEY_A and record the decision for every later load."""
    from eikg.graph.merges import merge_entities

    with open_graph(uri, user, password, database) as (driver, settings):
        record = merge_entities(driver, keep, drop, merges, database=settings.database)
    typer.echo(f"merged {record.drop} into {record.keep} ({record.name}); recorded in {merges}")


@app.command("split")
def split_command(
    key: Annotated[str, typer.Argument(help="A merged-away key (or the key it was merged into).")],
    merges: MergesOpt = "data/merges.jsonl",
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Undo a recorded merge: the entities get their own nodes again."""
    from eikg.graph.merges import split_entity

    with open_graph(uri, user, password, database) as (driver, settings):
        undone = split_entity(driver, key, merges, database=settings.database)
    for r in undone:
        typer.echo(f"split {r.drop} from {r.keep}")


# --- queries, ad-hoc Cypher, analyses and exports (issue 5) ---------------------------

FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="Output: table, csv or json.")
]
ParamOpt = Annotated[
    Optional[list[str]],
    typer.Option("--param", "-p", help="A query parameter as key=value (repeatable)."),
]


def _print_result(result, fmt: str) -> None:
    """Rows to stdout in fmt; notes to stderr so CSV/JSON stay clean."""
    from eikg.queries.output import render

    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(render(result.columns, result.rows, fmt))


@app.command("query")
def query_command(
    name: Annotated[Optional[str], typer.Argument(help="Named query (see --list).")] = None,
    param: ParamOpt = None,
    fmt: FormatOpt = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Run a named read query (queries/*.cypher); --list shows names, parameters and descriptions."""
    from eikg.queries import output, runner

    try:
        if list_ or name is None:
            rows = [
                {"name": q.name, "parameters": q.signature().partition(" ")[2],
                 "description": q.description}
                for q in runner.list_queries()
            ]
            typer.echo(output.render(["name", "parameters", "description"], rows, fmt, width=None))
            return
        params = runner.parse_params(param)
        query = runner.get_query(name)  # unknown names fail before connecting
    except EikgError as err:
        fail(str(err))
    with open_graph(uri, user, password, database) as (driver, settings):
        result = runner.run_query(driver, name, params, database=settings.database)
        _print_result(result, fmt)
        if query.name == "timeline":
            _note_stale_timeline(driver, settings.database)


def _note_stale_timeline(driver, database: str | None) -> None:
    """The timeline reads counters the loader keeps: say so when they disagree with the graph."""
    from eikg.graph.timeline import stale_types

    stale = stale_types(driver, database)
    if stale:
        typer.echo(
            f"note: the timeline counters do not match the graph for {', '.join(stale)} "
            "(a graph written by an earlier eikg, or changed by hand); the next "
            "`eikg load` or `eikg ingest` rebuilds them",
            err=True,
        )


@app.command("cypher")
def cypher_command(
    text: Annotated[str, typer.Argument(help="A read-only Cypher query.")],
    param: ParamOpt = None,
    fmt: FormatOpt = "table",
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds before the server stops it.")] = 30.0,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Print at most this many rows.")] = None,
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Run ad-hoc Cypher read-only: a query whose plan writes is refused before it runs."""
    from eikg.queries.cypher import run_cypher
    from eikg.queries.runner import parse_params

    try:
        params = parse_params(param)
    except EikgError as err:
        fail(str(err))
    with open_graph(uri, user, password, database) as (driver, settings):
        result = run_cypher(driver, text, params, database=settings.database,
                            timeout=timeout, limit=limit)
        _print_result(result, fmt)


analyze_app = typer.Typer(
    help="NetworkX analyses over a projection of the graph.", no_args_is_help=True
)
app.add_typer(analyze_app, name="analyze")

TypesOpt = Annotated[
    Optional[list[str]],
    typer.Option("--types", help="Entity types to project, e.g. COLLEGE,ENTERPRISE (default: all)."),
]
RelationsOpt = Annotated[
    Optional[list[str]],
    typer.Option("--relations", help="Relation types to project, e.g. PARTNERS_WITH (default: all)."),
]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Keep relations last seen on or after yyyy-mm-dd.")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="Keep relations first seen on or before yyyy-mm-dd.")]
WriteBackOpt = Annotated[bool, typer.Option("--write-back", help="Store the scores as node properties.")]
TopOpt = Annotated[
    Optional[int],
    typer.Option("--top", min=1, help="Print only the first N rows (best first); --write-back still stores all."),
]


def _analyze(name: str, types, relations, since, until, fmt, write, conn, top=None, **args) -> None:
    from eikg.queries.analyze import analyze
    from eikg.queries.project import Projection

    try:
        projection = Projection.parse(types, relations, since, until)
    except EikgError as err:
        fail(str(err))
    with open_graph(*conn) as (driver, settings):
        result = analyze(driver, name, projection, database=settings.database, write=write, **args)
        if top is not None and len(result.rows) > top:
            result.notes.append(f"showing the first {top} of {len(result.rows)} rows (--top)")
            result.rows = result.rows[:top]
        _print_result(result, fmt)


def _whole_graph_analysis(name: str, doc: str) -> None:
    """Register ``eikg analyze NAME``: an analysis of the whole projection, with
    --top and --write-back (centrality, communities and brokers share these options)."""

    def command(
        types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
        until: UntilOpt = None, fmt: FormatOpt = "table", write_back: WriteBackOpt = False,
        top: TopOpt = None, uri: UriOpt = None, user: UserOpt = None,
        password: PasswordOpt = None, database: DatabaseOpt = None,
    ) -> None:
        _analyze(name, types, relations, since, until, fmt, write_back,
                 (uri, user, password, database), top=top)

    command.__doc__ = doc
    analyze_app.command(name)(command)


_whole_graph_analysis(
    "centrality",
    "Degree, betweenness (sampled on large graphs, and says so) and PageRank per entity.",
)
_whole_graph_analysis("communities", "Louvain communities with the partition's modularity.")
_whole_graph_analysis("brokers", "Organisations bridging colleges and enterprises, or communities.")


@analyze_app.command("ego")
def analyze_ego(
    entity: Annotated[str, typer.Argument(help="Entity key, name or alias.")],
    depth: Annotated[int, typer.Option("--depth", min=0, help="Hops from the entity.")] = 1,
    types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
    until: UntilOpt = None, fmt: FormatOpt = "table",
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Everything within --depth hops of an entity."""
    _analyze("ego", types, relations, since, until, fmt, False,
             (uri, user, password, database), entity=entity, depth=depth)


@analyze_app.command("path")
def analyze_path(
    source: Annotated[str, typer.Argument(help="Where the path starts (key, name or alias).")],
    target: Annotated[str, typer.Argument(help="Where it ends (key, name or alias).")],
    types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
    until: UntilOpt = None, fmt: FormatOpt = "table",
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """A shortest chain of relations between two entities."""
    _analyze("path", types, relations, since, until, fmt, False,
             (uri, user, password, database), source=source, target=target)


@analyze_app.command("recommend")
def analyze_recommend(
    entity: Annotated[str, typer.Argument(help="Organisation key, name or alias.")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many suggestions.")] = 10,
    types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
    until: UntilOpt = None, fmt: FormatOpt = "table",
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Likely new partners by link prediction, each with its reasons."""
    _analyze("recommend", types, relations, since, until, fmt, False,
             (uri, user, password, database), entity=entity, limit=limit)


export_app = typer.Typer(help="Export the graph as RDF, GraphML, GEXF or CSV.", no_args_is_help=True)
app.add_typer(export_app, name="export")
OutOpt = Annotated[str, typer.Option("--out", "-o", help="File to write (a directory for csv).")]


@export_app.command("rdf")
def export_rdf_command(
    out: OutOpt,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format", "-f",
            help="turtle, nt, json-ld, trig or nquads; default: from the file name "
            "(.ttl .nt .nq .trig .jsonld, each maybe .gz), else turtle.",
        ),
    ] = None,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """The whole graph as RDF under ontology.ttl, with provenance (named graphs in trig/nquads/json-ld).

    A file name ending in .gz is written gzip-compressed."""
    from pathlib import Path

    from eikg.graph.rdf import export_rdf, format_for

    try:
        fmt = format_for(out, fmt)
    except EikgError as err:
        fail(str(err))
    with open_graph(uri, user, password, database) as (driver, settings):
        n = export_rdf(driver, Path(out), fmt, database=settings.database)
    typer.echo(f"wrote {n} {'quads' if fmt in ('trig', 'nquads', 'json-ld') else 'triples'} to {out}", err=True)


def _export_graph(fmt: str, out: str, types, relations, since, until, conn) -> None:
    from pathlib import Path

    from eikg.graph.exports import write_graph
    from eikg.queries.project import Projection, to_networkx

    try:
        projection = Projection.parse(types, relations, since, until)
    except EikgError as err:
        fail(str(err))
    with open_graph(*conn) as (driver, settings):
        g = to_networkx(driver, projection, database=settings.database)
        paths, note = write_graph(g, fmt, Path(out))
    if note:
        typer.echo(f"note: {note}", err=True)
    typer.echo(
        f"wrote {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships to "
        + ", ".join(str(p) for p in paths),
        err=True,
    )


@export_app.command("graphml")
def export_graphml_command(
    out: OutOpt, types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
    until: UntilOpt = None, uri: UriOpt = None, user: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """GraphML (yEd, Gephi) with types, names and scores as attributes."""
    _export_graph("graphml", out, types, relations, since, until, (uri, user, password, database))


@export_app.command("gexf")
def export_gexf_command(
    out: OutOpt, types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
    until: UntilOpt = None, uri: UriOpt = None, user: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """GEXF (Gephi) with types, names and scores as attributes."""
    _export_graph("gexf", out, types, relations, since, until, (uri, user, password, database))


@export_app.command("csv")
def export_csv_command(
    out: OutOpt, types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
    until: UntilOpt = None, uri: UriOpt = None, user: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None,
) -> None:
    """nodes.csv and edges.csv in the --out directory, for spreadsheets."""
    _export_graph("csv", out, types, relations, since, until, (uri, user, password, database))


# --- interactive maps (issue 6) ----------------------------------------------------------


@app.command("map")
def map_command(
    out: Annotated[str, typer.Option("--out", "-o", help="HTML file to write.")] = "out/map.html",
    focus: Annotated[Optional[str], typer.Option("--focus", help="Only this entity (key, name or alias) and its neighbourhood.")] = None,
    depth: Annotated[int, typer.Option("--depth", min=0, help="Hops around --focus.")] = 1,
    types: TypesOpt = None, relations: RelationsOpt = None, since: SinceOpt = None,
    until: UntilOpt = None,
    color_by: Annotated[str, typer.Option("--color-by", help="Colour nodes by: type or community.")] = "type",
    size_by: Annotated[str, typer.Option("--size-by", help="Size nodes by: degree, betweenness or pagerank.")] = "degree",
    static_layout: Annotated[bool, typer.Option("--static-layout", help="Lay out in Python, physics off (automatic above 1,500 entities).")] = False,
    uri: UriOpt = None, user: UserOpt = None, password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Write an interactive map: one self-contained HTML file that opens offline."""
    from eikg.queries.map_source import write_graph_map
    from eikg.queries.maps import COLOR_MODES, SIZE_MEASURES
    from eikg.queries.project import Projection

    try:
        projection = Projection.parse(types, relations, since, until)
    except EikgError as err:
        fail(str(err))
    if color_by not in COLOR_MODES:
        fail(f"--color-by must be one of {', '.join(COLOR_MODES)}, got {color_by!r}")
    if size_by not in SIZE_MEASURES:
        fail(f"--size-by must be one of {', '.join(SIZE_MEASURES)}, got {size_by!r}")
    with open_graph(uri, user, password, database) as (driver, settings):
        summary = write_graph_map(
            driver, out, projection=projection, focus=focus, depth=depth,
            database=settings.database, color_by=color_by, size_by=size_by,
            static_layout=static_layout,
        )
    layout = "physics layout" if summary.physics else "static layout"
    typer.echo(
        f"wrote {summary.path}: {summary.nodes} entities, {summary.edges} relations, "
        f"{layout}, {summary.bytes / 1e6:.1f} MB"
    )


@app.command("demo")
def demo_command(
    corpus: Annotated[
        Optional[str],
        typer.Option("--corpus", help="Folder or file of articles (default: the sample corpus in data/)."),
    ] = None,
    out: Annotated[str, typer.Option("--out", help="Folder for map.html, graph.ttl and report.md.")] = "out",
    merges: MergesOpt = "data/merges.jsonl",
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """The main job: ingest a corpus, print a summary and write the map, RDF and report."""
    from pathlib import Path

    from rich.console import Console
    from rich.progress import Progress

    from eikg.demo import SAMPLE_CORPUS, run_demo
    from eikg.ingest.sources import count_articles

    source = Path(corpus) if corpus else SAMPLE_CORPUS
    total = count_articles([str(source)]) if source.exists() else 0
    progress = Progress(console=Console(stderr=True), disable=total <= PROGRESS_THRESHOLD)
    task = progress.add_task("ingesting", total=total)
    with open_graph(uri, user, password, database) as (driver, settings):
        with progress:
            result = run_demo(
                driver, source, Path(out), merges=Path(merges), database=settings.database,
                progress=lambda n: progress.advance(task, n), warn=_warn,
            )
    typer.echo(result.summary())


if __name__ == "__main__":  # pragma: no cover
    app()
