"""`parley bench`: throughput of each pipeline stage on a corpus (by default the seed
articles and the examples, repeated to a minimum size), printed as figures."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from parley.actors import ActorRegistry, annotate_mentions, learn_roles, load_knowledge
from parley.clean import clean_document
from parley.events import code_document
from parley.events.classifier import default_classifier
from parley.ingest import ingest_paths
from parley.model import Document, content_hash
from parley.nlp import load_nlp, parse, text_for_parsing
from parley.pipeline import date_and_locate, model_outputs
from parley.places import load_gazetteer


@dataclass
class StageTime:
    stage: str
    seconds: float
    docs: int

    def lines(self) -> list[str]:
        rate = self.docs / self.seconds if self.seconds else float("inf")
        return [f"{self.stage}_docs_per_s: {rate:.1f}",
                f"{self.stage}_ms_per_doc: {1000 * self.seconds / max(1, self.docs):.2f}"]


def _copies(docs: list[Document], minimum: int) -> list[Document]:
    """Repeat the corpus (as distinct documents) until it has `minimum` documents."""
    out: list[Document] = []
    i = 0
    while len(out) < minimum and docs:
        for doc in docs:
            raw = doc.raw if i == 0 else f"{doc.raw}\n"
            out.append(Document(doc_id=content_hash(f"{i}:{raw}"), origin=doc.origin, raw=raw,
                                fmt=doc.fmt, title=doc.title, published=doc.published,
                                source=doc.source))
        i += 1
    return out


def run_bench(paths: list[Path], minimum_docs: int = 50) -> list[StageTime]:
    # warm-up outside the timings: model loading is a one-off cost, reported separately
    start = time.perf_counter()
    nlp = load_nlp()
    load_gazetteer()
    registry = ActorRegistry(load_knowledge())
    classifier = default_classifier()
    if classifier is not None:
        classifier.predict(["The ministers met in Geneva."])  # loads the sentence encoder
    setup = time.perf_counter() - start
    base, _ = ingest_paths(paths)
    docs = _copies(base, minimum_docs)
    times = [StageTime("setup_once", setup, 1)]

    def timed(stage: str, fn) -> None:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        fn()
        times.append(StageTime(stage, time.perf_counter() - t0, len(docs)))

    timed("clean", lambda: [clean_document(d) for d in docs])
    parsed: list = []  # type: ignore[type-arg]
    timed("nlp", lambda: parsed.extend(parse(d, p) for d, p in
                                       zip(docs, nlp.pipe(text_for_parsing(d) for d in docs), strict=True)))
    def actors() -> None:
        for d, p in zip(docs, parsed, strict=True):
            learn_roles(p, d, registry)
            annotate_mentions(p, d, registry)

    timed("actors", actors)
    def events() -> None:
        for d, p, probs in zip(docs, parsed, model_outputs(docs, classifier), strict=True):
            code_document(p, d, registry, classifier, probs)

    timed("events", events)

    def time_and_place() -> None:
        for d, p in zip(docs, parsed, strict=True):
            date_and_locate(d, p)

    timed("time_places", time_and_place)
    total = sum(t.seconds for t in times[1:])
    times.append(StageTime("pipeline_total", total, len(docs)))
    return times
