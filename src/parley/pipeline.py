"""The pipeline: ingest -> clean -> nlp -> actors -> events -> time -> places -> store -> stories.

Plain functions over the data model; the CLI, the web app, the Spark job and the tests all
call `process_documents` / `run_paths`.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
from spacy.tokens import Doc, Token

from parley.actors import ActorRegistry, annotate_mentions, learn_roles, load_knowledge
from parley.actors.context import relocate_divisions
from parley.actors.knowledge import KnowledgeBase, Role
from parley.actors.resolve import place_in_country
from parley.clean import clean_document
from parley.dedup import restory, week_block
from parley.events import code_document
from parley.events.classifier import EventTypeModel, default_classifier
from parley.ingest import IngestProblem, iter_documents, iter_files
from parley.model import Document
from parley.nlp import (
    NOT_ENGLISH,
    foreign_language,
    not_english_warning,
    parse,
    parse_texts,
    text_for_parsing,
)
from parley.places import context_countries, home_country, locate_events
from parley.store import Store
from parley.time import date_events, time_expressions

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class RunReport:
    """What a run did: counts only, so that a corpus of any size streams through."""

    documents: int = 0  # stored (coded, or cleaned by `ingest_only`)
    events: int = 0
    skipped: int = 0  # already in the store
    problems: list[IngestProblem] = field(default_factory=list)


# nouns whose "of" names the place itself: "in the city of Istanbul", "on the island of Corfu"
PLACE_NOUNS = {"city", "town", "village", "island", "region", "province", "district", "port",
               "capital", "state", "county", "area", "republic", "enclave", "territory"}


def _preposition_of(token: Token) -> str:
    """The preposition a place name hangs on ("in" for "in Moscow"), through a place noun
    it names ("in Turkey's largest city of Istanbul" is in Istanbul)."""
    head = token.head
    if head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS and head.head is not head:
        head = head.head.head
    return head.lower_ if head.dep_ == "prep" or head.pos_ == "ADP" else ""


def date_and_locate(doc: Document, parsed: Doc) -> None:
    """The time and place stages: date each event from the time expressions of its
    sentence, and locate it from the places named after a locative preposition."""
    times = time_expressions(parsed)
    places = [(e.text, e.start_char, e.end_char, _preposition_of(e.root))
              for e in parsed.ents if e.label_ in ("GPE", "LOC", "FAC")]
    date_events(doc, times)
    context = context_countries(doc)
    locate_events(doc, places, context)
    _actors_at_home(doc, context)


# sectors whose actors belong to no state by default: they keep their own country or none
INTERNATIONAL_SECTORS = {"IGO", "NGO", "MNC"}


def _actors_at_home(doc: Document, context: dict[str, int]) -> None:
    """An event actor the text gives no country ("police", "Wheeler", "two men") is of the
    country the document is about, when one country dominates it; a known organisation
    without a country (Amnesty International) stays international."""
    actors = [a for e in doc.events for a in e.source + e.target
              if a.country is None and a.sector not in INTERNATIONAL_SECTORS
              and not (a.actor_id or "").startswith("org:")]
    if not actors:
        return
    home = home_country(context)
    if home is not None:
        for actor in actors:
            place_in_country(actor, home)


MAX_CHARS = 500_000  # of cleaned text coded per document: a long book chapter; news is far shorter
RAW_PER_TEXT = 4  # markup and page furniture allowed per character of text, before cleaning


def limit_length(doc: Document, max_chars: int) -> None:
    """Code at most max_chars of a document's text, cut at a paragraph break where there is
    one, and say so (the raw document is stored whole: a run with a larger --max-chars codes
    the rest). The parser's memory and the coder's time grow with the text."""
    if len(doc.text) <= max_chars:
        return
    cut = doc.text.rfind("\n", 0, max_chars)
    cut = cut if cut > max_chars // 2 else max_chars
    doc.warnings.append(f"text of {len(doc.text):,} characters; only the first {cut:,} were coded "
                        f"(--max-chars {max_chars:,})")
    doc.text = doc.text[:cut]


def _clean_within(doc: Document, max_chars: int) -> None:
    """Clean a document, reading at most RAW_PER_TEXT * max_chars of a huge raw file."""
    limit = RAW_PER_TEXT * max_chars
    if len(doc.raw) <= limit:
        clean_document(doc)
        return
    raw = doc.raw
    doc.raw = raw[:limit]
    try:
        clean_document(doc)
    finally:
        doc.raw = raw


def not_coded_reason(doc: Document) -> str:
    """Why process_documents left a document out: another language, or no text."""
    return next((w for w in doc.warnings if w.endswith(NOT_ENGLISH)), "empty document after cleaning")


class StageTimer:
    """CPU seconds (time.process_time) spent in each stage, for `parley bench`: a clock read
    costs well under a microsecond, against milliseconds of work per document, so every run
    keeps one. A worker's timer travels back to the parent with its batch."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def lap(self, stage: str, since: float) -> float:
        """Add the CPU time since `since` to stage; returns now, the start of the next lap."""
        now = time.process_time()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - since
        return now

    def merge(self, seconds: dict[str, float]) -> None:
        for stage, spent in seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + spent


