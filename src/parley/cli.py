"""The `parley` command line (Typer + rich)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from parley.store import DEFAULT_DB, Store

app = typer.Typer(help="Parley: political event data (PLOVER) from news text.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
eval_app = typer.Typer(help="Score each stage against public gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
# Pipes and CI logs get a wide table rather than rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders (.txt, .html, .jsonl).")]


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)  # one line, however long
    raise typer.Exit(code)


@contextmanager
def progress_bar() -> Iterator[Any]:
    with Progress(TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=False,
                  disable=not err_console.is_terminal) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


WAIT_FOR_STORE = {"seconds": 0.0}  # set by the global --wait option


@app.callback()
def main_options(wait: Annotated[float, typer.Option(
        "--wait", min=0, help="Seconds to wait for a database another process is using (default: fail at once).")
        ] = 0.0) -> None:
    """Parley: political event data (PLOVER) from news text."""
    WAIT_FOR_STORE["seconds"] = wait


def open_store(db: Path, read_only: bool = False) -> Store:
    from parley.store import StoreBusy

    try:
        return Store(db, read_only=read_only, wait=WAIT_FOR_STORE["seconds"])
    except (FileNotFoundError, StoreBusy) as err:
        fail(str(err))
    except Exception as err:  # duckdb raises IOException etc. for locked/corrupt files
        fail(f"cannot open database {db}: {err}")
    raise AssertionError  # unreachable


def report_problems(problems: list[Any]) -> int:
    fatal = 0
    for problem in problems:
        level = "[red]skipped[/]" if problem.fatal else "[yellow]warning[/]"
        err_console.print(f"{level} {problem}", highlight=False)
        fatal += problem.fatal
    return fatal


@app.command()
def ingest(paths: PathsArg, db: DbOption = Path(DEFAULT_DB)) -> None:
    """Read and clean documents into the store (same content twice is stored once)."""
    from parley.pipeline import ingest_only

    with open_store(db) as store, progress_bar() as update:
        report = ingest_only(paths, store, update)
    fatal = report_problems(report.problems)
    console.print(f"ingested {report.documents} new documents, {report.skipped} already stored"
                  + (f", {fatal} skipped" if fatal else ""))
    if not report.documents and not report.skipped:
        raise typer.Exit(1)


@app.command()
def run(paths: PathsArg, db: DbOption = Path(DEFAULT_DB),
        reprocess: Annotated[bool, typer.Option(help="Code documents again even if stored.")] = False,
        max_chars: Annotated[int | None, typer.Option(
            min=1000, help="Most characters of text coded per document (default 500,000); a longer "
                           "one is cut at a paragraph, with a warning.")] = None,
        workers: Annotated[int | None, typer.Option(
            min=1, help="Processes coding batches of 200 documents at once (default: one per core); "
                        "the events stored are the same with any number.")] = None) -> None:
    """Ingest and run the full pipeline: clean, parse, actors, events, time, places, stories."""
    from parley.pipeline import MAX_CHARS, default_workers, run_paths

    with open_store(db) as store, progress_bar() as update:
        report = run_paths(paths, store, update, reprocess=reprocess, max_chars=max_chars or MAX_CHARS,
                           workers=workers or default_workers())
    fatal = report_problems(report.problems)
    console.print(f"processed {report.documents} documents, {report.events} events; "
                  f"{report.skipped} already coded" + (f"; {fatal} skipped" if fatal else ""))
    if not report.documents and not report.skipped:
        raise typer.Exit(1)


def _actors_text(actors: list[dict[str, Any]] | None) -> str:
    return "; ".join(f"{a.get('name') or a['text']} ({a.get('country') or '?'}/{a.get('sector') or '?'})"
                     for a in actors or [])


@app.command()
def events(db: DbOption = Path(DEFAULT_DB),
           type: Annotated[str | None, typer.Option("--type", help="PLOVER type, e.g. ASSAULT.")] = None,
           actor: Annotated[str | None, typer.Option(help="Actor text, name or id contains.")] = None,
           country: Annotated[str | None, typer.Option(help="ISO3 or IGO code of source/target.")] = None,
           since: Annotated[str | None, typer.Option(help="ISO date, inclusive.")] = None,
           until: Annotated[str | None, typer.Option(help="ISO date, inclusive.")] = None,
           limit: Annotated[int, typer.Option(help="Rows to show.")] = 50) -> None:
    """Show coded events as a table."""
    from parley.model import PLOVER_TYPES
    from parley.store import is_date_filter

    if type and type.upper() not in PLOVER_TYPES:
        fail(f"unknown event type {type!r}; one of {', '.join(PLOVER_TYPES)}")
    for name, value in (("--since", since), ("--until", until)):
        if value and not is_date_filter(value):
            fail(f"{name} {value!r} is no date: give YYYY, YYYY-MM or YYYY-MM-DD")
    with open_store(db, read_only=True) as store:
        rows = store.events(event_type=type, actor=actor, country=country, since=since,
                            until=until, limit=limit)
    table = Table(title=f"{len(rows)} events", show_lines=False)
    table.add_column("date", no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("source", ratio=2)
    table.add_column("target", ratio=2)
    table.add_column("where", ratio=1)
    table.add_column("sentence", ratio=4)
    for r in rows:
        flags = " ".join(f for f in ("negated", "future", "hypothetical", "historical") if r.get(f))
        event = r["event_type"] + (f":{r['mode']}" if r["mode"] else "") + (f"\n[dim]{flags}[/]" if flags else "")
        table.add_row(f"{r['date'] or '-'}\n[dim]{r['date_precision']}[/]", event,
                      _actors_text(r["source"]), _actors_text(r["target"]),
                      (r["location"] or {}).get("name", ""), r["sentence"][:160])
    console.print(table)


@app.command()
def export(out: Annotated[Path, typer.Argument(help="Output file.")],
           format: Annotated[str, typer.Option("--format", help="jsonl, csv or parquet.")] = "jsonl",
           db: DbOption = Path(DEFAULT_DB),
           documents: Annotated[bool, typer.Option(help="Export documents instead of events.")] = False) -> None:
    """Export events (or documents) to a file."""
    from parley.export import FORMATS, export_documents, export_events

    if format not in FORMATS:
        fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if out.is_dir():
        fail(f"{out} is a folder; give the file to write, e.g. {out / ('events.' + format)}")
    if not out.parent.is_dir():
        fail(f"no folder {out.parent} to write {out.name} in")
    with open_store(db, read_only=True) as store:
        count = export_documents(store, out) if documents else export_events(store, out, format)
    console.print(f"wrote {count} {'documents' if documents else 'events'} to {out}")


@app.command()
def stats(db: DbOption = Path(DEFAULT_DB)) -> None:
    """Counts of documents, events by type, actors and dates."""
    with open_store(db, read_only=True) as store:
        summary = store.summary()
    console.print(f"documents: {summary['documents']} ({summary['documents_dated']} with a publication date)")
    console.print(f"events: {summary['events']} in {summary['stories']} stories, "
                  f"dated {summary['first_date']} .. {summary['last_date']}")
    table = Table("event type", "count", "")
    rows = summary["by_type"]
    top = max((r["n"] for r in rows), default=1)
    for r in rows:
        table.add_row(r["event_type"], str(r["n"]), "█" * max(1, round(30 * r["n"] / top)))
    console.print(table)


@app.command()
def actors(db: DbOption = Path(DEFAULT_DB), limit: int = 50) -> None:
    """Actors with their mention counts."""
    with open_store(db, read_only=True) as store:
        rows = store.actor_counts(limit)
    table = Table("actor_id", "country", "sector", "mentions", "docs", "surface forms")
    for r in rows:
        table.add_row(r["actor_id"], r["country"] or "", r["sector"] or "", str(r["mentions"]),
                      str(r["docs"]), (r["forms"] or "")[:80])
    console.print(table)


@app.command()
def actor(name: str, db: DbOption = Path(DEFAULT_DB)) -> None:
    """One actor: aliases, roles and events over time."""
    with open_store(db, read_only=True) as store:
        people = store.query("SELECT * FROM people WHERE lower(name) LIKE ? OR lower(CAST(aliases AS VARCHAR)) LIKE ?",
                             [f"%{name.lower()}%"] * 2)
        ids = [p["actor_id"] for p in people] or [name.upper()]
        evs = [e for e in store.events() if any(a.get("actor_id") in ids for a in e["source"] + e["target"])]
    if not people and not evs:
        fail(f"no actor matches {name!r}")
    for p in people:
        console.print(f"[bold]{p['name']}[/] ({p['actor_id']})")
        console.print(f"  aliases: {', '.join(json.loads(p['aliases']))}")
        for role in json.loads(p["roles"]):
            console.print(f"  role: {role['country'] or '?'}/{role['sector'] or '?'} "
                          f"'{role['title'] or ''}' from {role['valid_from'] or '?'}")
    by_month = Counter((e["date"] or "undated")[:7] for e in evs)
    for month, count in sorted(by_month.items()):
        console.print(f"  {month}  {'█' * count} {count}")
    for e in evs[:30]:
        console.print(f"  {e['date'] or '-'} {e['event_type']:<9} {e['sentence'][:100]}", highlight=False)


@app.command()
def search(text: str, db: DbOption = Path(DEFAULT_DB), limit: int = 10) -> None:
    """Full-text search over document titles and text (BM25)."""
    with open_store(db, read_only=True) as store:
        try:
            hits = store.search(text, limit)
        except Exception as err:
            fail(str(err))
    for h in hits:
        console.print(f"{h['score']:.2f}  {h['doc_id']}  {h['title'] or ''}")



@app.command()
def serve(db: DbOption = Path(DEFAULT_DB), host: str = "127.0.0.1", port: int = 8000) -> None:
    """The web UI and JSON API over the store (read-only): browse, filter and read events
    in their documents at http://HOST:PORT/, the API's own docs at /docs."""
    import uvicorn

    from parley.api import create_app

    try:
        web = create_app(db)
    except FileNotFoundError as err:
        fail(str(err))
    except Exception as err:  # duckdb: locked or corrupt file
        fail(f"cannot open database {db}: {err}")
    console.print(f"Parley on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops it")
    uvicorn.run(web, host=host, port=port, log_level="warning")



