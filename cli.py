"""The eikg command line: a thin skin over the library.

Each command parses its options, builds settings, makes one library call, prints
the result and exits with a code. Errors of the project's own types and the
driver's connection errors become one line on stderr and exit code 1.

Options that many commands share come in groups (``Connection``,
``ProjectionOptions``): a command names the group once as one parameter, and
``command`` registers it with the group's options in that place, so each
command still takes them (``eikg query partners --uri ...``) while they are
declared here once.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import typing
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import neo4j
import typer
from neo4j.exceptions import DriverError, Neo4jError

from eikg.errors import EikgError
from eikg.graph.connection import Settings, connect, describe_error, resolve_settings
from eikg.graph.loader import BATCH_SIZE
from eikg.graph.decisions import MERGES_FILE
from eikg.graph.server import manager as neo4j_server
from eikg.graph.counts import count_graph
from eikg.ingest.model import DEFAULT_MODEL
from eikg.queries.output import CELL_WIDTH, dump_json, render
from eikg.records import DEFAULT_MIN_CONFIDENCE

if TYPE_CHECKING:
    from eikg.queries.project import Projection

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


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


# --- options shared by many commands, declared once --------------------------------------

FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="Output: table, csv or json.")
]
ModelOpt = Annotated[str, typer.Option("--model", help="spaCy model to build on.")]
MergesOpt = Annotated[
    str,
    typer.Option(
        "--merges",
        envvar="EIKG_MERGES",
        help="Merge decisions file, re-applied on every load.",
    ),
]
#: ``--merges`` by default: the library's merge file.
MERGES = str(MERGES_FILE)


@dataclass(frozen=True)
class Connection:
    """--uri, --user, --password and --database: where the graph is."""

    uri: Annotated[
        Optional[str],
        typer.Option(
            "--uri",
            envvar="NEO4J_URI",
            help="Neo4j URI (bolt:// or neo4j://); default: the local server eikg manages.",
        ),
    ] = None
    user: Annotated[
        Optional[str], typer.Option("--user", envvar="NEO4J_USER", help="Neo4j user; default: neo4j.")
    ] = None
    password: Annotated[
        Optional[str],
        typer.Option(
            "--password",
            envvar="NEO4J_PASSWORD",
            help="Neo4j password; default: the local server's generated password.",
        ),
    ] = None
    database: Annotated[
        Optional[str],
        typer.Option("--database", envvar="NEO4J_DATABASE", help="Database; default: the server's."),
    ] = None

    def open(self) -> AbstractContextManager[tuple[neo4j.Driver, Settings]]:
        """``open_graph`` for these options."""
        return open_graph(self.uri, self.user, self.password, self.database)

    def settings(self) -> Settings:
        """The connection settings these options name, not connected."""
        return resolve_settings(self.uri, self.user, self.password, self.database)


@dataclass(frozen=True)
class ProjectionOptions:
    """--types, --relations, --since and --until: which part of the graph to project."""

    types: Annotated[
        Optional[list[str]],
        typer.Option("--types", help="Entity types to project, e.g. COLLEGE,ENTERPRISE (default: all)."),
    ] = None
    relations: Annotated[
        Optional[list[str]],
        typer.Option("--relations", help="Relation types to project, e.g. PARTNERS_WITH (default: all)."),
    ] = None
    since: Annotated[Optional[str], typer.Option("--since", help="Keep relations last seen on or after yyyy-mm-dd.")] = None
    until: Annotated[Optional[str], typer.Option("--until", help="Keep relations first seen on or before yyyy-mm-dd.")] = None

    def parse(self) -> Projection:
        """The ``Projection``, or one line on stderr and exit 1."""
        from eikg.queries.project import Projection

        try:
            return Projection.parse(self.types, self.relations, self.since, self.until)
        except EikgError as err:
            fail(str(err))


OPTION_GROUPS = (Connection, ProjectionOptions)


def command(group: typer.Typer, name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a function as ``group``'s command ``name``, each option group among
    its parameters spread into the group's options at that place."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        group.command(name)(_spread_option_groups(func))
        return func

    return register


def _spread_option_groups(func: Callable[..., None]) -> Callable[..., None]:
    """``func`` as Typer should see it: a parameter typed as an option group
    becomes the group's fields (options), gathered back into one object per call."""
    hints = typing.get_type_hints(func, include_extras=True)
    params: list[inspect.Parameter] = []
    groups: dict[str, tuple[type, list[str]]] = {}
    for p in inspect.signature(func).parameters.values():
        hint = hints[p.name]
        if hint in OPTION_GROUPS:
            fields = typing.get_type_hints(hint, include_extras=True)
            names = [f.name for f in dataclasses.fields(hint)]
            groups[p.name] = (hint, names)
            params += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=getattr(hint(), n),
                                         annotation=fields[n]) for n in names]
        else:
            params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hint))

    @functools.wraps(func)
    def spread(**kwargs: Any) -> None:
        for pname, (group, names) in groups.items():
            kwargs[pname] = group(**{n: kwargs.pop(n) for n in names})
        return func(**kwargs)

    spread.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    spread.__annotations__ = {p.name: p.annotation for p in params}
    return spread


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
        with connect(settings, notify=lambda m: typer.echo(f"eikg: {m}", err=True)) as driver:
            yield driver, settings
    except EikgError as err:
        fail(str(err))
    except (DriverError, Neo4jError) as err:
        fail(describe_error(err, settings))


