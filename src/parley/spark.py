"""Scale-out: the same pipeline over a corpus on a Spark cluster (`parley spark`).

Files are read by the executors (`binaryFiles`, so any path Spark can read: local, NFS, HDFS,
S3 with the right Hadoop libraries), parsed by `parley.ingest.read_data`, made unique by
content hash and coded partition by partition with `parley.pipeline.process_documents`, the
very code `parley run` calls. Stories across the whole corpus are assigned on the driver from
the events' keys and each document's MinHash signature (64 numbers) and lead (its first
150 words), not its whole text. The output
is two folders of JSON-lines part files: `events/` in the export schema (`parley export
--format jsonl`) and `documents/` (doc_id, title, source, url, published, text).

What differs from `parley run`: people's roles learned from one document resolve later names
in the same partition only (each partition starts from the knowledge base), and nothing is
written to a DuckDB store. Every executor needs Parley installed (and, to use the event
classifier, the trained model in its cache folder).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.dedup import lead_words
from parley.ingest import iter_files

EVENT_FIELDS_FOR_STORIES = ("event_id", "doc_id", "event_type", "source", "target", "date")


@dataclass
class SparkReport:
    documents: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)


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
    (with its MinHash signature) and an 'event' record per event, in the export schema."""
    from parley.actors import ActorRegistry, load_knowledge
    from parley.dedup import signature
    from parley.export import event_record
    from parley.model import Document
    from parley.pipeline import not_coded_reason, process_documents

    docs = [Document(**row) for row in rows]
    if not docs:
        return
    kept = process_documents(docs, ActorRegistry(load_knowledge()))
    for doc in docs:
        if doc not in kept:
            yield {"problem": f"{doc.origin}: {not_coded_reason(doc)}"}
    for doc in kept:
        meta = {"doc_title": doc.title, "doc_source": doc.source, "doc_published": doc.published}
        yield {"document": {"doc_id": doc.doc_id, "title": doc.title, "source": doc.source,
                            "url": doc.url, "published": doc.published, "text": doc.text},
               "signature": signature(doc.text)}
        for event in doc.events:
            yield {"event": {**event_record(event.to_dict()), **meta}}


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


def run_spark(paths: Iterable[str], out: Path, master: str = "local[*]",
              partitions: int | None = None) -> SparkReport:
    """Code every document under `paths` on Spark and write `out/events` and
    `out/documents` (JSON lines). Raises FileExistsError if `out` exists."""
    from pyspark.sql import SparkSession

    from parley.dedup import assign_stories, minhash_of

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
        light = coded.filter(lambda r: "problem" not in r).map(_story_record).collect()
        events = [r["event"] for r in light if "event" in r]
        doc_info = {r["doc_id"]: r for r in light if "doc_id" in r}
        signatures = {doc_id: minhash_of(r["signature"]) for doc_id, r in doc_info.items()}
        stories = sc.broadcast(assign_stories(events, doc_info, signatures))

        def with_story(record: dict[str, Any]) -> str:
            event = dict(record["event"])
            story_id, articles, sources = stories.value[event["event_id"]]
            event.update(story_id=story_id, num_articles=articles, num_sources=sources)
            return json.dumps(event, ensure_ascii=False)

        coded.filter(lambda r: "event" in r).map(with_story).saveAsTextFile(str(out / "events"))
        coded.filter(lambda r: "document" in r).map(
            lambda r: json.dumps(r["document"], ensure_ascii=False)).saveAsTextFile(str(out / "documents"))
        report.documents, report.events = len(doc_info), len(events)
    finally:
        spark.stop()
    return report


def read_output(folder: Path) -> list[dict[str, Any]]:
    """The records of one output folder (`out/events` or `out/documents`), all part files."""
    records = []
    for part in sorted(folder.glob("part-*")):
        with part.open(encoding="utf-8") as fh:
            records += [json.loads(line) for line in fh if line.strip()]
    return records
