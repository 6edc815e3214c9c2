"""`parley eval events --dataset realnews`: scored on a corpus of our own, coded as whole
documents, with the rules alone and (given a model) the model-first coder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from parley.evaluation.realnews import eval_realnews, score
from parley.events.classifier import LABELS, NO_EVENT
from parley.model import ActorRef, Event
from parley.realnews import (
    AnnotatedSentence,
    GoldActor,
    GoldEvent,
    SentenceRef,
    import_annotations,
    sample,
    write_sample,
)

from ..events.test_model_first import FixedModel

ARTICLE = ("Russian troops attacked Georgian positions near Tskhinvali on Friday.\n"
           "The weather in the region stayed cold and dry all week.\n"
           "Georgia's president condemned Russia over the attack.")


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "shared" / "data"
    root.mkdir(parents=True)
    (tmp_path / "shared" / "seeds").mkdir()
    (tmp_path / "shared" / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    directory = tmp_path / "realnews"
    refs = sample(root=root, quotas={"seeds": 100}, extra_quotas={}, cue_quotas={}, rest_corpora=())
    for ref in refs:
        ref.split = "test"
    write_sample(refs, directory)
    rows = [{"sid": refs[0].sid, "events": [
                {"type": "ASSAULT", "trigger": "attacked",
                 "source": [{"text": "Russian troops", "country": "RUS", "sector": "MIL"}],
                 "target": [{"text": "Georgian positions", "country": "GEO", "sector": "MIL"}]}]},
            {"sid": refs[1].sid, "events": []},
            {"sid": refs[2].sid, "events": [
                {"type": "ACCUSE", "mode": "disapprove", "trigger": "condemned",
                 "source": [{"text": "Georgia's president", "country": "GEO", "sector": "GOV"}],
                 "target": [{"text": "Russia", "country": "RUS", "sector": "GOV"}]}]}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    import_annotations([tmp_path / "a.jsonl"], "tester", directory=directory, root=root)
    return directory, root


def test_rules_alone_on_a_corpus_of_our_own(corpus):
    directory, root = corpus
    figures = {f.name: f.value for f in eval_realnews(directory, model=None, root=root)}
    assert figures["realnews_test_sentences"] == 3
    assert figures["realnews_rules_detection_f1"] == 1.0  # both event sentences, not the weather
    assert figures["realnews_rules_source_country_accuracy"] == 1.0
    assert not any(name.startswith("realnews_model") for name in figures)


def test_model_first_beside_rules_and_model_alone(corpus):
    directory, root = corpus
    sentences = ARTICLE.split("\n")
    # a model that misses the condemnation: model-first and the model alone lose it
    model = FixedModel({sentences[0]: {"ASSAULT": 0.9}, sentences[2]: {NO_EVENT: 0.9}})
    figures = {f.name: f.value for f in eval_realnews(directory, model=model, root=root)}
    assert figures["realnews_rules_detection_recall"] == 1.0
    assert figures["realnews_detection_recall"] == 0.5 and figures["realnews_model_detection_recall"] == 0.5
    assert figures["realnews_detection_precision"] == 1.0


def _sentence(types: list[str], countries: list[str | None]) -> AnnotatedSentence:
    ref = SentenceRef("s", "seeds", "d", 0, 10, "test", "")
    events = [GoldEvent(t, None, (0, 1), [GoldActor(0, 1, c, None)] if c else []) for t, c in zip(types, countries)]
    return AnnotatedSentence(ref, events, "t")


def _event(event_type: str, country: str | None) -> Event:
    actor = ActorRef("x", None, None, country, None)
    return Event("e", "d", event_type, None, "", 0.0, False, False, False, [actor], [], "", 0, 10, "t", 0, 0,
                 1.0, "rule:t")


def test_score_counts_sentences_types_and_countries():
    gold = [_sentence(["ASSAULT"], ["RUS"]), _sentence([], []), _sentence(["ACCUSE"], ["GEO"])]
    coded = [[_event("ASSAULT", "RUS")], [_event("COERCE", None)], [_event("ACCUSE", "RUS")]]
    scores = score(gold, coded)
    assert scores.detection == pytest.approx((2 / 3, 1.0, 0.8))
    assert scores.source_country == 0.5  # ACCUSE's source is GEO in the gold
    assert scores.main_type_accuracy == pytest.approx(2 / 3)
    assert 0 < scores.type_macro_f1 < 1
    assert np.isclose(score(gold, [[_event("ASSAULT", "RUS")], [], [_event("ACCUSE", "GEO")]]).type_macro_f1, 1.0)
    assert len(LABELS) == 17