@app.command()
def spark(paths: PathsArg,
          out: Annotated[Path, typer.Option("--out", help="Output folder (must not exist): events/, documents/, ...")],
          format: Annotated[str, typer.Option("--format", help="parquet (the export schema) or jsonl.")] = "parquet",
          master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[*]",
          partitions: Annotated[int | None, typer.Option(help="Partitions to code in (default: the cluster's parallelism).")] = None) -> None:
    """Code a corpus on Spark (the same pipeline, partition by partition) into an output
    folder that `parley load` brings into a store."""
    from parley.spark import FORMATS

    if format not in FORMATS:
        fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        fail("PySpark is not installed: pip install 'parley[spark]'")
    from parley.spark import run_spark

    try:
        report = run_spark([str(p) for p in paths], out, master, partitions, format)
    except FileExistsError as err:
        fail(str(err))
    for problem in report.problems:
        err_console.print(f"[yellow]problem[/] {problem}", highlight=False)
    if not report.documents:
        fail("no documents coded")
    console.print(f"coded {report.documents} documents, {report.events} events into {out} ({format}); "
                  f"`parley load {out}` stores them", highlight=False)


@app.command()
def load(folder: Annotated[Path, typer.Argument(help="The --out folder of `parley spark`.")],
         db: DbOption = Path(DEFAULT_DB)) -> None:
    """Bring a `parley spark` output into the store (loading it again changes nothing), then
    build story ids and the search index as `parley run` does, ready for `parley serve`."""
    import duckdb

    from parley.spark import NotSparkOutput, load_output, read_manifest

    try:
        read_manifest(folder)  # before opening the store: a wrong folder creates no database
    except NotSparkOutput as err:
        fail(str(err))
    with open_store(db) as store:
        try:
            report = load_output(folder, store)
        except (NotSparkOutput, duckdb.Error) as err:  # duckdb: a part file cut short, say
            fail(f"cannot load {folder}: {' '.join(str(err).split())}")
    console.print(f"loaded {report.documents} documents, {report.events} events from {folder} into {db}",
                  highlight=False)