def _event_model(classifier: EventTypeModel | None | bool) -> EventTypeModel | None:
    if classifier is True:
        return default_classifier()  # None when no model has been trained
    if classifier is False:
        return None
    return classifier


def process_documents(docs: list[Document], registry: ActorRegistry | None = None,
                      progress: Progress | None = None, clean: bool = True,
                      classifier: EventTypeModel | None | bool = True,
                      coder: str = "model-checks", max_chars: int = MAX_CHARS,
                      timer: StageTimer | None = None) -> list[Document]:
    """Run every stage after ingest on docs (in place); returns the docs that have text.
    clean=False codes doc.text (or doc.raw) as it is, for text that is already clean.
    classifier: the event-type model (True: the trained one, if any; False: rules alone).
    max_chars: the most text coded per document (`limit_length`). timer: CPU time by stage."""
    registry = registry or ActorRegistry(load_knowledge())
    model = _event_model(classifier)
    timer = timer or StageTimer()
    kept = _clean_batch(docs, clean, max_chars, progress, timer)
    parsed = _parse_batch(kept, progress, timer)
    # two passes: roles learned anywhere in the batch resolve names everywhere in it
    start = time.process_time()
    for doc, p in zip(kept, parsed, strict=True):
        learn_roles(p, doc, registry)
    timer.lap("actors", start)
    outputs = _timed_model_outputs(kept, model, timer)
    _code_batch(kept, parsed, outputs, registry, model, coder, progress, timer)
    return kept


def _clean_batch(docs: list[Document], clean: bool, max_chars: int, progress: Progress | None,
                 timer: StageTimer) -> list[Document]:
    """Clean, cut to max_chars and check the language of docs; returns those to code."""
    start = time.process_time()
    kept: list[Document] = []
    for i, doc in enumerate(docs):
        if clean:
            _clean_within(doc, max_chars)
        elif not doc.text:
            doc.text = doc.raw
        limit_length(doc, max_chars)
        language = foreign_language(doc.text)
        if language is not None:
            doc.warnings.append(not_english_warning(language))
        elif doc.text.strip():
            kept.append(doc)
        if progress:
            progress("clean", i + 1, len(docs))
    timer.lap("clean", start)
    return kept


def _parse_batch(kept: list[Document], progress: Progress | None, timer: StageTimer) -> list[Doc]:
    start = time.process_time()
    parsed: list[Doc] = []
    for i, (doc, p) in enumerate(zip(kept, parse_texts(text_for_parsing(d) for d in kept), strict=False)):
        parse(doc, p)
        parsed.append(p)
        if progress:
            progress("parse", i + 1, len(kept))
    timer.lap("parse", start)
    return parsed


def _timed_model_outputs(kept: list[Document], model: EventTypeModel | None,
                         timer: StageTimer) -> list[np.ndarray | None]:
    start = time.process_time()
    outputs = model_outputs(kept, model)
    timer.lap("events model", start)
    return outputs


