"""Training the event-type model (`parley train events`, `make model`).

1. Fine-tune MiniLM on the real-news train split (every sentence, most of them "no event")
   plus ledes of the synthetic PLOVER stories (the types real news rarely shows).
2. Calibrate on the dev split, never on test: one decision threshold for the types, chosen for
   type macro-F1, and the types whose rules are more precise than the model there
   (`rule_trusted`: their rule events are kept even where the model does not give the type).

The PLOVER gold is not trained on: it stays a held-out public check (`parley eval events`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parley.evaluation.metrics import default_data, label_set_f1
from parley.events.classifier import LABELS, MODEL_NAME, EventTypeModel, TrainConfig, load_stories
from parley.realnews import ANNOTATIONS_FILE, REPO_DATA, SENTENCES_FILE, AnnotatedSentence, load_annotations

STORIES = "events/ngec_gpt_synthetic_events_2023-10-19.csv"
STORY_LIMIT = 1500
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
MIN_RULE_EVENTS = 3  # a type needs this many rule events on dev before its rules can be trusted

Progress = Callable[[int, int], None]


@dataclass
class TrainingReport:
    examples: int
    realnews: int
    stories: int
    threshold: float
    dev_macro_f1: float
    rule_trusted: list[str]
    precision: dict[str, tuple[float, float]]  # type -> (rules, model) precision on dev


def training_examples(stories_csv: Path | None, train: list[AnnotatedSentence],
                      story_limit: int = STORY_LIMIT) -> list[tuple[str, set[str]]]:
    examples = [(s.text, {e.event_type for e in s.events}) for s in train]
    if stories_csv is not None and stories_csv.exists():
        examples += load_stories(stories_csv, story_limit)
    return examples


def training_fingerprint(stories_csv: Path | None, config: TrainConfig, story_limit: int = STORY_LIMIT,
                         directory: Path = REPO_DATA) -> str:
    """What a trained model was made from: the corpus files, the stories and the recipe. A
    cached model with another fingerprint is stale (`parley train events --if-stale`)."""
    digest = hashlib.sha1()
    for name in (SENTENCES_FILE, ANNOTATIONS_FILE):
        digest.update((directory / name).read_bytes())
    if stories_csv is not None and stories_csv.exists():
        digest.update(stories_csv.read_bytes())
    digest.update(repr((config, story_limit, MODEL_NAME)).encode())
    return digest.hexdigest()[:16]


def label_f1(gold: list[set[str]], pred: list[set[str]]) -> float:
    """Macro-F1 over the 16 types plus NONE (a sentence with no event is NONE)."""
    return label_set_f1(gold, pred, LABELS)


def type_precision(gold: list[set[str]], pred: list[set[str]], label: str) -> tuple[float, int]:
    predicted = [label in g for g, p in zip(gold, pred, strict=True) if label in p]
    return (sum(predicted) / len(predicted) if predicted else 0.0), len(predicted)


def calibrate(model: EventTypeModel, dev: list[AnnotatedSentence],
              rule_pred: list[set[str]]) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """Set model.thresholds and model.rule_trusted from the dev split."""
    gold = [{e.event_type for e in s.events} for s in dev]
    probs = model.predict_proba([s.text for s in dev])
    best = max(THRESHOLDS, key=lambda t: label_f1(gold, [set(model.decide(p, t)) for p in probs]))
    model.thresholds = {label: best for label in LABELS}
    pred = [set(model.decide(p, best)) for p in probs]
    precision: dict[str, tuple[float, float]] = {}
    trusted = []
    for label in LABELS[:-1]:
        rule_p, rule_n = type_precision(gold, rule_pred, label)
        model_p, _ = type_precision(gold, pred, label)
        precision[label] = (rule_p, model_p)
        if rule_n >= MIN_RULE_EVENTS and rule_p > model_p:
            trusted.append(label)
    model.rule_trusted = trusted
    return best, label_f1(gold, pred), precision


def train_event_model(stories_csv: Path | None = None, config: TrainConfig | None = None,
                      progress: Progress | None = None, story_limit: int = STORY_LIMIT) -> tuple[EventTypeModel, TrainingReport]:
    from parley.evaluation.realnews import code_annotated, predicted_types

    stories_csv = stories_csv if stories_csv is not None else default_data(STORIES)
    train = load_annotations(split="train")
    dev = load_annotations(split="dev")
    examples = training_examples(stories_csv, train, story_limit)
    model = EventTypeModel.train(examples, config, progress)
    rule_pred = [predicted_types(events) for events in code_annotated(dev, model=None)]
    threshold, dev_f1, precision = calibrate(model, dev, rule_pred)
    model.info.update({"threshold": threshold, "dev_macro_f1": round(dev_f1, 4),
                       "realnews_train": len(train), "stories": len(examples) - len(train),
                       "fingerprint": training_fingerprint(stories_csv, config or TrainConfig(), story_limit)})
    report = TrainingReport(len(examples), len(train), len(examples) - len(train), threshold,
                            dev_f1, model.rule_trusted, precision)
    return model, report