train_app = typer.Typer(help="Train the project's models from public data.", no_args_is_help=True)
app.add_typer(train_app, name="train")
DataOption = Annotated[Path | None, typer.Option("--data", help="Score another file of the same format.")]


def print_figures(figures: list[Any]) -> None:
    """Figures last, one per line (the contract of every `parley eval`)."""
    for figure in figures:
        console.print(figure.line(), highlight=False)


def _run_eval(module: str, data: Path | None, dataset: str) -> None:
    import importlib

    if data is not None and not data.exists():
        fail(f"evaluation data not found: {data}")
    evaluation = importlib.import_module(f"parley.evaluation.{module}")
    try:
        figures = evaluation.run(data, dataset)
    except FileNotFoundError as err:
        fail(str(err))
    except KeyError as err:
        fail(f"unknown data set {dataset!r}" if str(err).strip("'") == dataset
             else f"data file lacks the field {err}")
    except (ValueError, UnicodeDecodeError) as err:
        fail(f"cannot read evaluation data: {err}")
    print_figures(figures)


@eval_app.command("events")
def eval_events(data: DataOption = None,
                dataset: Annotated[str, typer.Option(help="plover, conflibert, case2021, realnews or all.")] = "all") -> None:
    """PLOVER type accuracy/macro-F1 and actor countries; ConfliBERT penta-class; CASE 2021;
    the project's real-news test split (Parley's coder, rules alone, model alone, model types)."""
    _run_eval("events", data, dataset)