def _code_batch(kept: list[Document], parsed: list[Doc], outputs: list[np.ndarray | None],
                registry: ActorRegistry, model: EventTypeModel | None, coder: str,
                progress: Progress | None, timer: StageTimer) -> None:
    """Actors, events, time and places of parsed documents, once the registry holds the
    roles learned from them (and from every earlier batch)."""
    lap = time.process_time()
    for i, (doc, p, doc_probs) in enumerate(zip(kept, parsed, outputs, strict=False)):
        annotate_mentions(p, doc, registry)
        lap = timer.lap("actors", lap)
        code_document(p, doc, registry, model, doc_probs, coder)
        lap = timer.lap("rules", lap)
        relocate_divisions(doc, registry.kb)
        lap = timer.lap("actors", lap)
        date_and_locate(doc, p)
        lap = timer.lap("time/place", lap)
        if progress:
            progress("code", i + 1, len(kept))
            lap = time.process_time()  # (the progress bar is not a stage)


def model_outputs(docs: list[Document], model: EventTypeModel | None) -> list[np.ndarray | None]:
    """The model's outputs for each document's sentences, read in one pass over the whole
    batch (batched inference is far cheaper than a call per document)."""
    if model is None:
        return [None] * len(docs)
    probs = model.predict_proba([s.text for d in docs for s in d.sentences])
    bounds = np.cumsum([0] + [len(d.sentences) for d in docs])
    return [probs[start:end] for start, end in zip(bounds[:-1], bounds[1:], strict=True)]


BATCH_SIZE = 200  # documents parsed and held in memory at once


def default_workers() -> int:
    """Worker processes of a run by default: one per core."""
    return os.cpu_count() or 1


def run_paths(paths: Iterable[str | Path], store: Store, progress: Progress | None = None,
              reprocess: bool = False, batch_size: int = BATCH_SIZE,
              max_chars: int = MAX_CHARS, workers: int = 1,
              timer: StageTimer | None = None) -> RunReport:
    """Ingest, code and store documents batch by batch as they are read: memory stays bounded
    on corpora of any size (a web archive streams page by page) and an interrupted run keeps
    every batch already stored. People's roles learned in one batch (or an earlier run)
    resolve names in later ones. Progress: files read, and documents coded of those read.
    workers > 1 codes batches in that many processes (`_CodingPool`), storing exactly what
    one process stores. timer: CPU time by stage, the workers' included."""
    report = RunReport()
    timer = timer or StageTimer()
    known = store.known_doc_ids(coded_only=True)
    registry = ActorRegistry(load_knowledge())
    for person in store.load_people():
        registry.add_stored(person)
    read = coded = 0
    pool: _CodingPool | None = None
    # stories are recomputed for what this run changes, unless an interrupted run left them
    # stale for documents no one recorded: then for everything
    all_stories = not store.stories_current()
    changed: set[str] = set()
    stale_stories: set[str] = set()
    stale_blocks: set[str] = set()

    def within_batch(stage: str, done: int, _total: int) -> None:
        if progress:  # each stage's bar counts every document read so far
            progress(stage, coded + done, read)

    def save(batch: list[Document], processed: list[Document], lessons: list[Lesson] | None) -> None:
        nonlocal coded
        start = time.process_time()
        if lessons is not None:  # a worker's batch: the parent's registry learns it now, in
            for lesson in lessons:  # batch order, so each batch stores the people one process would
                registry.learn(*lesson)
        coded_ids = {id(doc) for doc in processed}
        for doc in batch:
            if id(doc) not in coded_ids:
                report.problems.append(IngestProblem(doc.origin, not_coded_reason(doc)))
            report.problems += [IngestProblem(doc.origin, warning, fatal=False)
                                for warning in doc.warnings if "--max-chars" in warning]
        ids = [doc.doc_id for doc in processed]
        for row in store.query("SELECT d.published, e.story_id FROM documents d LEFT JOIN events e USING (doc_id) "
                               "WHERE d.doc_id IN (SELECT unnest(?::VARCHAR[]))", [ids]):
            # a document coded again leaves its old stories and its old week
            stale_blocks.add(week_block(row["published"]))
            if row["story_id"]:
                stale_stories.add(row["story_id"])
        changed.update(ids)
        store.save_batch(processed, registry.changed_people())
        report.documents += len(processed)
        report.events += sum(len(doc.events) for doc in processed)
        coded += len(batch)
        timer.lap("store", start)

    def code(batch: list[Document], last: bool) -> None:
        nonlocal pool
        if pool is None and workers > 1 and not last and _can_fork():
            start = time.process_time()
            pool = _CodingPool(workers, registry, max_chars, progress, lambda: read)
            timer.lap("workers start", start)
        if pool is None:  # one process (or a corpus of one batch: no pool to start)
            save(batch, process_documents(batch, registry, within_batch, max_chars=max_chars,
                                          timer=timer), None)
            return
        for done in pool.submit(batch):
            timer.merge(done.seconds)
            save(done.batch, done.processed, done.lessons)

    try:
        batch: list[Document] = []
        for item in _timed(_with_file_progress(paths, progress), timer, "ingest"):
            if isinstance(item, IngestProblem):
                report.problems.append(item)
            elif not reprocess and item.doc_id in known:
                report.skipped += 1
            else:
                read += 1
                batch.append(item)
                if len(batch) >= batch_size:
                    code(batch, last=False)
                    batch = []
        if batch:
            code(batch, last=True)
        if pool is not None:
            for done in pool.finish():
                timer.merge(done.seconds)
                save(done.batch, done.processed, done.lessons)
    finally:
        if pool is not None:
            pool.close()
    if report.documents or not store.stories_current():
        # stories and the search index span the whole store: rebuilt only when this run
        # stored something, or a run killed before this point left them behind
        start = time.process_time()
        if all_stories:
            refresh_stories(store)
        else:
            refresh_stories(store, changed, stale_stories, stale_blocks)
        start = timer.lap("stories", start)
        store.build_search_index()
        store.mark_stories_current()
        timer.lap("search index", start)
    return report


