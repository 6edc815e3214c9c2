"""The real-news corpus: references rebuild their sentences, annotations become offsets,
and agreement is measured as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.realnews import (
    CorpusError,
    agreement,
    cohen_kappa,
    import_annotations,
    load_annotations,
    load_sentences,
    sample,
    write_sample,
)

ARTICLE = (
    "Police arrested two men in Tbilisi on Monday after a shooting outside a bank.\n"
    "The weather was mild and the markets were quiet all week.\n"
    "Georgia's interior minister condemned the attack and promised a full inquiry."
)


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A shared/ of our own (one seed article) and a sample of it in a data folder."""
    root = tmp_path / "shared" / "data"
    root.mkdir(parents=True)
    seeds = tmp_path / "shared" / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(ARTICLE, encoding="utf-8")
    directory = tmp_path / "realnews"
    write_sample(sample(root=root, quotas={"seeds": 100}, extra_quotas={}, cue_quotas={}, rest_corpora=()), directory)
    return directory, root


def test_sample_keeps_documents_whole_and_rebuilds(corpus):
    directory, root = corpus
    refs = load_sentences(directory, root)
    assert [r.text for r in refs] == ARTICLE.split("\n")
    assert len({r.split for r in refs}) == 1  # one document: one split
    stored = (directory / "sentences.jsonl").read_text()
    assert "Tbilisi" not in stored  # references and hashes, never the text


def test_changed_source_is_an_error(corpus):
    directory, root = corpus
    (root.parent / "seeds" / "a.txt").write_text(ARTICLE.replace("two", "six"), encoding="utf-8")
    with pytest.raises(CorpusError, match="has changed"):
        load_sentences(directory, root)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_import_turns_spans_into_offsets(corpus, tmp_path):
    directory, root = corpus
    sid = load_sentences(directory, root)[2].sid
    rows = [{"sid": sid, "events": [
        {"type": "ACCUSE", "mode": "disapprove", "trigger": "condemned",
         "source": [{"text": "Georgia's interior minister", "country": "GEO", "sector": "GOV"}],
         "target": [], "negated": False, "future": False, "hypothetical": False},
        {"type": "ACCUSE", "mode": "investigate", "trigger": "inquiry", "source": [], "target": []}]}]
    count, problems = import_annotations([_write(tmp_path / "a.jsonl", rows)], "tester", directory=directory,
                                         root=root)
    assert (count, problems) == (1, [])
    (annotated,) = load_annotations(directory=directory, root=root)
    first = annotated.events[0]
    assert annotated.text[first.trigger[0]:first.trigger[1]] == "condemned"
    assert annotated.text[first.source[0].start:first.source[0].end] == "Georgia's interior minister"
    assert first.source[0].country == "GEO" and annotated.types == {"ACCUSE"}
    assert annotated.annotator == "tester"


def test_import_rejects_a_span_not_in_the_sentence(corpus, tmp_path):
    directory, root = corpus
    sid = load_sentences(directory, root)[0].sid
    rows = [{"sid": sid, "events": [{"type": "COERCE", "trigger": "detained", "source": [], "target": []}]},
            {"sid": "nowhere:1:0", "events": []}]
    count, problems = import_annotations([_write(tmp_path / "b.jsonl", rows)], "t", directory=directory,
                                         root=root)
    assert count == 0
    assert any("'detained' is not in the sentence" in p for p in problems)
    assert any("unknown sentence" in p for p in problems)


def test_import_rejects_unknown_types(corpus, tmp_path):
    directory, root = corpus
    sid = load_sentences(directory, root)[0].sid
    rows = [{"sid": sid, "events": [{"type": "ARREST", "trigger": "arrested"}]}]
    _count, problems = import_annotations([_write(tmp_path / "c.jsonl", rows)], "t", directory=directory,
                                          root=root)
    assert problems == [f"{sid}: unknown event type 'ARREST'"]


def test_actor_span_is_the_occurrence_nearest_the_trigger(corpus, tmp_path):
    directory, root = corpus
    sid = load_sentences(directory, root)[0].sid
    rows = [{"sid": sid, "events": [{"type": "ASSAULT", "trigger": "shooting", "source": [],
                                     "target": [{"text": "a", "country": None, "sector": "UNK"}]}]}]
    import_annotations([_write(tmp_path / "d.jsonl", rows)], "t", directory=directory, root=root)
    (annotated,) = load_annotations(directory=directory, root=root)
    event = annotated.events[0]
    # "a" occurs many times; the one kept is the closest to "shooting"
    assert abs(event.target[0].start - event.trigger[0]) <= 3


def test_agreement_of_two_passes(corpus, tmp_path):
    directory, root = corpus
    sids = [r.sid for r in load_sentences(directory, root)]
    arrest = {"type": "COERCE", "mode": "arrest", "trigger": "arrested",
              "source": [{"text": "Police", "country": "GEO", "sector": "COP"}], "target": []}
    first = [{"sid": sids[0], "events": [arrest]}, {"sid": sids[1], "events": []},
             {"sid": sids[2], "events": [{"type": "ACCUSE", "trigger": "condemned"}]}]
    second = [{"sid": sids[0], "events": [arrest]}, {"sid": sids[1], "events": []},
              {"sid": sids[2], "events": [{"type": "REJECT", "trigger": "condemned"}]}]
    import_annotations([_write(tmp_path / "1.jsonl", first)], "a", directory=directory, root=root)
    import_annotations([_write(tmp_path / "2.jsonl", second)], "b", True, directory=directory, root=root)
    figures = {f.name: f.value for f in agreement(directory, root)}
    assert figures["agreement_sentences"] == 3
    assert figures["agreement_main_type_accuracy"] == pytest.approx(2 / 3)
    assert figures["agreement_event_kappa"] == 1.0
    assert figures["agreement_trigger_f1"] == 1.0
    assert figures["agreement_source_f1"] == 1.0


def test_cohen_kappa():
    assert cohen_kappa(list("aabb"), list("aabb")) == 1.0
    assert cohen_kappa(list("abab"), list("aabb")) == pytest.approx(0.0)
    assert cohen_kappa(list("aaab"), list("aaba")) == pytest.approx(-1 / 3)
