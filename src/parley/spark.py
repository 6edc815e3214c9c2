"""Scale-out: the same pipeline over a corpus on a Spark cluster (`parley spark`), and the
way back into a DuckDB store (`parley load`).

Files are read by the executors (`binaryFiles`, so any path Spark can read: local, NFS, HDFS,
S3 with the right Hadoop libraries), parsed by `parley.ingest.read_data`, made unique by
content hash and coded partition by partition with `parley.pipeline.process_documents`, the
very code `parley run` calls. Stories across the whole corpus are assigned on the driver from
the events' keys and each document's MinHash signature (64 numbers) and lead (its first
150 words), not its whole text.

The output folder (Parquet by default, or JSON lines; one part file per partition):

    events/         the export schema, as `parley export --format parquet` (or jsonl) writes it
    event_details/  event_id and what the flat export joins into text: source, target and
                    location as JSON, source_countries and target_countries
    documents/      the documents as the store keeps them (doc_id, origin, fmt, title, source,
                    url, author, published, dateline, text, warnings)
    mentions/       actor mentions (the web app's actor counts), quotes/, and people/ (the
                    roles the texts taught, for later runs and `parley actor`)
    parley.json     written last: layout version, format and counts (no parley.json: the job
                    did not finish, and `parley load` refuses the folder)

What differs from `parley run`: people's roles learned from one document resolve later names
in the same partition only (each partition starts from the knowledge base). Every executor
needs Parley installed (and, to use the event classifier, the trained model in its cache
folder).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parley.dedup import lead_words
from parley.ingest import iter_files
from parley.store import EVENT_COLUMNS, LOADED_TABLES, nested_event_columns

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

    from parley.store import Store

EVENT_FIELDS_FOR_STORIES = ("event_id", "doc_id", "event_type", "source", "target", "date")
FORMATS = ("parquet", "jsonl")
MANIFEST = "parley.json"
LAYOUT = 1  # raised when the folders or their columns change: an older `parley load` refuses

# The folders besides events/ and their columns: "json" columns hold JSON text in Parquet
# and nested values in JSON lines; "strings" is a list of text. Columns are named as in the
# store (parley.store's *_row functions make the rows).
TABLES: dict[str, dict[str, str]] = {
    "event_details": {"event_id": "string", "source": "json", "target": "json", "location": "json",
                      "source_countries": "strings", "target_countries": "strings"},
    "documents": {"doc_id": "string", "origin": "string", "fmt": "string", "title": "string",
                  "source": "string", "url": "string", "author": "string", "published": "string",
                  "dateline": "string", "text": "string", "warnings": "json"},
    "mentions": {"doc_id": "string", "text": "string", "start_char": "int64", "end_char": "int64",
                 "label": "string", "actor_id": "string", "country": "string", "sector": "string"},
    "quotes": {"doc_id": "string", "sentence_index": "int64", "speaker": "json", "text": "string"},
    "people": {"actor_id": "string", "name": "string", "aliases": "json", "roles": "json"},
}
FOLDERS = ("events", *TABLES)
# Arrow type names (as str() of the type gives them, export.flat_schema's included) -> DuckDB
DUCKDB_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN",
                "json": "JSON", "strings": "VARCHAR[]"}


@dataclass
class SparkReport:
    documents: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)


class NotSparkOutput(ValueError):
    """A folder `parley load` cannot take: not (all of) a `parley spark` output."""


def documents_of_file(item: tuple[str, bytes]) -> Iterator[dict[str, Any]]:
    """One input file's documents (as plain dicts, to travel between Spark stages), and a
    record for each problem met reading it."""
    from parley.ingest import read_data

    name, data = item
    path = Path(name.removeprefix("file:"))
    docs, problems = read_data(path, data)
    for problem in problems:
        yield {"problem": str(problem)}
    for doc in docs:
        yield {"doc_id": doc.doc_id, "origin": doc.origin, "raw": doc.raw, "fmt": doc.fmt,
               "title": doc.title, "source": doc.source, "url": doc.url, "author": doc.author,
               "published": doc.published, "warnings": doc.warnings}


def code_partition(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Clean and code one partition's documents; yields a 'document' record per document
    (its store row, MinHash signature, mentions and quotes), an 'event' record per event (in
    the export schema, with its 'details'), and a 'person' record per person the texts taught
    something (a role, an alias), as `parley run` stores them."""
    rows = list(rows)
    if not rows:  # before the imports: an empty partition need not load the language model
        return
    from parley.actors import ActorRegistry, load_knowledge
    from parley.dedup import signature
    from parley.export import event_record
    from parley.model import Document
    from parley.pipeline import not_coded_reason, process_documents
    from parley.store import document_row, mention_row, person_row, quote_row

    docs = [Document(**row) for row in rows]
    registry = ActorRegistry(load_knowledge())
    kept = process_documents(docs, registry)
    for doc in docs:
        if doc not in kept:
            yield {"problem": f"{doc.origin}: {not_coded_reason(doc)}"}
    for doc in kept:
        meta = {"doc_title": doc.title, "doc_source": doc.source, "doc_published": doc.published}
        yield {"document": document_row(doc), "signature": signature(doc.text),
               "mentions": [mention_row(doc.doc_id, m) for m in doc.mentions],
               "quotes": [quote_row(doc.doc_id, q) for q in doc.quotes]}
        for event in doc.events:
            data = event.to_dict()
            yield {"event": {**event_record(data), **meta},
                   "details": {"event_id": event.event_id, **nested_event_columns(data)}}
    # what a run stores of the registry: the people the texts taught something
    for person in registry.changed_people():
        yield {"person": person_row(person)}


