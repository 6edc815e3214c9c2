"""The classifier trains on real (small) data and codes sentences no rule covers."""

from __future__ import annotations

import pytest

from parley.events.classifier import EventClassifier, lede, load_training_data

from ..conftest import DATA, needs_shared

STORIES = DATA / "events" / "ngec_gpt_synthetic_events_2023-10-19.csv"


def test_lede_is_first_sentence():
    assert lede("Troops fired on protesters. Ten died.") == "Troops fired on protesters."


@needs_shared(STORIES)
def test_train_save_load_predict(tmp_path, registry):
    texts, labels = load_training_data(STORIES, limit=600)
    assert len(texts) == len(labels) == 600
    clf = EventClassifier.train(texts, labels)
    path = clf.save(tmp_path / "m.joblib")
    loaded = EventClassifier.load(path)
    assert loaded is not None and loaded.labels == clf.labels
    (label, prob), = loaded.predict(["Rebels ambushed an army convoy, killing twelve soldiers."])
    assert label == "ASSAULT" and 0 < prob <= 1
    assert EventClassifier.load(tmp_path / "absent.joblib") is None


def test_training_needs_two_types():
    with pytest.raises(ValueError):
        EventClassifier.train(["a", "b"], ["AID", "AID"])


@needs_shared(STORIES)
def test_model_codes_sentences_rules_miss(tmp_path, monkeypatch):
    from parley.actors import ActorRegistry, load_knowledge
    from parley.events import coder
    from parley.model import Document
    from parley.pipeline import process_documents

    texts, labels = load_training_data(STORIES, limit=800)
    clf = EventClassifier.train(texts, labels)
    monkeypatch.setattr(coder, "MODEL_THRESHOLD", 0.0)  # a small model is never very sure
    text = "The Sudanese army shattered rebel positions near Kadugli."
    doc = Document(doc_id="m", origin="t", raw=text, fmt="txt")
    process_documents([doc], ActorRegistry(load_knowledge()), clean=False, classifier=clf)
    rules_only = Document(doc_id="r", origin="t", raw=text, fmt="txt")
    process_documents([rules_only], ActorRegistry(load_knowledge()), clean=False, classifier=False)
    assert rules_only.events == []
    assert doc.events and doc.events[0].coded_by == "model:minilm-lr"
    assert doc.events[0].event_type == clf.predict([text])[0][0]
    assert doc.events[0].source[0].country == "SDN"