@eval_app.command("actors")
def eval_actors(data: DataOption = None,
                dataset: Annotated[str, typer.Option(help="ngec, plover or all.")] = "all") -> None:
    """Country and sector accuracy of actor phrases (NGEC expectations, PLOVER gold actors)."""
    _run_eval("actors", data, dataset)


@eval_app.command("clean")
def eval_clean(data: DataOption = None) -> None:
    """Scrapinghub article-extraction benchmark: Parley vs trafilatura (F1, P, R, accuracy, ms/doc)."""
    _run_eval("clean", data, "all")


@eval_app.command("time")
def eval_time(data: DataOption = None) -> None:
    """TempEval-3 style value F1 of normalised time expressions on TimeBank/AQUAINT."""
    _run_eval("time", data, "all")


@eval_app.command("stories")
def eval_stories(data: DataOption = None) -> None:
    """Story grouping of documents on ECB+: B-cubed precision, recall and F1."""
    _run_eval("stories", data, "all")


@eval_app.command("places")
def eval_places(data: DataOption = None,
                dataset: Annotated[str, typer.Option(help="lgl, geowebnews or all.")] = "all") -> None:
    """Geoparsing: accuracy within 161 km given gold mentions, and end-to-end F1."""
    _run_eval("places", data, dataset)