def merge_people(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per person from what several partitions learned: every alias and role any
    of them taught, in the order met, and the fullest form of the name (as one run would)."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        known = merged.get(row["actor_id"])
        if known is None:
            merged[row["actor_id"]] = {**row, "aliases": list(row["aliases"]), "roles": list(row["roles"])}
            continue
        known["aliases"] += [a for a in row["aliases"] if a not in known["aliases"]]
        known["roles"] += [r for r in row["roles"] if r not in known["roles"]]
        if len(row["name"].split()) > len(known["name"].split()):
            known["name"] = row["name"]
    return list(merged.values())


def _story_record(record: dict[str, Any]) -> dict[str, Any]:
    """What story assignment needs of a coded record: an event's keys, or a document's id,
    source, date, lead and signature."""
    if "event" in record:
        return {"event": {key: record["event"][key] for key in EVENT_FIELDS_FOR_STORIES}}
    document = record["document"]
    return {"doc_id": document["doc_id"], "source": document["source"], "published": document["published"],
            "text": lead_words(document["text"]), "signature": record["signature"]}


def input_files(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """Local paths expanded into files (folders recursively); other URIs (hdfs://, s3a://)
    are handed to Spark as they are."""
    files: list[str] = []
    problems: list[str] = []
    for raw in paths:
        if "://" in raw:
            files.append(raw)
            continue
        for path, problem in iter_files([raw]):
            if problem:
                problems.append(str(problem))
            elif path is not None:
                files.append(str(path.resolve()))
    return files, problems


def arrow_schema(table: str) -> Any:
    """The Arrow schema of an output folder's Parquet files: events/ is the export's."""
    import pyarrow as pa

    from parley.export import flat_schema

    if table == "events":
        return flat_schema()
    types = {"string": pa.string(), "int64": pa.int64(), "json": pa.string(), "strings": pa.list_(pa.string())}
    return pa.schema([(column, types[kind]) for column, kind in TABLES[table].items()])


def _arrow_rows(records: Iterable[dict[str, Any]], table: str) -> Iterator[tuple[Any, ...]]:
    """One partition's rows of an output folder as tuples in column order, made through
    Arrow with the folder's schema (events: the export's own flattening) so that every value
    has its column's type (an integer intensity becomes a float) before Spark checks it."""
    import pyarrow as pa

    from parley.export import flat_table

    if table == "events":
        arrow = flat_table(list(records))
    else:
        kinds = TABLES[table]
        rows = [{c: json.dumps(r[c]) if kind == "json" and r[c] is not None else r[c]
                 for c, kind in kinds.items()} for r in records]
        arrow = pa.Table.from_pylist(rows, schema=arrow_schema(table))
    for row in arrow.to_pylist():
        yield tuple(row.values())


def _save(spark: SparkSession, records: RDD[dict[str, Any]], folder: str, table: str, fmt: str) -> None:
    """Write one output folder: Parquet through Spark's DataFrame writer (any file system
    Spark writes to), or JSON lines (events nested, as `parley export --format jsonl`)."""
    if fmt == "jsonl":
        records.map(lambda r: json.dumps(r, ensure_ascii=False)).saveAsTextFile(folder)
        return
    from pyspark.sql.pandas.types import from_arrow_schema

    rows = records.mapPartitions(partial(_arrow_rows, table=table))
    spark.createDataFrame(rows, from_arrow_schema(arrow_schema(table))).write.parquet(folder)


def run_spark(paths: Iterable[str], out: Path, master: str = "local[*]",
              partitions: int | None = None, fmt: str = "parquet") -> SparkReport:
    """Code every document under `paths` on Spark and write the output folder `out` (see
    the module's docstring) in `fmt`, parquet or jsonl. Raises FileExistsError if `out`
    exists."""
    from pyspark.sql import SparkSession

    from parley.dedup import assign_stories, minhash_of

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if out.exists():
        raise FileExistsError(f"output folder exists: {out}")
    files, problems = input_files(paths)
    report = SparkReport(problems=problems)
    if not files:
        report.problems.append("no input files")
        return report
    # the executors' Python is this one, with Parley installed in it
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(master).appName("parley")
             .config("spark.ui.enabled", "false").getOrCreate())
    try:
        sc = spark.sparkContext
        sc.setLogLevel("ERROR")
        read = sc.binaryFiles(",".join(files)).flatMap(documents_of_file).cache()
        report.problems += [r["problem"] for r in read.filter(lambda r: "problem" in r).collect()]
        docs = (read.filter(lambda r: "doc_id" in r).keyBy(lambda r: r["doc_id"])
                .reduceByKey(lambda a, b: a if a["origin"] <= b["origin"] else b).values())
        coded = docs.repartition(partitions or sc.defaultParallelism).mapPartitions(code_partition).cache()
        report.problems += [r["problem"] for r in coded.filter(lambda r: "problem" in r).collect()]
        # stories over the whole corpus, on the driver, from small records only
        light = coded.filter(lambda r: "event" in r or "document" in r).map(_story_record).collect()
        events = [r["event"] for r in light if "event" in r]
        doc_info = {r["doc_id"]: r for r in light if "doc_id" in r}
        signatures = {doc_id: minhash_of(r["signature"]) for doc_id, r in doc_info.items()}
        stories = sc.broadcast(assign_stories(events, doc_info, signatures))

        def with_story(record: dict[str, Any]) -> dict[str, Any]:
            event = dict(record["event"])
            story_id, articles, sources = stories.value[event["event_id"]]
            event.update(story_id=story_id, num_articles=articles, num_sources=sources)
            return event

        coded_events = coded.filter(lambda r: "event" in r)
        coded_docs = coded.filter(lambda r: "document" in r)
        # people: what every partition learned, merged on the driver (a few rows per person)
        people = merge_people(r["person"] for r in coded.filter(lambda r: "person" in r).collect())
        tables = {"events": coded_events.map(with_story),
                  "event_details": coded_events.map(lambda r: r["details"]),
                  "documents": coded_docs.map(lambda r: r["document"]),
                  "mentions": coded_docs.flatMap(lambda r: r["mentions"]),
                  "quotes": coded_docs.flatMap(lambda r: r["quotes"]),
                  "people": sc.parallelize(people, 1)}
        for table, records in tables.items():
            _save(spark, records, str(out / table), table, fmt)
        report.documents, report.events = len(doc_info), len(events)
        # last: a folder without it is a job that did not finish, which `parley load` refuses
        manifest = {"parley": "spark output", "layout": LAYOUT, "format": fmt,
                    "documents": report.documents, "events": report.events}
        (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    finally:
        spark.stop()
    return report


def read_output(folder: Path) -> list[dict[str, Any]]:
    """The records of one output folder (`out/events`, `out/documents`, ...), all part files,
    Parquet or JSON lines."""
    parquet = sorted(folder.glob("*.parquet"))
    if parquet:
        import pyarrow.parquet as pq

        return [row for part in parquet for row in pq.read_table(part).to_pylist()]
    records = []
    for part in sorted(folder.glob("part-*")):
        with part.open(encoding="utf-8") as fh:
            records += [json.loads(line) for line in fh if line.strip()]
    return records


# ---- back into a store (`parley load`) ------------------------------------------------------
def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a complete `parley spark` output; NotSparkOutput (one line) otherwise."""
    if not folder.is_dir():
        raise NotSparkOutput(f"no folder {folder}")
    path = folder / MANIFEST
    if not path.is_file():
        raise NotSparkOutput(f"{folder} is not a Parley Spark output (no {MANIFEST}): give the --out "
                             "folder of a finished `parley spark`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise NotSparkOutput(f"cannot read {path}: {err}") from None
    if not isinstance(manifest, dict) or manifest.get("parley") != "spark output":
        raise NotSparkOutput(f"{path} is not the manifest of a Parley Spark output")
    if manifest.get("layout") != LAYOUT or manifest.get("format") not in FORMATS:
        raise NotSparkOutput(f"{folder} has layout {manifest.get('layout')!r}, format "
                             f"{manifest.get('format')!r}; this Parley reads layout {LAYOUT}, {' or '.join(FORMATS)}")
    missing = [name for name in FOLDERS if not (folder / name).is_dir()]
    if missing:
        raise NotSparkOutput(f"{folder} is an incomplete Parley Spark output: no {', '.join(missing)} folder")
    return manifest


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _select(folder: Path, columns: dict[str, str], fmt: str) -> str:
    """A query over one output folder's part files giving `columns` (name -> kind) with the
    store's types."""
    types = {column: DUCKDB_TYPES[kind] for column, kind in columns.items()}
    # the part files by name, not a glob: the folder's own name may hold * or [
    files = sorted(folder.glob("*.parquet" if fmt == "parquet" else "part-*"))
    if not files:  # (an output with no quotes at all)
        return "SELECT " + ", ".join(f"NULL::{t} AS {_name(c)}" for c, t in types.items()) + " WHERE false"
    names = "[" + ", ".join(_literal(str(f)) for f in files) + "]"
    if fmt == "parquet":
        casts = ", ".join(f"CAST({_name(c)} AS {t}) AS {_name(c)}" for c, t in types.items())
        return f"SELECT {casts} FROM read_parquet({names})"
    spec = "{" + ", ".join(f"{_literal(c)}: {_literal(t)}" for c, t in types.items()) + "}"
    return f"SELECT * FROM read_json({names}, format='newline_delimited', columns={spec})"


@dataclass
class LoadReport:
    documents: int
    events: int


def load_output(folder: Path, store: Store) -> LoadReport:
    """Bring a `parley spark` output folder into a store (one transaction; loading it again
    replaces what the first load stored), then build what `parley run` builds after storing:
    story ids over the whole store and the search index."""
    from parley.export import flat_schema
    from parley.pipeline import refresh_stories

    fmt = read_manifest(folder)["format"]
    nested = set(TABLES["event_details"]) - {"event_id"}
    scalars = {f.name: str(f.type) for f in flat_schema() if f.name in EVENT_COLUMNS and f.name not in nested}
    selects = {table: _select(folder / table, TABLES[table], fmt) for table in LOADED_TABLES if table != "events"}
    selects["events"] = (f"SELECT e.*, d.* EXCLUDE (event_id) FROM ({_select(folder / 'events', scalars, fmt)}) e "
                         f"LEFT JOIN ({_select(folder / 'event_details', TABLES['event_details'], fmt)}) d "
                         "USING (event_id)")
    documents, events = store.load_tables(selects)
    # what run_paths does once it has stored a batch: stories and search span the whole store
    refresh_stories(store)
    store.build_search_index()
    store.mark_stories_current()
    return LoadReport(documents, events)
