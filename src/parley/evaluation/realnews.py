"""`parley eval events --dataset realnews`: event coding on the project's real-news corpus
(test split by default), with Parley's coder (the model checks the types the rules find)
beside the rules alone, the model alone, the model deciding every type ("model-types") and
the model only gating the rules' events ("model-gates").

Each annotated document is coded whole, as `parley run` codes an article (its other sentences
give pronouns and countries); an event belongs to the sampled sentence its trigger lies in.

Figures, sentence by sentence:
- type macro-F1 over the 16 types plus NONE (a sentence's labels are the types of its events,
  or NONE);
- detection precision / recall / F1 (does the sentence report any event?);
- main-event type accuracy (the annotator's first event against Parley's main event) and the
  CAMEO penta-class macro-F1 of the main event;
- source and target country accuracy: for each gold event with a country-coded actor, an
  event of the same type in that sentence whose first actor has one of the gold countries.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from parley.evaluation.metrics import SHARED_DATA, Figure, macro_f1, prf
from parley.events.classifier import NO_EVENT, EventTypeModel, default_classifier
from parley.events.coder import main_event
from parley.model import Document, Event, content_hash
from parley.realnews import REPO_DATA, AnnotatedSentence, GoldActor, corpus_texts, load_annotations


def code_annotated(sentences: list[AnnotatedSentence], model: EventTypeModel | None,
                   coder: str = "model-checks", root: Path = SHARED_DATA) -> list[list[Event]]:
    """The events Parley codes in each annotated sentence (whole documents coded once)."""
    from parley.actors import ActorRegistry, load_knowledge
    from parley.pipeline import process_documents

    by_doc: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        by_doc[(s.ref.corpus, s.ref.doc_id)].append(i)
    texts: dict[str, dict[str, str]] = {}
    docs: list[Document] = []
    for corpus, doc_id in by_doc:
        if corpus not in texts:
            texts[corpus] = corpus_texts(corpus, root)
        text = texts[corpus][doc_id]
        docs.append(Document(doc_id=content_hash(f"{corpus}:{doc_id}"), origin=f"{corpus}:{doc_id}",
                             raw=text, fmt="txt"))
    process_documents(docs, ActorRegistry(load_knowledge()), clean=False,
                      classifier=model if model is not None else False, coder=coder)
    out: list[list[Event]] = [[] for _ in sentences]
    for doc, indices in zip(docs, by_doc.values(), strict=True):
        for event in doc.events:
            for i in indices:
                ref = sentences[i].ref
                if ref.start <= event.trigger_start < ref.end:
                    out[i].append(event)
                    break
    return out


def predicted_types(events: list[Event]) -> set[str]:
    return {e.event_type for e in events}


def _countries(actors: list[GoldActor]) -> set[str]:
    return {a.country for a in actors if a.country}


@dataclass
class Scores:
    type_macro_f1: float
    detection: tuple[float, float, float]
    main_type_accuracy: float
    penta_macro_f1: float
    source_country: float
    target_country: float


def score(sentences: list[AnnotatedSentence], coded: list[list[Event]]) -> Scores:
    from parley.evaluation.events import penta_class, penta_of
    from parley.events.training import label_f1

    gold = [{e.event_type for e in s.events} for s in sentences]
    pred = [predicted_types(events) for events in coded]
    tp = sum(bool(g) and bool(p) for g, p in zip(gold, pred, strict=True))
    fp = sum(not g and bool(p) for g, p in zip(gold, pred, strict=True))
    fn = sum(bool(g) and not p for g, p in zip(gold, pred, strict=True))
    main_gold = [s.main_type for s in sentences]
    main_pred = [(m.event_type if (m := main_event(events)) else NO_EVENT) for events in coded]
    penta_gold = [str(penta_of(s.events[0].event_type, s.events[0].mode) if s.events else penta_of(None, None))
                  for s in sentences]
    penta_pred = [str(penta_class(events)) for events in coded]
    hits = {"source": [0, 0], "target": [0, 0]}
    for s, events in zip(sentences, coded, strict=True):
        for gold_event in s.events:
            for role in ("source", "target"):
                wanted = _countries(getattr(gold_event, role))
                if not wanted:
                    continue
                hits[role][1] += 1
                hits[role][0] += any(
                    e.event_type == gold_event.event_type and getattr(e, role)
                    and getattr(e, role)[0].country in wanted for e in events)
    return Scores(label_f1(gold, pred), prf(tp, fp, fn),
                  sum(g == p for g, p in zip(main_gold, main_pred, strict=True)) / max(1, len(sentences)),
                  macro_f1(penta_gold, penta_pred),
                  hits["source"][0] / max(1, hits["source"][1]), hits["target"][0] / max(1, hits["target"][1]))


def figures(prefix: str, scores: Scores) -> list[Figure]:
    p, r, f = scores.detection
    return [Figure(f"{prefix}_type_macro_f1", scores.type_macro_f1),
            Figure(f"{prefix}_detection_precision", p), Figure(f"{prefix}_detection_recall", r),
            Figure(f"{prefix}_detection_f1", f),
            Figure(f"{prefix}_main_type_accuracy", scores.main_type_accuracy),
            Figure(f"{prefix}_penta_macro_f1", scores.penta_macro_f1),
            Figure(f"{prefix}_source_country_accuracy", scores.source_country),
            Figure(f"{prefix}_target_country_accuracy", scores.target_country)]


def eval_realnews(directory: Path = REPO_DATA, split: str = "test",
                  model: EventTypeModel | None = None, root: Path = SHARED_DATA) -> list[Figure]:
    """Parley's coder, the rules alone, the model alone, the model deciding every type and
    the model gating the rules, on one split."""
    sentences = load_annotations(directory=directory, root=root, split=split)
    if not sentences:
        raise ValueError(f"no annotated sentences in the {split} split")
    model = model or default_classifier()
    out = [Figure(f"realnews_{split}_sentences", float(len(sentences)))]
    out += figures("realnews_rules", score(sentences, code_annotated(sentences, None, root=root)))
    if model is None:
        return out  # no trained model: the rules alone (run `make model`)
    out += figures("realnews", score(sentences, code_annotated(sentences, model, "model-checks", root)))
    out += figures("realnews_model", score(sentences, code_annotated(sentences, model, "model", root)))
    out += figures("realnews_model_types", score(sentences, code_annotated(sentences, model, "model-types", root)))
    out += figures("realnews_model_gates", score(sentences, code_annotated(sentences, model, "model-gates", root)))
    if not model.quantized:
        # the same coder with the int8 encoder (PARLEY_MODEL_INT8=1): what speed costs
        int8 = copy.deepcopy(model).quantize()
        scores = score(sentences, code_annotated(sentences, int8, "model-checks", root))
        out += [Figure("realnews_int8_type_macro_f1", scores.type_macro_f1),
                Figure("realnews_int8_detection_f1", scores.detection[2])]
    return out