@train_app.command("events")
def train_events(data: DataOption = None,
                 epochs: Annotated[int | None, typer.Option(min=1, help="Passes over the training data (default 3).")] = None,
                 out: Annotated[Path | None, typer.Option(help="Where to write the model.")] = None,
                 if_stale: Annotated[bool, typer.Option(
                     "--if-stale", help="Train only if the model at --out was made from other data or another recipe.")
                 ] = False) -> None:
    """Fine-tune the event-type model (MiniLM, 16 PLOVER types + none) on the real-news
    train split and the synthetic stories (--data), calibrated on the dev split."""
    from parley.evaluation.metrics import default_data
    from parley.events.classifier import EventTypeModel, TrainConfig, model_path
    from parley.events.training import STORIES, train_event_model, training_fingerprint
    from parley.realnews import CorpusError

    if data is not None and not data.exists():
        fail(f"training data not found: {data}")
    config = TrainConfig(epochs=epochs) if epochs else TrainConfig()
    if if_stale:
        stored = EventTypeModel.stored_info(out)
        wanted = training_fingerprint(data if data is not None else default_data(STORIES), config)
        if stored is not None and stored.get("fingerprint") == wanted:
            console.print(f"event model up to date: {out or model_path()}")
            return
    try:
        with progress_bar() as update:
            model, report = train_event_model(data, config,
                                              lambda done, total: update("train", done, total))
    except (CorpusError, FileNotFoundError, ValueError) as err:
        fail(str(err))
    path = model.save(out)
    console.print(f"trained on {report.examples} sentences ({report.realnews} real news, "
                  f"{report.stories} synthetic ledes); dev: threshold {report.threshold}, "
                  f"type macro-F1 {report.dev_macro_f1:.3f}", highlight=False)
    rows = ", ".join(f"{t} {r:.2f}/{m:.2f}" for t, (r, m) in report.precision.items())
    console.print(f"dev precision rules/model: {rows}", highlight=False)
    console.print(f"rules trusted over the model for: {', '.join(report.rule_trusted) or 'none'}",
                  highlight=False)
    console.print(f"wrote {path}")


realnews_app = typer.Typer(help="The project's annotated real-news corpus (docs/annotation.md).",
                           no_args_is_help=True)
app.add_typer(realnews_app, name="realnews")


@realnews_app.command("sample")
def realnews_sample(seed: Annotated[int, typer.Option(help="Random seed of the draw.")] = 14,
                    force: Annotated[bool, typer.Option(help="Overwrite an existing sample.")] = False) -> None:
    """Draw the corpus's sentences from ../shared again (how data/realnews/sentences.jsonl was made)."""
    from parley.realnews import REPO_DATA, SENTENCES_FILE, sample, write_sample

    if (REPO_DATA / SENTENCES_FILE).exists() and not force:
        fail(f"{REPO_DATA / SENTENCES_FILE} exists and its sentences are annotated; --force to redraw")
    refs = sample(seed)
    console.print(f"wrote {len(refs)} sentences of {len({(r.corpus, r.doc_id) for r in refs})} "
                  f"documents to {write_sample(refs)}")


@realnews_app.command("show")
def realnews_show(split: Annotated[str | None, typer.Option(help="train, dev or test.")] = None,
                  limit: Annotated[int, typer.Option(help="Sentences to print.")] = 20) -> None:
    """Print annotated sentences, rebuilt from ../shared, with their events."""
    from parley.realnews import CorpusError, load_annotations

    try:
        sentences = load_annotations(split=split)
    except (CorpusError, FileNotFoundError) as err:
        fail(str(err))
    for s in sentences[:limit]:
        console.print(f"[bold]{s.ref.sid}[/] ({s.ref.split}) {s.text}", highlight=False)
        for e in s.events:
            src = ", ".join(f"{s.text[a.start:a.end]} {a.country or '-'}/{a.sector or '-'}" for a in e.source)
            tgt = ", ".join(f"{s.text[a.start:a.end]} {a.country or '-'}/{a.sector or '-'}" for a in e.target)
            flags = " ".join(f for f in ("negated", "future", "hypothetical") if getattr(e, f))
            console.print(f"    {e.event_type}:{e.mode or ''} '{s.text[e.trigger[0]:e.trigger[1]]}' "
                          f"[{src}] -> [{tgt}] {flags}", highlight=False)