def _timed(items: Iterable[Any], timer: StageTimer, stage: str) -> Iterator[Any]:
    """items, the CPU time spent producing each added to stage."""
    iterator = iter(items)
    while True:
        start = time.process_time()
        try:
            item = next(iterator)
        except StopIteration:
            timer.lap(stage, start)
            return
        timer.lap(stage, start)
        yield item


# ---- several processes ------------------------------------------------------------------
# Why a pool of our own rather than spaCy's n_process: the parse is under half of a run's
# CPU time (the event model, the rules and the actors are the rest), so every stage has to
# run in the workers. Each worker is forked from the parent once the models, the knowledge
# base and the gazetteer are loaded, so it starts warm and shares their memory; it cleans,
# parses and codes whole batches, and the parent alone writes to DuckDB, in batch order.
#
# Why the results equal one process's: coding a batch reads the people the registry holds,
# and one process codes batch k with the roles learned from batches 0..k (the store's people
# first). Learning is split from coding: a worker records what `learn_roles` would teach the
# registry from its parsed batch (its "lessons": registry.learn's arguments, which depend on
# the text and the knowledge base alone), sends them to the parent, and before coding batch k
# replays every batch's lessons up to k, in batch order, into its own registry (a copy of the
# parent's at the fork). The parent hands each batch's lessons on only once every earlier
# batch's are out. Same calls, same order, same starting registry: same people at every
# step. Batches (their boundaries, the inputs of nlp.pipe and of the model's batched pass)
# are the ones one process would make.

Lesson = tuple[str, Role | None, str | None]  # registry.learn(name, role, day)


