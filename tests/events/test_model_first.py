"""Coding with the event-type model: the rules find trigger, actors and modality; the model
checks the rules' types ("model-checks", the default), only gates them ("model-gates") or
decides every type ("model-types")."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from parley.actors import ActorRegistry, load_knowledge
from parley.events.classifier import LABELS, NO_EVENT, EventTypeModel
from parley.model import Document
from parley.pipeline import process_documents


class FixedModel(EventTypeModel):
    """A model whose outputs the test sets per sentence (a test double, not a product path)."""

    def __init__(self, outputs: dict[str, dict[str, float]], trusted: Sequence[str] = ()) -> None:
        super().__init__(None, None, None, thresholds={label: 0.5 for label in LABELS},
                         rule_trusted=list(trusted))
        self.outputs = outputs
        self.calls = 0

    def quantize(self) -> FixedModel:
        return self  # nothing to quantize: its outputs are fixed

    def predict_proba(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(sentences), len(LABELS)), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            for label, p in self.outputs.get(sentence, {NO_EVENT: 0.9}).items():
                out[row, LABELS.index(label)] = p
        return out


def code(text: str, model: EventTypeModel | None, coder: str = "model-checks") -> Document:
    doc = Document(doc_id="d", origin="t", raw=text, fmt="txt", published="2024-05-15")
    process_documents([doc], ActorRegistry(load_knowledge()), clean=False,
                      classifier=model if model is not None else False, coder=coder)
    return doc


ATTACK = "Russian troops attacked Georgian positions near Tskhinvali."


def test_rule_event_the_model_agrees_with_keeps_the_rule_and_the_model_score():
    (event,) = code(ATTACK, FixedModel({ATTACK: {"ASSAULT": 0.8}})).events
    assert event.event_type == "ASSAULT" and event.coded_by.startswith("rule:")
    assert event.confidence == pytest.approx(0.8)
    assert event.source[0].country == "RUS" and event.target[0].country == "GEO"


def test_model_saying_no_event_drops_an_untrusted_rule_event():
    assert code(ATTACK, None).events  # the rules alone code it
    assert code(ATTACK, FixedModel({ATTACK: {NO_EVENT: 0.9}})).events == []


def test_trusted_rule_type_survives_the_model():
    (event,) = code(ATTACK, FixedModel({ATTACK: {NO_EVENT: 0.9}}, trusted=["ASSAULT"])).events
    assert event.event_type == "ASSAULT" and event.coded_by.startswith("rule:")


def test_an_unsure_model_leaves_the_rules_events_it_finds_plausible():
    unsure = {"THREATEN": 0.2, "ASSAULT": 0.1, NO_EVENT: 0.5}
    for coder in ("model-checks", "model-gates"):
        (event,) = code(ATTACK, FixedModel({ATTACK: unsure}), coder=coder).events
        assert event.event_type == "ASSAULT" and event.coded_by.startswith("rule:")


def test_a_rule_type_the_model_finds_implausible_is_replaced_by_the_models():
    (event,) = code(ATTACK, FixedModel({ATTACK: {"THREATEN": 0.7, "ASSAULT": 0.001}})).events
    assert event.event_type == "THREATEN" and event.coded_by == "model:minilm-ft"
    assert event.trigger == "attack" and event.source[0].country == "RUS"  # the rule's parse


def test_a_plausible_rule_type_stands_and_the_model_adds_no_second_type_to_it():
    events = code(ATTACK, FixedModel({ATTACK: {"THREATEN": 0.7, "ASSAULT": 0.2}})).events
    assert [(e.event_type, e.coded_by.split(":")[0]) for e in events] == [("ASSAULT", "rule")]
    both = code(ATTACK, FixedModel({ATTACK: {"THREATEN": 0.7, "ASSAULT": 0.6}}), coder="model-types").events
    assert sorted(e.event_type for e in both) == ["ASSAULT", "THREATEN"]  # model-types adds it


def test_gated_rule_event_keeps_its_type_beside_another_model_type():
    (event,) = code(ATTACK, FixedModel({ATTACK: {"THREATEN": 0.7}}), coder="model-gates").events
    assert event.event_type == "ASSAULT" and event.coded_by.startswith("rule:")
    assert event.confidence == 0.0  # the model's probability of ASSAULT


def test_model_types_retypes_the_act_the_rules_found():
    (event,) = code(ATTACK, FixedModel({ATTACK: {"THREATEN": 0.7}}), coder="model-types").events
    assert event.event_type == "THREATEN" and event.coded_by == "model:minilm-ft"
    assert event.trigger == "attack" and event.source[0].country == "RUS"
    assert event.quad_class == "verbal_conflict" and event.confidence == pytest.approx(0.7)


def test_model_type_no_rule_found_gets_a_trigger_and_actors_from_the_parse():
    text = "Sudanese soldiers shattered rebel positions near Kadugli."
    assert code(text, None).events == []  # no rule for "shatter"
    (event,) = code(text, FixedModel({text: {"ASSAULT": 0.9}})).events
    assert event.event_type == "ASSAULT" and event.coded_by == "model:minilm-ft"
    assert event.trigger == "shatter" and event.source[0].country == "SDN"


def test_model_types_keeps_a_trusted_rule_type_and_adds_the_models():
    events = code(ATTACK, FixedModel({ATTACK: {"COERCE": 0.7}}, trusted=["ASSAULT"]), coder="model-types").events
    assert sorted(e.event_type for e in events) == ["ASSAULT", "COERCE"]


def test_model_alone_keeps_no_rule_type():
    (event,) = code(ATTACK, FixedModel({ATTACK: {"ASSAULT": 0.8}}), coder="model").events
    assert event.coded_by == "model:minilm-ft" and event.trigger == "attack"


def test_one_model_call_for_a_whole_batch_of_documents():
    model = FixedModel({ATTACK: {"ASSAULT": 0.8}})
    docs = [Document(doc_id=str(i), origin="t", raw=f"{ATTACK} Talks were held in Geneva.", fmt="txt")
            for i in range(3)]
    process_documents(docs, ActorRegistry(load_knowledge()), clean=False, classifier=model)
    assert model.calls == 1
    assert all([e.event_type for e in d.events] == ["ASSAULT"] for d in docs)


def test_unknown_coder_is_refused():
    with pytest.raises(ValueError, match="unknown coder"):
        code(ATTACK, FixedModel({}), coder="vote")