#: More articles than this get a progress bar.
PROGRESS_THRESHOLD = 5


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (above PROGRESS_THRESHOLD items); yields ``advance(n)``."""
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), disable=total <= PROGRESS_THRESHOLD)
    task = progress.add_task(label, total=total)
    with progress:
        yield lambda n: progress.advance(task, n)


def _print_result(result, fmt: str, wide: bool = False) -> None:
    """Rows to stdout in fmt (a table wraps long values unless ``wide``); notes to
    stderr so CSV/JSON stay clean."""
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(render(result.columns, result.rows, fmt, width=None if wide else CELL_WIDTH))


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


def _server(call: Callable[[], object]) -> None:
    """Print what a server call returns; its eikg errors as one line."""
    try:
        typer.echo(call())
    except EikgError as err:
        fail(str(err))


@neo4j_app.command("install")
def neo4j_install(
    force: Annotated[bool, typer.Option("--force", help="Run Maven even if up to date.")] = False,
) -> None:
    """Fetch Neo4j Community with Maven, build the launcher, generate the password."""
    _server(lambda: neo4j_server.install(force=force))


@neo4j_app.command("start")
def neo4j_start(
    port: PortOpt = None,
    store: StoreOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for Bolt to answer.")
    ] = 120.0,
) -> None:
    """Start the local Neo4j in the background and wait until Bolt answers."""
    _server(lambda: neo4j_server.start(port=port, store=store, timeout=timeout))


@neo4j_app.command("stop")
def neo4j_stop(store: StoreOpt = None) -> None:
    """Stop the local Neo4j cleanly (the store is flushed)."""
    _server(lambda: neo4j_server.stop(store=store))


@neo4j_app.command("status")
def neo4j_status(port: PortOpt = None, store: StoreOpt = None) -> None:
    """Say whether the local Neo4j runs, its version, address, store and size."""
    _server(lambda: neo4j_server.status(port=port, store=store).describe())


@command(app, "stats")
def stats_command(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    conn: Connection = Connection(),
) -> None:
    """Count nodes per label and relationships per type in the graph."""
    if fmt not in ("table", "json"):
        fail(f"unknown --format {fmt!r}; use table or json")
    with conn.open() as (driver, settings):
        counts = count_graph(driver, settings.database)
    if fmt == "json":
        typer.echo(dump_json(counts.to_json()))
        return
    rows = [{"kind": "node label", "name": name, "count": n} for name, n in counts.labels.items()]
    rows += [{"kind": "relationship type", "name": name, "count": n}
             for name, n in counts.relationships.items()]
    if not rows:
        typer.echo("the graph is empty")
        return
    typer.echo(render(["kind", "name", "count"], rows, header=False, right=["count"]))


# --- extraction, its evaluation and training ----------------------------------------------


@app.command("extract")
def extract_command(
    paths: Annotated[
        list[str], typer.Argument(help="Article files (.txt .md .html .jsonl) or directories.")
    ],
    out: Annotated[
        Optional[str], typer.Option("--out", "-o", help="Write JSON Lines here (default: stdout).")
    ] = None,
    model: ModelOpt = DEFAULT_MODEL,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Texts per spaCy batch.")] = 32,
    workers: Annotated[int, typer.Option("--workers", min=1, help="spaCy processes.")] = 1,
    cluster: Annotated[
        Optional[str],
        typer.Option("--cluster", help="Run on a Dask cluster: a scheduler address, or local[:N] for a "
                     "local cluster of N worker processes. --out is then a directory of JSONL shards."),
    ] = None,
) -> None:
    """Extract entities and relations from articles as JSON Lines, one object per article."""
    from eikg.ingest.pipeline import write_extractions
    from eikg.ingest.sources import count_articles

    if cluster is not None and not out:
        fail("--cluster writes shards into a directory: give it with --out DIR")
    try:
        with progress_bar("extracting", count_articles(paths)) as advance:
            options = dict(model=model, batch_size=batch_size, on_problem=_warn, on_article=lambda _: advance(1))
            if cluster is not None:
                from eikg.ingest.distributed import extract_on_cluster

                summary = extract_on_cluster(paths, out, cluster, **options)
            else:
                summary = write_extractions(paths, out, workers=workers, **options)
    except EikgError as err:
        fail(str(err))
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
    model: ModelOpt = DEFAULT_MODEL,
    cv: Annotated[
        int,
        typer.Option("--cv", min=0, help="K-fold cross-validation by article: train on K-1 folds, score the other, K times."),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Shuffle seed of the --cv folds.")] = 0,
    gold_entities: Annotated[
        bool,
        typer.Option("--gold-entities", help="With --cv: relations read the gold entity names, not the learned layer's "
                     "(what the relation layer reaches from perfect entities)."),
    ] = False,
) -> None:
    """Extract the articles gold files name and print P/R/F1 per type and overall.

    Without --cv this scores the shipped extractor (or --model); with --cv K it
    trains K models, each on the other folds' articles, and scores each on the
    articles it never saw.
    """
    if gold_entities and not cv:
        fail("--gold-entities needs --cv K (it measures held-out articles)")
    from eikg.ingest.evaluate import confidence_json, evaluate_files, format_confidence, format_table, to_json

    try:
        if cv:
            from eikg.ingest.training.crossval import cross_validate_files, format_cv

            result = cross_validate_files(gold, cv, seed=seed, base_model=model, warn=_warn,
                                          gold_entities=gold_entities, log=lambda m: typer.echo(m, err=True))
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
    model: ModelOpt = DEFAULT_MODEL,
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


# --- loading and entity resolution (workflow.py, graph/loader.py, graph/merges.py) ----------

ForceOpt = Annotated[
    bool, typer.Option("--force", help="Reload articles whose content hash is unchanged.")
]
ThresholdOpt = Annotated[
    float, typer.Option("--threshold", min=0.0, max=1.0, help="Match probability from which keys merge.")
]


@command(app, "load")
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
    merges: MergesOpt = MERGES,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Relations per transaction.")
    ] = BATCH_SIZE,
    conn: Connection = Connection(),
) -> None:
    """Load extractions (JSON Lines from `eikg extract`) into the graph."""
    from eikg.workflow import LoadJob

    try:
        job = LoadJob.read(files, merges)
    except EikgError as err:
        fail(str(err))
    if bulk:
        settings = conn.settings()
        try:
            with progress_bar("loading", job.articles) as advance:
                report = job.run_bulk(settings, progress=advance, warn=_warn)
        except EikgError as err:
            fail(str(err))
        except (DriverError, Neo4jError) as err:
            fail(describe_error(err, settings))
        typer.echo(str(report), err=True)
        return
    with conn.open() as (driver, settings), progress_bar("loading", job.articles) as advance:
        report = job.run(driver, database=settings.database, force=force, batch_size=batch_size,
                         progress=advance, warn=_warn)
    typer.echo(str(report), err=True)


@command(app, "ingest")
def ingest_command(
    paths: Annotated[
        list[str], typer.Argument(help="Article files (.txt .md .html .jsonl) or directories.")
    ],
    force: ForceOpt = False,
    merges: MergesOpt = MERGES,
    model: ModelOpt = DEFAULT_MODEL,
    workers: Annotated[int, typer.Option("--workers", min=1, help="spaCy processes.")] = 1,
    resolve: Annotated[
        bool, typer.Option("--resolve/--no-resolve", help="Resolve entities across articles after loading.")
    ] = True,
    min_confidence: Annotated[
        float,
        typer.Option("--min-confidence", min=0.0, max=1.0,
                     help="Keep entities and relations below this extraction confidence out of the graph."),
    ] = DEFAULT_MIN_CONFIDENCE,
    conn: Connection = Connection(),
) -> None:
    """Extract articles and load them into the graph in one go, then resolve across articles."""
    from eikg.workflow import ingest
    from eikg.graph.decisions import load_redirects
    from eikg.ingest.sources import count_articles

    total = count_articles(paths)
    with conn.open() as (driver, settings), progress_bar("ingesting", total) as advance:
        summary = ingest(
            driver, paths, database=settings.database, force=force,
            redirects=load_redirects(merges), model=model, workers=workers,
            progress=advance, warn=_warn, min_confidence=min_confidence,
        )
        typer.echo(str(summary), err=True)
        if summary.articles_loaded + summary.articles_skipped == 0:
            fail("no article could be ingested")
        if resolve and summary.articles_loaded:
            _resolve(driver, settings, merges, dry_run=False)


def _resolve(driver, settings, merges: str, dry_run: bool, **options):
    from eikg.resolution import resolve_graph

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


@command(app, "resolve")
def resolve_command(
    threshold: ThresholdOpt = 0.9,
    review: Annotated[
        float, typer.Option("--review", min=0.0, max=1.0, help="Match probability from which pairs are suggested.")
    ] = 0.5,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Decide and print, change nothing.")] = False,
    merges: MergesOpt = MERGES,
    conn: Connection = Connection(),
) -> None:
    """Resolve organisations across the whole graph (Splink): merge pairs above the threshold."""
    with conn.open() as (driver, settings):
        done = _resolve(driver, settings, merges, dry_run, threshold=threshold, review=review)
    if dry_run:
        names = {c.key: c.name for c in done.candidates}
        for d in done.linkage.decisions:
            typer.echo(f"{d.probability:.3f}  {d.drop} ({names[d.drop]})  ->  {d.keep} ({d.name})")


@command(app, "eval-resolution")
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
    conn: Connection = Connection(),
) -> None:
    """Score cross-article resolution of organisations against gold: pairwise and B-cubed."""
    from dataclasses import asdict

    from eikg.ingest.linkage import ORG_TYPES
    from eikg.ingest.resolution_gold import evaluate_graph, evaluate_resolution, format_scores

    try:
        if graph:
            from eikg.resolution import entity_mentions

            with conn.open() as (driver, settings):
                mentions = entity_mentions(driver, [t.value for t in ORG_TYPES], settings.database)
            found, matched = evaluate_graph(gold, mentions, review)
            rows = {"graph": found}
        else:
            linked, exact = evaluate_resolution(gold, review, threshold)
            rows = {"exact keys": exact, "resolver": linked}
    except EikgError as err:
        fail(str(err))
    if as_json:
        typer.echo(dump_json({k.replace(" ", "_"): asdict(v) for k, v in rows.items()}))
        return
    typer.echo(format_scores(rows))
    s = next(iter(rows.values()))
    typer.echo(
        f"{s.gold_clusters} gold organisations, {s.true_pairs} gold pairs"
        + (f"; the graph has a node for {matched} gold records" if graph else f" over {s.records} records"),
        err=True,
    )


#: ``eikg suggest-merges`` columns, in the order of the Suggestion fields.
SUGGESTION_COLUMNS = ["probability", "a", "b", "name_a", "name_b", "type_a", "type_b", "evidence",
                      "shared_places", "shared_partners", "titles_a", "titles_b"]


@command(app, "suggest-merges")
def suggest_merges_command(
    min_score: Annotated[
        float, typer.Option("--min-score", min=0.0, max=1.0, help="Lowest match probability listed.")
    ] = 0.5,
    threshold: ThresholdOpt = 0.9,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most pairs listed.")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    merges: MergesOpt = MERGES,
    conn: Connection = Connection(),
) -> None:
    """List organisations the resolver finds alike but did not merge, with the evidence."""
    from dataclasses import asdict

    from eikg.resolution import suggest_merges

    if fmt not in ("table", "csv", "json"):
        fail(f"unknown format {fmt!r}: use table, csv or json")
    with conn.open() as (driver, settings):
        try:
            found = suggest_merges(
                driver, merges=merges, min_probability=min_score, threshold=threshold, limit=limit,
                database=settings.database,
            )
        except EikgError as err:
            fail(str(err))
    if fmt == "json":
        typer.echo(render(SUGGESTION_COLUMNS, [asdict(s) for s in found], "json"))
    elif fmt == "csv":
        # the probability in full; titles (which may hold "; ") apart with " | "
        rows = [{**asdict(s), "probability": repr(s.probability), "titles_a": " | ".join(s.titles_a),
                 "titles_b": " | ".join(s.titles_b)} for s in found]
        typer.echo(render(SUGGESTION_COLUMNS, rows, "csv"))
    else:
        for s in found:
            typer.echo(s.describe())
        typer.echo(f"{len(found)} likely duplicates; merge with `eikg merge KEY_A KEY_B`", err=True)


@command(app, "merge")
def merge_command(
    keep: Annotated[str, typer.Argument(help="Key of the entity that stays.")],
    drop: Annotated[str, typer.Argument(help="Key of the entity merged into it.")],
    merges: MergesOpt = MERGES,
    conn: Connection = Connection(),
) -> None:
    """Merge entity KEY_B into KEY_A and record the decision for every later load."""
    from eikg.graph.merges import merge_entities

    with conn.open() as (driver, settings):
        record = merge_entities(driver, keep, drop, merges, database=settings.database)
    typer.echo(f"merged {record.drop} into {record.keep} ({record.name}); recorded in {merges}")


@command(app, "split")
def split_command(
    key: Annotated[str, typer.Argument(help="A merged-away key (or the key it was merged into).")],
    merges: MergesOpt = MERGES,
    conn: Connection = Connection(),
) -> None:
    """Undo a recorded merge: the entities get their own nodes again."""
    from eikg.graph.merges import split_entity

    with conn.open() as (driver, settings):
        undone = split_entity(driver, key, merges, database=settings.database)
    for r in undone:
        typer.echo(f"split {r.drop} from {r.keep}")


# --- queries, ad-hoc Cypher, analyses and exports (issue 5) ---------------------------

ParamOpt = Annotated[
    Optional[list[str]],
    typer.Option("--param", "-p", help="A query parameter as key=value (repeatable)."),
]


WideOpt = Annotated[bool, typer.Option("--wide", help="Table: one line per row, long values unwrapped.")]


@command(app, "query")
def query_command(
    name: Annotated[Optional[str], typer.Argument(help="Named query (see --list).")] = None,
    param: ParamOpt = None,
    fmt: FormatOpt = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    wide: WideOpt = False,
    conn: Connection = Connection(),
) -> None:
    """Run a named read query (queries/*.cypher); --list shows names, parameters and descriptions."""
    from eikg.queries import runner

    try:
        if list_ or name is None:
            rows = [
                {"name": q.name, "parameters": q.signature().partition(" ")[2],
                 "description": q.description}
                for q in runner.list_queries()
            ]
            typer.echo(render(["name", "parameters", "description"], rows, fmt, width=None))
            return
        params = runner.parse_params(param)
        query = runner.get_query(name)  # unknown names fail before connecting
    except EikgError as err:
        fail(str(err))
    with conn.open() as (driver, settings):
        result = runner.run_query(driver, name, params, database=settings.database)
        _print_result(result, fmt, wide)
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


@command(app, "cypher")
def cypher_command(
    text: Annotated[str, typer.Argument(help="A read-only Cypher query.")],
    param: ParamOpt = None,
    fmt: FormatOpt = "table",
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds before the server stops it.")] = 30.0,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Print at most this many rows.")] = None,
    wide: WideOpt = False,
    conn: Connection = Connection(),
) -> None:
    """Run ad-hoc Cypher read-only: a query whose plan writes is refused before it runs."""
    from eikg.queries.cypher import run_cypher
    from eikg.queries.runner import parse_params

    try:
        params = parse_params(param)
    except EikgError as err:
        fail(str(err))
    with conn.open() as (driver, settings):
        result = run_cypher(driver, text, params, database=settings.database,
                            timeout=timeout, limit=limit)
        _print_result(result, fmt, wide)


analyze_app = typer.Typer(
    help="NetworkX analyses over a projection of the graph.", no_args_is_help=True
)
app.add_typer(analyze_app, name="analyze")

WriteBackOpt = Annotated[bool, typer.Option("--write-back", help="Store the scores as node properties.")]
TopOpt = Annotated[
    Optional[int],
    typer.Option("--top", min=1, help="Print only the first N rows (best first); --write-back still stores all."),
]


def _analyze(name: str, projection: ProjectionOptions, fmt: str, conn: Connection, *,
             write: bool = False, top: int | None = None, **args: Any) -> None:
    from eikg.queries.analysis_runner import analyze

    parsed = projection.parse()
    with conn.open() as (driver, settings):
        result = analyze(driver, name, parsed, database=settings.database, write=write, **args)
        if top is not None and len(result.rows) > top:
            result.notes.append(f"showing the first {top} of {len(result.rows)} rows (--top)")
            result.rows = result.rows[:top]
        _print_result(result, fmt)


def _whole_graph_analysis(name: str, doc: str) -> None:
    """Register ``eikg analyze NAME``: an analysis of the whole projection, with
    --top and --write-back (centrality, communities and brokers share these options)."""

    def run(
        projection: ProjectionOptions = ProjectionOptions(), fmt: FormatOpt = "table",
        write_back: WriteBackOpt = False, top: TopOpt = None, conn: Connection = Connection(),
    ) -> None:
        _analyze(name, projection, fmt, conn, write=write_back, top=top)

    run.__doc__ = doc
    command(analyze_app, name)(run)


_whole_graph_analysis(
    "centrality",
    "Degree, betweenness (sampled on large graphs, and says so) and PageRank per entity.",
)
_whole_graph_analysis("communities", "Louvain communities with the partition's modularity.")
_whole_graph_analysis("brokers", "Organisations bridging colleges and enterprises, or communities.")


@command(analyze_app, "ego")
def analyze_ego(
    entity: Annotated[str, typer.Argument(help="Entity key, name or alias.")],
    depth: Annotated[int, typer.Option("--depth", min=0, help="Hops from the entity.")] = 1,
    projection: ProjectionOptions = ProjectionOptions(), fmt: FormatOpt = "table",
    conn: Connection = Connection(),
) -> None:
    """Everything within --depth hops of an entity."""
    _analyze("ego", projection, fmt, conn, entity=entity, depth=depth)


@command(analyze_app, "path")
def analyze_path(
    source: Annotated[str, typer.Argument(help="Where the path starts (key, name or alias).")],
    target: Annotated[str, typer.Argument(help="Where it ends (key, name or alias).")],
    projection: ProjectionOptions = ProjectionOptions(), fmt: FormatOpt = "table",
    conn: Connection = Connection(),
) -> None:
    """A shortest chain of relations between two entities."""
    _analyze("path", projection, fmt, conn, source=source, target=target)


@command(analyze_app, "recommend")
def analyze_recommend(
    entity: Annotated[str, typer.Argument(help="Organisation key, name or alias.")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many suggestions.")] = 10,
    projection: ProjectionOptions = ProjectionOptions(), fmt: FormatOpt = "table",
    conn: Connection = Connection(),
) -> None:
    """Likely new partners by link prediction, each with its reasons."""
    _analyze("recommend", projection, fmt, conn, entity=entity, limit=limit)


export_app = typer.Typer(help="Export the graph as RDF, GraphML, GEXF or CSV.", no_args_is_help=True)
app.add_typer(export_app, name="export")
OutOpt = Annotated[str, typer.Option("--out", "-o", help="File to write (a directory for csv).")]


@command(export_app, "rdf")
def export_rdf_command(
    path: Annotated[Optional[str], typer.Argument(help="File to write (or give it as --out).")] = None,
    out: Annotated[Optional[str], typer.Option("--out", "-o", help="File to write.")] = None,
    with_ontology: Annotated[
        bool, typer.Option("--with-ontology", help="Append ontology.ttl, so the file validates against shapes.ttl alone."),
    ] = False,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format", "-f",
            help="turtle, nt, json-ld, trig or nquads; default: from the file name "
            "(.ttl .nt .nq .trig .jsonld, each maybe .gz), else turtle.",
        ),
    ] = None,
    conn: Connection = Connection(),
) -> None:
    """The whole graph as RDF under ontology.ttl, with provenance (named graphs in trig/nquads/json-ld).

    A file name ending in .gz is written gzip-compressed."""
    from eikg.graph.rdf_export import DATASET_FORMATS, export_rdf, format_for

    if path and out and path != out:
        fail(f"two files given ({path} and --out {out}); give one")
    out = path or out
    if not out:
        fail("give the file to write: eikg export rdf PATH")
    try:
        fmt = format_for(out, fmt)
    except EikgError as err:
        fail(str(err))
    with conn.open() as (driver, settings):
        n = export_rdf(driver, Path(out), fmt, database=settings.database, with_ontology=with_ontology)
    typer.echo(f"wrote {n} {'quads' if fmt in DATASET_FORMATS else 'triples'} to {out}", err=True)


def _graph_export(fmt: str, doc: str) -> None:
    """Register ``eikg export FMT``: the projection as a NetworkX file format."""

    def export(
        out: OutOpt, projection: ProjectionOptions = ProjectionOptions(), conn: Connection = Connection(),
    ) -> None:
        from eikg.queries.exports import write_graph
        from eikg.queries.project import to_networkx

        parsed = projection.parse()
        with conn.open() as (driver, settings):
            g = to_networkx(driver, parsed, database=settings.database)
            paths, note = write_graph(g, fmt, Path(out))
        if note:
            typer.echo(f"note: {note}", err=True)
        typer.echo(
            f"wrote {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships to "
            + ", ".join(str(p) for p in paths),
            err=True,
        )

    export.__doc__ = doc
    command(export_app, fmt)(export)


_graph_export("graphml", "GraphML (yEd, Gephi) with types, names and scores as attributes.")
_graph_export("gexf", "GEXF (Gephi) with types, names and scores as attributes.")
_graph_export("csv", "nodes.csv and edges.csv in the --out directory, for spreadsheets.")


# --- interactive maps (issue 6) ----------------------------------------------------------


@command(app, "map")
def map_command(
    out: Annotated[str, typer.Option("--out", "-o", help="HTML file to write.")] = "out/map.html",
    view: Annotated[str, typer.Option("--view", help="partnerships (organisations, partnerships, alliances) or all.")] = "partnerships",
    focus: Annotated[Optional[str], typer.Option("--focus", help="Only this entity (key, name or alias) and its neighbourhood.")] = None,
    depth: Annotated[int, typer.Option("--depth", min=0, help="Hops around --focus.")] = 1,
    projection: ProjectionOptions = ProjectionOptions(),
    color_by: Annotated[str, typer.Option("--color-by", help="Colour nodes by: type or community.")] = "type",
    size_by: Annotated[str, typer.Option("--size-by", help="Size nodes by: degree, betweenness or pagerank.")] = "degree",
    static_layout: Annotated[bool, typer.Option("--static-layout", help="Lay out in Python, physics off (automatic above 1,500 entities).")] = False,
    conn: Connection = Connection(),
) -> None:
    """Write an interactive map: one self-contained HTML file that opens offline.

    --view partnerships (the default): organisations joined by partnerships and
    alliances, laid out once (no physics), with a side panel of evidence; --view all:
    every entity and relation."""
    from eikg.queries.map_html import COLOR_MODES, SIZE_MEASURES
    from eikg.queries.map_query import write_graph_map
    from eikg.queries.partnership_map import VIEWS, write_partnership_map

    parsed = projection.parse()
    if view not in VIEWS:
        fail(f"--view must be one of {', '.join(VIEWS)}, got {view!r}")
    if view == "partnerships":
        given = [name for name, value in (("--focus", focus), ("--types", projection.types),
                                          ("--relations", projection.relations),
                                          ("--color-by", color_by != "type"), ("--size-by", size_by != "degree"),
                                          ("--static-layout", static_layout))
                 if value]
        if given:
            fail(f"{', '.join(given)} only apply to --view all")
        with conn.open() as (driver, settings):
            summary = write_partnership_map(driver, out, since=parsed.since, until=parsed.until,
                                            database=settings.database)
        _echo_map(summary, "organisations", "ties")
        return
    if color_by not in COLOR_MODES:
        fail(f"--color-by must be one of {', '.join(COLOR_MODES)}, got {color_by!r}")
    if size_by not in SIZE_MEASURES:
        fail(f"--size-by must be one of {', '.join(SIZE_MEASURES)}, got {size_by!r}")
    with conn.open() as (driver, settings):
        summary = write_graph_map(
            driver, out, projection=parsed, focus=focus, depth=depth,
            database=settings.database, color_by=color_by, size_by=size_by,
            static_layout=static_layout,
        )
    _echo_map(summary)


def _echo_map(summary, nodes: str = "entities", edges: str = "relations") -> None:
    layout = "physics layout" if summary.physics else "static layout"
    typer.echo(
        f"wrote {summary.path}: {summary.nodes} {nodes}, {summary.edges} {edges}, "
        f"{layout}, {summary.bytes / 1e6:.1f} MB"
    )


@command(app, "report")
def report_command(
    out: Annotated[str, typer.Option("--out", "-o", help="Folder for the report and its plots.")] = "out",
    since: Annotated[Optional[str], typer.Option("--since", help="Keep relations last seen on or after yyyy-mm-dd.")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Keep relations first seen on or before yyyy-mm-dd.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md (report.md) or html (report.html, self-contained).")] = "md",
    conn: Connection = Connection(),
) -> None:
    """Write the partnership report: partnerships with evidence, top partners, alliances, brokers, plots."""
    from eikg.queries.report import FORMATS, read_report, write_report

    if fmt not in FORMATS:
        fail(f"--format must be md or html, got {fmt!r}")
    window = ProjectionOptions(since=since, until=until).parse()
    with conn.open() as (driver, settings):
        report = read_report(driver, since=window.since, until=window.until, database=settings.database)
    try:
        paths = write_report(report, out, [fmt])
    except EikgError as err:
        fail(str(err))
    typer.echo(f"wrote {', '.join(str(p) for p in paths)}: {len(report.partnerships)} partnerships")


@command(app, "demo")
def demo_command(
    corpus: Annotated[
        Optional[str],
        typer.Option("--corpus", help="Folder or file of articles (default: the sample corpus in data/)."),
    ] = None,
    out: Annotated[str, typer.Option("--out", help="Folder for map.html, graph.ttl and report.md.")] = "out",
    merges: MergesOpt = MERGES,
    conn: Connection = Connection(),
) -> None:
    """The main job: ingest a corpus, print a summary and write the map, RDF and report."""
    from eikg.demo import SAMPLE_CORPUS, run_demo
    from eikg.ingest.sources import count_articles

    source = Path(corpus) if corpus else SAMPLE_CORPUS
    total = count_articles([str(source)]) if source.exists() else 0
    with conn.open() as (driver, settings), progress_bar("ingesting", total) as advance:
        result = run_demo(
            driver, source, Path(out), merges=Path(merges), database=settings.database,
            progress=advance, warn=_warn,
        )
    typer.echo(result.summary())


if __name__ == "__main__":  # pragma: no cover
    app()
