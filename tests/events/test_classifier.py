"""The event-type model: fine-tuned MiniLM over the 16 PLOVER types plus NONE."""

from __future__ import annotations

import numpy as np
import pytest

from parley.events.classifier import LABELS, NO_EVENT, EventTypeModel, TrainConfig, lede, load_stories

from ..conftest import DATA, needs_shared

STORIES = DATA / "events" / "ngec_gpt_synthetic_events_2023-10-19.csv"

EXAMPLES = [
    ("Rebels ambushed an army convoy, killing twelve soldiers.", {"ASSAULT"}),
    ("Gunmen opened fire on a police station overnight.", {"ASSAULT"}),
    ("The foreign ministers met in Geneva for talks.", {"CONSULT"}),
    ("The two presidents held talks in Moscow on Tuesday.", {"CONSULT"}),
    ("The stock market closed higher on Friday.", set()),
    ("The weather will be sunny for the rest of the week.", set()),
]


def test_lede_is_first_sentence():
    assert lede("Troops fired on protesters. Ten died.") == "Troops fired on protesters."


@pytest.fixture(scope="module")
def tiny_model() -> EventTypeModel:
    return EventTypeModel.train(EXAMPLES * 4, TrainConfig(epochs=2, batch_size=8, encoder_lr=1e-4, head_lr=1e-2))


def test_probabilities_cover_every_label(tiny_model):
    probs = tiny_model.predict_proba(["Troops shelled the town.", "Prices rose."])
    assert probs.shape == (2, len(LABELS)) and LABELS[-1] == NO_EVENT
    assert ((probs >= 0) & (probs <= 1)).all()
    assert tiny_model.predict_proba([]).shape == (0, len(LABELS))


def test_it_learns_its_training_data(tiny_model):
    probs = tiny_model.predict_proba([text for text, _ in EXAMPLES])
    assert probs[0, LABELS.index("ASSAULT")] > probs[0, LABELS.index("CONSULT")]
    assert probs[2, LABELS.index("CONSULT")] > probs[2, LABELS.index("ASSAULT")]
    assert probs[4, LABELS.index(NO_EVENT)] > probs[0, LABELS.index(NO_EVENT)]


def test_save_load_gives_the_same_outputs(tiny_model, tmp_path):
    tiny_model.thresholds = {"ASSAULT": 0.3}
    tiny_model.rule_trusted = ["PROTEST"]
    path = tiny_model.save(tmp_path / "m.pt")
    loaded = EventTypeModel.load(path, quantize=False)
    assert loaded is not None and loaded.rule_trusted == ["PROTEST"] and loaded.threshold("ASSAULT") == 0.3
    texts = [text for text, _ in EXAMPLES]
    assert np.allclose(loaded.predict_proba(texts), tiny_model.predict_proba(texts), atol=1e-5)
    assert EventTypeModel.load(tmp_path / "absent.pt") is None
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    assert EventTypeModel.load(tmp_path / "junk.pt") is None


def test_int8_stays_close_to_float(tiny_model, tmp_path):
    path = tiny_model.save(tmp_path / "m.pt")
    quantized = EventTypeModel.load(path, quantize=True)
    assert quantized is not None and quantized.quantized
    texts = [text for text, _ in EXAMPLES]
    assert np.abs(quantized.predict_proba(texts) - tiny_model.predict_proba(texts)).max() < 0.15
    with pytest.raises(ValueError):
        quantized.save(tmp_path / "q.pt")


def test_decide_reads_thresholds_and_none():
    model = EventTypeModel(None, None, None, thresholds={label: 0.5 for label in LABELS})
    probs = np.zeros(len(LABELS), dtype=np.float32)
    probs[LABELS.index("ASSAULT")] = 0.9
    probs[LABELS.index("COERCE")] = 0.6
    assert model.decide(probs) == pytest.approx({"ASSAULT": 0.9, "COERCE": 0.6})
    assert model.decide(probs, threshold=0.7) == pytest.approx({"ASSAULT": 0.9})
    probs[LABELS.index(NO_EVENT)] = 0.95  # NONE surer than every type: no event
    assert model.decide(probs) == {}
    assert model.decide(np.zeros(len(LABELS), dtype=np.float32)) == {}


def test_training_needs_two_labels():
    with pytest.raises(ValueError):
        EventTypeModel.train([("a", {"AID"}), ("b", {"AID"})])


@needs_shared(STORIES)
def test_stories_give_ledes_with_their_type():
    stories = load_stories(STORIES, limit=160)
    assert len(stories) == 160
    assert {t for _, types in stories for t in types} <= set(LABELS[:-1])
    assert len({t for _, types in stories for t in types}) == 16  # an even sample keeps every type


def test_onnx_runtime_gives_the_torch_outputs(tiny_model, tmp_path):
    pytest.importorskip("onnxruntime")
    from parley.events.classifier import onnx_path_for

    path = tiny_model.save(tmp_path / "m.pt")
    loaded = EventTypeModel.load(path, quantize=False)
    assert loaded is not None and loaded.onnx_path == onnx_path_for(path)
    texts = [text for text, _ in EXAMPLES] + ["A much longer sentence, " * 20 + "to be cut at the model's limit."]
    assert np.allclose(loaded.predict_proba(texts), tiny_model.predict_proba(texts), atol=1e-5)
    assert loaded.onnx_path.exists()  # exported on first use, beside the model
    # retrained: another export, the stale one removed
    tiny_model.thresholds = {"ASSAULT": 0.31}
    tiny_model.save(path)
    assert onnx_path_for(path) != loaded.onnx_path and not loaded.onnx_path.exists()


def test_a_model_running_on_onnx_can_be_copied(tiny_model, tmp_path):
    import copy

    pytest.importorskip("onnxruntime")
    loaded = EventTypeModel.load(tiny_model.save(tmp_path / "m.pt"), quantize=False)
    texts = [text for text, _ in EXAMPLES]
    first = loaded.predict_proba(texts)  # its session is open now
    twin = copy.deepcopy(loaded)  # (the evaluation copies the model to quantize the copy)
    assert np.allclose(twin.predict_proba(texts), first, atol=1e-6)
    assert twin.quantize().quantized and not loaded.quantized