@realnews_app.command("stats")
def realnews_stats() -> None:
    """Sentences, documents and events per corpus and split, and the agreement of the second pass."""
    from parley.realnews import CorpusError, agreement, corpus_stats

    try:
        for line in corpus_stats():
            console.print(line, highlight=False)
        print_figures(agreement())
    except (CorpusError, FileNotFoundError) as err:
        fail(str(err))


@realnews_app.command("import")
def realnews_import(files: Annotated[list[Path], typer.Argument(help="Annotators' JSONL files (span texts).")],
                    annotator: Annotated[str, typer.Option(help="Who annotated them.")],
                    second_pass: Annotated[bool, typer.Option(help="Write the second, independent pass.")] = False) -> None:
    """Turn annotations written with span texts into the stored form (character offsets)."""
    from parley.realnews import CorpusError, import_annotations

    try:
        count, problems = import_annotations(files, annotator, second_pass)
    except (CorpusError, FileNotFoundError, ValueError) as err:
        fail(str(err))
    for problem in problems:
        err_console.print(f"skipped: {problem}", highlight=False)
    console.print(f"stored {count} annotated sentences")


bench_app = typer.Typer(help="Throughput and latency figures.")
app.add_typer(bench_app, name="bench")


@bench_app.callback(invoke_without_command=True)
def bench(ctx: typer.Context,
          data: Annotated[Path | None, typer.Option(
              help="Corpus (any input `parley run` reads; default: the ECB+ news articles in ../shared).")] = None,
          limit: Annotated[int, typer.Option(
              min=1, help="Documents to run; a smaller corpus is repeated, each copy with a sentence of its own.")
              ] = 400,
          workers: Annotated[str, typer.Option(help="Worker counts to time, comma-separated.")] = "1,2",
          baseline: Annotated[bool, typer.Option(help="Time spaCy's parse alone of the same texts.")] = True
          ) -> None:
    """`parley run` on real news beside spaCy's parse alone: CPU ratio, words/s per core,
    CPU time by stage, peak memory, for each worker count."""
    if ctx.invoked_subcommand is not None:
        return
    from parley.bench import DEFAULT_DATA, run_bench

    chosen = data or DEFAULT_DATA
    if not chosen.exists():
        fail(f"no corpus at {chosen}: give one with --data")
    try:
        counts = [int(n) for n in workers.split(",") if n.strip()]
    except ValueError:
        fail(f"--workers takes numbers separated by commas, not {workers!r}")
    if not counts or min(counts) < 1:
        fail("--workers needs at least one count of 1 or more")
    for line in run_bench(chosen, limit, counts, baseline).lines():
        console.print(line, highlight=False)


@bench_app.command("api")
def bench_api(events: Annotated[int, typer.Option(min=100, help="Events in the synthetic store.")] = 1_000_000,
              clients: Annotated[int, typer.Option(min=1, help="Concurrent clients in the load test.")] = 50,
              seconds: Annotated[float, typer.Option(min=1, help="How long the load test runs.")] = 20.0,
              db: Annotated[Path | None, typer.Option(
                  "--db", help="Store file to make, or reuse when it holds this many events "
                               "(default: parley-bench-EVENTS.duckdb here).")] = None) -> None:
    """The web API on a synthetic store of --events events: each query's median and p95
    latency alone, then requests per second, p50 and p99 under --clients clients while an
    export streams."""
    from parley.bench_api import run_api_bench

    path = db or Path(f"parley-bench-{events}.duckdb")
    for figure in run_api_bench(path, events, clients, seconds,
                                report=lambda line: err_console.print(line, highlight=False)):
        console.print(figure.line(), highlight=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