class _LessonRecorder:
    """Stands in for the registry in `learn_roles` and records what it would learn. It has
    only the knowledge base and `learn`: were learn_roles to read the registry's state, this
    would fail loudly rather than record lessons that depend on the order of batches."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.lessons: list[Lesson] = []

    def learn(self, name: str, role: Role | None, day: str | None = None) -> None:
        self.lessons.append((name, role, day))


@dataclass
class _Done:
    """A batch a worker has coded, as the parent stores it."""

    batch: list[Document]
    processed: list[Document]
    lessons: list[Lesson]
    seconds: dict[str, float]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _warm_up(registry: ActorRegistry, model: EventTypeModel | None) -> None:
    """Load everything a batch needs (parser, language identifier, gazetteer, model...)
    before forking, so that every worker starts with it: a throwaway document through every
    stage, with a registry of its own (the run's must not learn from it)."""
    text = ("GENEVA (Reuters) - Foreign Minister Anna Berg met the Russian envoy in Geneva on "
            "Monday, and police arrested two protesters outside the embassy, officials said.")
    doc = Document(doc_id="warm-up", origin="warm-up", raw=text, fmt="txt", published="2024-05-15")
    process_documents([doc], ActorRegistry(registry.kb), classifier=model if model is not None else False)


PROGRESS_EVERY = 8  # documents between a worker's progress messages


def _from_parent(messages: Any, parent: int) -> Any:
    """The parent's next message; a worker whose parent was killed exits rather than wait."""
    while True:
        try:
            return messages.get(timeout=2.0)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)


def _worker(tasks: Any, lessons_in: Any, results: Any, registry: ActorRegistry,
            model: EventTypeModel | None, max_chars: int, threads: int) -> None:
    """A worker process: codes the batches it takes from `tasks` (see above)."""
    if "torch" in sys.modules:  # one core's share each: N workers × all cores would thrash
        import torch

        torch.set_num_threads(threads)
    parent = os.getppid()
    applied = -1  # the last batch whose lessons this worker's registry has learned
    while (task := _from_parent(tasks, parent)) is not None:
        number, batch = task
        try:
            timer = StageTimer()

            def report(stage: str, done: int, total: int, number: int = number) -> None:
                if done == total or done % PROGRESS_EVERY == 0:
                    results.put(("progress", number, stage, done))

            kept = _clean_batch(batch, True, max_chars, report, timer)
            parsed = _parse_batch(kept, report, timer)
            start = time.process_time()
            recorder = _LessonRecorder(registry.kb)
            for doc, p in zip(kept, parsed, strict=True):
                learn_roles(p, doc, cast(ActorRegistry, recorder))
            timer.lap("actors", start)
            results.put(("lessons", number, recorder.lessons))
            outputs = _timed_model_outputs(kept, model, timer)  # (while earlier batches finish)
            while applied < number:
                got, lessons = _from_parent(lessons_in, parent)
                assert got == applied + 1, f"lessons of batch {got} after batch {applied}"
                start = time.process_time()
                for lesson in lessons:
                    registry.learn(*lesson)
                timer.lap("actors", start)
                applied = got
            _code_batch(kept, parsed, outputs, registry, model, "model-checks", report, timer)
            kept_ids = {id(doc) for doc in kept}
            results.put(("done", number, batch, [i for i, doc in enumerate(batch) if id(doc) in kept_ids],
                         timer.seconds))
        except BaseException:
            results.put(("error", number, traceback.format_exc()))
            return


