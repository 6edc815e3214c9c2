"""`parley bench`: what a user's `parley run` costs, beside spaCy's parse alone.

The corpus (by default real news: the ECB+ articles in ../shared) is written to a JSON-lines
file and run through `run_paths`, the code path of `parley run`, into a temporary store, once
per worker count. spaCy's parse of the same texts, with the pipeline Parley loads, runs in the
same process run. Costs are CPU seconds (getrusage of this process and its finished children,
i.e. the workers), so the figures hold on a shared machine where wall time does not: words per
CPU second are words per second per core. Also printed: CPU time by stage, peak memory, and
whether every worker count stored the same events.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.evaluation.metrics import SHARED_DATA
from parley.model import Document

DEFAULT_DATA = SHARED_DATA / "dedup" / "ecbplus_odd_topics.jsonl"
# Two batches of run_paths (BATCH_SIZE 200), so that two workers both have one: a few minutes
# on 2 cores, the event model included.
DEFAULT_LIMIT = 400
DEFAULT_WORKERS = (1, 2)
# Stages in the order a document meets them; "other" is what no stage accounts for (the
# workers' start, messages between processes).
STAGES = ("ingest", "clean", "parse", "actors", "events model", "rules", "time/place", "store",
          "stories", "search index", "workers start")
# The sentence a repeated article ends with, so that each copy is a document of its own
VARIANT = "\n\nThis article was reprinted as item {n}."


@dataclass
class Usage:
    """CPU seconds and peak resident memory (MB) of this process and of its children that
    have ended (a run's workers are joined before it returns)."""

    cpu: float
    wall: float
    rss_mb: float
    children_rss_mb: float

    @staticmethod
    def now() -> Usage:
        me = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return Usage(cpu=me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
                     wall=time.perf_counter(), rss_mb=me.ru_maxrss / 1024,  # (KB on Linux)
                     children_rss_mb=children.ru_maxrss / 1024)


@dataclass
class WorkerRun:
    """One `run_paths` over the corpus with a number of workers."""

    workers: int
    cpu_s: float
    wall_s: float
    documents: int
    events: int
    stages: dict[str, float]  # CPU seconds by stage, the workers' included
    rss_mb: float  # peak of the bench process so far (models loaded)
    children_rss_mb: float  # peak of the largest worker (pages shared with the parent count)


@dataclass
class BenchResult:
    corpus: str
    documents: int
    words: int
    model: bool
    setup_s: float
    spacy_cpu_s: float | None = None
    spacy_wall_s: float | None = None
    runs: list[WorkerRun] = field(default_factory=list)
    identical: bool | None = None  # every worker count stored the same events

    def lines(self) -> list[str]:
        out = [f"corpus: {self.corpus}, {self.documents:,} documents, {self.words:,} words; "
               f"event model: {'yes' if self.model else 'no (rules alone)'}",
               f"setup_once_s: {self.setup_s:.1f} (parser, knowledge base, gazetteer, model)"]
        if self.spacy_cpu_s:
            out.append(f"spacy_alone: {self.spacy_cpu_s:.1f} CPU s, {self.words / self.spacy_cpu_s:,.0f} "
                       f"words/s per core, {self.spacy_wall_s or 0:.1f} s wall")
        for run in self.runs:
            ratio = f"{run.cpu_s / self.spacy_cpu_s:.2f}x spaCy" if self.spacy_cpu_s else "no spaCy baseline"
            out.append(f"workers_{run.workers}: {ratio}; {run.cpu_s:.1f} CPU s, "
                       f"{self.words / run.cpu_s:,.0f} words/s per core; {run.wall_s:.1f} s wall, "
                       f"{self.words / run.wall_s:,.0f} words/s, {run.documents / run.wall_s:.1f} docs/s; "
                       f"peak RSS {run.rss_mb:,.0f} MB, largest worker {run.children_rss_mb:,.0f} MB; "
                       f"{run.documents:,} documents, {run.events:,} events")
        if self.runs:
            out.append("stage_cpu_ms_per_doc: " + " | ".join(f"workers {r.workers}" for r in self.runs)
                       + " (share of the run's CPU)")
            names = [s for s in STAGES if any(s in r.stages for r in self.runs)] + ["other"]
            for name in names:
                cells = []
                for run in self.runs:
                    spent = (run.cpu_s - sum(run.stages.values())) if name == "other" else run.stages.get(name, 0.0)
                    cells.append(f"{1000 * spent / max(1, self.documents):8.2f} ({100 * spent / run.cpu_s:4.1f}%)")
                out.append(f"  {name.replace(' ', '_') + ':':<14} " + " | ".join(cells))
        if self.identical is not None:
            out.append(f"events_identical_across_workers: {'yes' if self.identical else 'NO'}")
        return out


def variants(data: Path, limit: int) -> Iterator[Document]:
    """The first `limit` documents of data; past the corpus's end, its documents again, each
    copy with a sentence of its own (a distinct document id, as new articles would have).
    The corpus is read again for each round rather than held in memory."""
    from parley.ingest import iter_documents

    count = 0
    n = 0
    while count < limit:
        before = count
        for doc in iter_documents([data]):
            if count == limit:
                return
            if isinstance(doc, Document):
                if n:
                    doc.raw += VARIANT.format(n=n)
                yield doc
                count += 1
        if count == before:
            return  # (a corpus of no document)
        n += 1


def write_corpus(data: Path, limit: int, out: Path) -> int:
    """The first `limit` documents of data (repeated with variation if it has fewer) as a
    JSON-lines file, written as it is read; returns the number written."""
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for doc in variants(data, limit):
            record: dict[str, Any] = {"text": doc.raw}
            for key in ("title", "url", "published", "source", "author"):
                if getattr(doc, key):
                    record[key] = getattr(doc, key)
            fh.write(json.dumps(record) + "\n")
            written += 1
    return written


def _texts(corpus: Path) -> Iterator[str]:
    """The texts Parley parses: each document cleaned, cut to MAX_CHARS, dateline blanked."""
    from parley.ingest import iter_documents
    from parley.nlp import text_for_parsing
    from parley.pipeline import MAX_CHARS, _clean_within, limit_length

    for doc in iter_documents([corpus]):
        if isinstance(doc, Document):
            _clean_within(doc, MAX_CHARS)
            limit_length(doc, MAX_CHARS)
            if doc.text.strip():
                yield text_for_parsing(doc)


def run_bench(data: Path = DEFAULT_DATA, limit: int = DEFAULT_LIMIT,
              workers: tuple[int, ...] | list[int] = DEFAULT_WORKERS, baseline: bool = True,
              batch_size: int | None = None) -> BenchResult:
    """Time spaCy alone, then `run_paths` with each worker count, on the first `limit`
    documents of data. batch_size: run_paths' (tests make it small to have several)."""
    from parley.actors import load_knowledge
    from parley.events.classifier import default_classifier
    from parley.export import event_records
    from parley.nlp import PARSE_BATCH, load_nlp
    from parley.pipeline import BATCH_SIZE, StageTimer, _warm_up, run_paths
    from parley.places import load_gazetteer
    from parley.store import Store

    start = time.perf_counter()
    nlp = load_nlp()
    load_gazetteer()
    from parley.actors import ActorRegistry

    model = default_classifier()
    _warm_up(ActorRegistry(load_knowledge()), model)  # every lazy load, out of the timings
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        # ... the store's and the stories' too: a run of one document
        write_corpus(data, 1, Path(tmp) / "one.jsonl")
        with Store(Path(tmp) / "warm-up.duckdb") as store:
            run_paths([Path(tmp) / "one.jsonl"], store)
    setup = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        count = write_corpus(data, limit, corpus)
        words = sum(len(text.split()) for text in _texts(corpus))
        result = BenchResult(corpus=f"{data.name} (first {count:,})", documents=count, words=words,
                             model=model is not None, setup_s=setup)
        if baseline:
            texts = list(_texts(corpus))  # (read before the clock starts)
            before = Usage.now()
            # (in the batches the pipeline parses in: the same work, measured alike)
            for _ in nlp.pipe(texts, batch_size=PARSE_BATCH):
                pass
            after = Usage.now()
            del texts
            result.spacy_cpu_s, result.spacy_wall_s = after.cpu - before.cpu, after.wall - before.wall
        first: list[dict[str, Any]] | None = None
        for n in workers:
            timer = StageTimer()
            db = Path(tmp) / f"workers-{n}.duckdb"
            before = Usage.now()
            with Store(db) as store:
                report = run_paths([corpus], store, workers=n, timer=timer,
                                   batch_size=batch_size or BATCH_SIZE)
            after = Usage.now()
            result.runs.append(WorkerRun(workers=n, cpu_s=after.cpu - before.cpu, wall_s=after.wall - before.wall,
                                         documents=report.documents, events=report.events,
                                         stages=dict(timer.seconds), rss_mb=after.rss_mb,
                                         children_rss_mb=after.children_rss_mb))
            if len(workers) > 1:
                with Store(db, read_only=True) as store:
                    events = sorted(event_records(store), key=lambda e: str(e["event_id"]))
                if first is None:
                    first = events
                else:
                    result.identical = (result.identical is not False) and events == first
            db.unlink()
    return result
