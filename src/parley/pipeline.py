"""The pipeline: ingest -> clean -> nlp -> actors -> events -> time -> places -> store -> stories.

Plain functions over the data model; the CLI, the web app, the Spark job and the tests all
call `process_documents` / `run_paths`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from parley.actors import ActorRegistry, annotate_mentions, learn_roles, load_knowledge
from parley.actors.context import relocate_divisions
from parley.actors.resolve import place_in_country
from parley.clean import clean_document
from parley.dedup import assign_stories
from parley.events import code_document
from parley.events.classifier import EventTypeModel, default_classifier
from parley.ingest import IngestProblem, iter_documents, iter_files
from parley.model import Document
from parley.nlp import NOT_ENGLISH, foreign_language, load_nlp, not_english_warning, parse, text_for_parsing
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


def process_documents(docs: list[Document], registry: ActorRegistry | None = None,
                      progress: Progress | None = None, clean: bool = True,
                      classifier: EventTypeModel | None | bool = True,
                      coder: str = "model-checks", max_chars: int = MAX_CHARS) -> list[Document]:
    """Run every stage after ingest on docs (in place); returns the docs that have text.
    clean=False codes doc.text (or doc.raw) as it is, for text that is already clean.
    classifier: the event-type model (True: the trained one, if any; False: rules alone).
    max_chars: the most text coded per document (`limit_length`)."""
    registry = registry or ActorRegistry(load_knowledge())
    model: EventTypeModel | None
    if classifier is True:
        model = default_classifier()  # None when no model has been trained
    elif classifier is False:
        model = None
    else:
        model = classifier
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
    nlp = load_nlp()
    parsed: list[Doc] = []
    for i, (doc, p) in enumerate(zip(kept, nlp.pipe(text_for_parsing(d) for d in kept), strict=False)):
        parse(doc, p)
        parsed.append(p)
        if progress:
            progress("parse", i + 1, len(kept))
    # two passes: roles learned anywhere in the batch resolve names everywhere in it
    for doc, p in zip(kept, parsed, strict=False):
        learn_roles(p, doc, registry)
    outputs = model_outputs(kept, model)
    for i, (doc, p, doc_probs) in enumerate(zip(kept, parsed, outputs, strict=False)):
        annotate_mentions(p, doc, registry)
        code_document(p, doc, registry, model, doc_probs, coder)
        relocate_divisions(doc, registry.kb)
        date_and_locate(doc, p)
        if progress:
            progress("code", i + 1, len(kept))
    return kept


def model_outputs(docs: list[Document], model: EventTypeModel | None) -> list[np.ndarray | None]:
    """The model's outputs for each document's sentences, read in one pass over the whole
    batch (batched inference is far cheaper than a call per document)."""
    if model is None:
        return [None] * len(docs)
    probs = model.predict_proba([s.text for d in docs for s in d.sentences])
    bounds = np.cumsum([0] + [len(d.sentences) for d in docs])
    return [probs[start:end] for start, end in zip(bounds[:-1], bounds[1:], strict=True)]


BATCH_SIZE = 200  # documents parsed and held in memory at once


def run_paths(paths: Iterable[str | Path], store: Store, progress: Progress | None = None,
              reprocess: bool = False, batch_size: int = BATCH_SIZE,
              max_chars: int = MAX_CHARS) -> RunReport:
    """Ingest, code and store documents batch by batch as they are read: memory stays bounded
    on corpora of any size (a web archive streams page by page) and an interrupted run keeps
    every batch already stored. People's roles learned in one batch (or an earlier run)
    resolve names in later ones. Progress: files read, and documents coded of those read."""
    report = RunReport()
    known = store.known_doc_ids(coded_only=True)
    registry = ActorRegistry(load_knowledge())
    for person in store.load_people():
        registry.add_stored(person)
    read = coded = 0

    def code(batch: list[Document]) -> None:
        nonlocal coded

        def within_batch(stage: str, done: int, _total: int) -> None:
            if progress:  # each stage's bar counts every document read so far
                progress(stage, coded + done, read)

        processed = process_documents(batch, registry, within_batch, max_chars=max_chars)
        coded_ids = {id(doc) for doc in processed}
        for doc in batch:
            if id(doc) not in coded_ids:
                report.problems.append(IngestProblem(doc.origin, not_coded_reason(doc)))
            report.problems += [IngestProblem(doc.origin, warning, fatal=False)
                                for warning in doc.warnings if "--max-chars" in warning]
        store.save_batch(processed, registry.changed_people())
        report.documents += len(processed)
        report.events += sum(len(doc.events) for doc in processed)
        coded += len(batch)

    batch: list[Document] = []
    for item in _with_file_progress(paths, progress):
        if isinstance(item, IngestProblem):
            report.problems.append(item)
        elif not reprocess and item.doc_id in known:
            report.skipped += 1
        else:
            read += 1
            batch.append(item)
            if len(batch) >= batch_size:
                code(batch)
                batch = []
    if batch:
        code(batch)
    if report.documents or not store.stories_current():
        # stories and the search index span the whole store: rebuilt only when this run
        # stored something, or a run killed before this point left them behind
        refresh_stories(store)
        store.build_search_index()
        store.mark_stories_current()
    return report


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


def refresh_stories(store: Store) -> None:
    events = store.query("SELECT event_id, doc_id, event_type, source, target, date FROM events")
    docs = {row["doc_id"]: row for row in store.query("SELECT doc_id, source, published, text FROM documents")}
    store.update_stories(assign_stories(events, docs))