class _CodingPool:
    """Worker processes coding batches (see above); hands coded batches back in order."""

    def __init__(self, workers: int, registry: ActorRegistry, max_chars: int,
                 progress: Progress | None, read: Callable[[], int]) -> None:
        model = default_classifier()
        _warm_up(registry, model)
        # the tokenizer (of the model) would warn in each worker that it was forked
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        context = multiprocessing.get_context("fork")
        self.tasks: Any = context.Queue()
        self.results: Any = context.Queue()
        self.lesson_queues: list[Any] = [context.Queue() for _ in range(workers)]
        threads = max(1, (os.cpu_count() or 1) // workers)
        self.processes = [context.Process(target=_worker, daemon=True, name=f"parley-worker-{i}",
                                          args=(self.tasks, lessons, self.results, registry, model,
                                                max_chars, threads))
                          for i, lessons in enumerate(self.lesson_queues)]
        for process in self.processes:
            process.start()
        self.progress = progress
        self.read = read
        self.limit = 2 * workers  # batches in flight: each worker has the next one at hand
        self.submitted = 0
        self.stored = 0  # batches handed back (the next to hand back is number `stored`)
        self.released = 0  # batches whose lessons went out to the workers
        self.batches: dict[int, list[Document]] = {}
        self.lessons: dict[int, list[Lesson]] = {}
        self.coded: dict[int, tuple[list[Document], list[int], dict[str, float]]] = {}
        self.stage_done: dict[str, dict[int, int]] = {}
        self.coded_before = 0  # documents of the batches handed back

    def submit(self, batch: list[Document]) -> Iterator[_Done]:
        """Queue a batch; yields the batches coded meanwhile, in order, when the pool is full."""
        self.batches[self.submitted] = batch
        self.tasks.put((self.submitted, batch))
        self.submitted += 1
        while self.submitted - self.stored >= self.limit:
            yield from self._receive()

    def finish(self) -> Iterator[_Done]:
        while self.stored < self.submitted:
            yield from self._receive()

    def close(self) -> None:
        for _ in self.processes:
            self.tasks.put(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():  # (stuck after an error elsewhere)
                process.terminate()
                process.join()

    def _receive(self) -> Iterator[_Done]:
        """Wait for one message from the workers; yields the batches it completes."""
        while True:
            try:
                message = self.results.get(timeout=1.0)
                break
            except queue.Empty:
                dead = [p for p in self.processes if p.exitcode is not None]
                if dead:
                    raise RuntimeError(f"worker {dead[0].name} died (exit code {dead[0].exitcode})") from None
        kind, number = message[0], message[1]
        if kind == "error":
            raise RuntimeError(f"a worker failed on batch {number}:\n{message[2]}")
        if kind == "progress":
            self._progress(number, message[2], message[3])
        elif kind == "lessons":
            self.lessons[number] = message[2]
            while self.released in self.lessons:  # in batch order, to every worker
                for lessons in self.lesson_queues:
                    lessons.put((self.released, self.lessons[self.released]))
                self.released += 1
        else:
            self.coded[number] = (message[2], message[3], message[4])
            while self.stored in self.coded:
                batch, kept, seconds = self.coded.pop(self.stored)
                del self.batches[self.stored]
                lessons = self.lessons.pop(self.stored)
                for done in self.stage_done.values():
                    done.pop(self.stored, None)
                self.coded_before += len(batch)
                self.stored += 1
                yield _Done(batch, [batch[i] for i in kept], lessons, seconds)

    def _progress(self, number: int, stage: str, done: int) -> None:
        if self.progress is None:
            return
        counts = self.stage_done.setdefault(stage, {})
        counts[number] = done
        # documents of the batches handed back, and of those in flight as far as they got
        self.progress(stage, self.coded_before + sum(counts.values()), self.read())


def _with_file_progress(paths: Iterable[str | Path], progress: Progress | None) -> Iterator[Document | IngestProblem]:
    """iter_documents, telling progress how many of the input files have been read."""
    paths = list(paths)
    total = sum(1 for path, _problem in iter_files(paths) if path is not None) if progress else 0
    files_seen: set[str] = set()
    for item in iter_documents(paths):
        if progress:
            files_seen.add(item.origin.split("#", 1)[0])
            progress("read", min(len(files_seen), total), total)
        yield item
    if progress:
        progress("read", total, total)


def ingest_only(paths: Iterable[str | Path], store: Store,
                progress: Progress | None = None) -> RunReport:
    """Ingest and clean documents into the store without coding events (idempotent)."""
    report = RunReport()
    known = store.known_doc_ids()
    for item in _with_file_progress(paths, progress):
        if isinstance(item, IngestProblem):
            report.problems.append(item)
            continue
        if item.doc_id in known:
            report.skipped += 1
            continue
        clean_document(item)
        if item.text.strip():
            store.save_document(item, coded=False)
            report.documents += 1
        else:
            report.problems.append(IngestProblem(item.origin, "empty document after cleaning"))
    store.build_search_index()
    return report


def refresh_stories(store: Store, changed: set[str] | None = None,
                    stale_stories: set[str] | frozenset[str] = frozenset(),
                    stale_blocks: set[str] | frozenset[str] = frozenset()) -> None:
    """Story ids and counts: for every event (changed=None), or for those the documents
    stored since the last refresh touch (`dedup.restory`): adding a document to a large store
    reads the documents of its week and of the stories it joins, not the whole corpus."""
    store.update_stories(restory(store.query, changed, stale_stories, stale_blocks))
