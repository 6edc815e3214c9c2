"""End to end through the CLI: run, events, export, stats, actors, idempotency, bad input."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from parley.cli import app
from parley.model import PLOVER_TYPES

from .conftest import REPO, SEEDS, needs_shared

runner = CliRunner()
EXPECTED_KEYS = {"event_id", "doc_id", "event_type", "mode", "quad_class", "intensity", "negated",
                 "future", "hypothetical", "source", "target", "date", "date_precision", "location",
                 "sentence", "sentence_start", "sentence_end", "confidence", "story_id",
                 "num_articles", "num_sources"}


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    if not SEEDS.exists():
        pytest.skip("seeds not available")
    db = tmp_path_factory.mktemp("db") / "p.duckdb"
    result = runner.invoke(app, ["run", str(SEEDS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@needs_shared(SEEDS)
def test_seeds_give_events_with_actors_for_every_article(seeded_db, tmp_path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["export", "--format", "jsonl", str(out), "--db", str(seeded_db)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert EXPECTED_KEYS <= set(events[0])
    docs = {e["doc_id"] for e in events if any(a["country"] for a in e["source"] + e["target"])}
    assert len(docs) == 5
    for e in events:
        assert e["event_type"] in PLOVER_TYPES
        assert -10 <= e["intensity"] <= 10
        assert e["date_precision"] in ("day", "month", "year", "none")
    # offsets point into the cleaned document text
    docs_out = tmp_path / "docs.jsonl"
    runner.invoke(app, ["export", str(docs_out), "--documents", "--db", str(seeded_db)])
    texts = {d["doc_id"]: d["text"] for d in map(json.loads, docs_out.read_text().splitlines())}
    for e in events:
        assert texts[e["doc_id"]][e["sentence_start"]:e["sentence_end"]] == e["sentence"]


@needs_shared(SEEDS)
def test_seed_facts(seeded_db, tmp_path):
    out = tmp_path / "out.jsonl"
    runner.invoke(app, ["export", str(out), "--db", str(seeded_db)])
    events = [json.loads(line) for line in out.read_text().splitlines()]
    request = [e for e in events if e["event_type"] == "REQUEST" and "embargo" in e["sentence"]]
    assert request and request[0]["source"][0]["country"] == "RUS"
    assert request[0]["target"][0]["country"] == "GEO"
    reject = [e for e in events if e["event_type"] == "REJECT" and "refused to attend" in e["sentence"]]
    assert reject and reject[0]["source"][0]["country"] == "GEO" and reject[0]["negated"]


@needs_shared(SEEDS)
def test_events_filters_stats_actors(seeded_db):
    result = runner.invoke(app, ["events", "--db", str(seeded_db), "--country", "GEO", "--type", "REJECT"])
    assert result.exit_code == 0 and "refused" in result.output
    assert runner.invoke(app, ["events", "--db", str(seeded_db), "--type", "BOGUS"]).exit_code != 0
    result = runner.invoke(app, ["events", "--db", str(seeded_db), "--since", "2009-01-01"])
    assert result.exit_code == 0 and "2008-" not in result.output
    result = runner.invoke(app, ["stats", "--db", str(seeded_db)])
    assert "documents: 5" in result.output
    result = runner.invoke(app, ["actors", "--db", str(seeded_db)])
    assert "RUS" in result.output and "person:sergey-lavrov" in result.output
    result = runner.invoke(app, ["actor", "Karassin", "--db", str(seeded_db)])
    assert result.exit_code == 0 and "Grigory Karasin" in result.output and "RUS/GOV" in result.output


@needs_shared(SEEDS)
def test_csv_and_parquet_flatten(seeded_db, tmp_path):
    runner.invoke(app, ["export", "--format", "csv", str(tmp_path / "e.csv"), "--db", str(seeded_db)])
    rows = list(csv.DictReader((tmp_path / "e.csv").open()))
    assert rows and "source_country" in rows[0] and "location_lat" in rows[0]
    runner.invoke(app, ["export", "--format", "parquet", str(tmp_path / "e.parquet"), "--db", str(seeded_db)])
    assert pq.read_table(tmp_path / "e.parquet").num_rows == len(rows)


def test_run_is_idempotent_and_reports_bad_files(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Pakistan accused India of shelling border villages on Monday.")
    (corpus / "empty.txt").write_text("")
    (corpus / "bin.txt").write_bytes(b"\x00\x00\x01" * 100)
    db = str(tmp_path / "x.duckdb")
    first = runner.invoke(app, ["run", str(corpus), "--db", db])
    assert first.exit_code == 0
    assert "processed 1 documents" in first.output
    assert "empty.txt" in first.output and "bin.txt" in first.output and "Traceback" not in first.output
    second = runner.invoke(app, ["run", str(corpus), "--db", db])
    assert "processed 0 documents" in second.output and "1 already coded" in second.output
    ingest = runner.invoke(app, ["ingest", str(corpus / "a.txt"), "--db", db])
    assert "0 new documents, 1 already stored" in ingest.output


def test_clear_errors(tmp_path):
    missing = runner.invoke(app, ["run", str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb")])
    assert missing.exit_code != 0 and "no such file" in missing.output
    nodb = runner.invoke(app, ["events", "--db", str(tmp_path / "absent.duckdb")])
    assert nodb.exit_code != 0 and "no Parley database" in nodb.output
    badfmt = runner.invoke(app, ["export", "--format", "xml", str(tmp_path / "o"), "--db", str(tmp_path / "absent.duckdb")])
    assert badfmt.exit_code != 0 and "unknown format" in badfmt.output
    noserve = runner.invoke(app, ["serve", "--db", str(tmp_path / "absent.duckdb")])
    assert noserve.exit_code != 0 and "no such database" in noserve.output
    (tmp_path / "out").mkdir()
    overwrite = runner.invoke(app, ["spark", str(tmp_path), "--out", str(tmp_path / "out")])
    assert overwrite.exit_code != 0 and "output folder exists" in overwrite.output


def test_search(tmp_path):
    db = str(tmp_path / "s.duckdb")
    runner.invoke(app, ["run", str(REPO / "examples"), "--db", db])
    result = runner.invoke(app, ["search", "ceasefire", "--db", db])
    assert result.exit_code == 0 and "Ceasefire collapses" in result.output


def test_batches_share_learned_roles(tmp_path):
    from parley.pipeline import run_paths
    from parley.store import Store

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Russian Foreign Minister Sergey Lavrov met Turkish officials in Ankara on Monday.")
    (corpus / "b.txt").write_text("Lavrov criticized Georgia over the border incident on Tuesday.")
    with Store(tmp_path / "b.duckdb") as store:
        report = run_paths([corpus], store, batch_size=1)
        assert report.documents == 2
        accuse = [e for e in store.events() if e["event_type"] == "ACCUSE"]
    assert accuse and accuse[0]["source"][0]["country"] == "RUS"


def test_a_run_reports_files_read_and_documents_coded(tmp_path):
    from parley.pipeline import run_paths
    from parley.store import Store

    for name, text in [("a.txt", "Russia accused Georgia of shelling Tskhinvali on Tuesday."),
                       ("b.txt", "NATO urged Russia to withdraw its troops."), ("c.txt", " ")]:
        (tmp_path / name).write_text(text)
    calls: list[tuple[str, int, int]] = []
    with Store(tmp_path / "p.duckdb") as store:
        report = run_paths([tmp_path / n for n in ("a.txt", "b.txt", "c.txt")], store,
                           lambda stage, done, total: calls.append((stage, done, total)), batch_size=1)
        assert report.documents == 2 and report.events == len(store.events()) > 0
    assert calls[-1] == ("read", 3, 3)
    assert [c for c in calls if c[0] == "code"][-1] == ("code", 2, 2)
    assert [p.message for p in report.problems] == ["empty document"]


@needs_shared(REPO.parent / "shared" / "data")
def test_realnews_show_and_stats():
    shown = runner.invoke(app, ["realnews", "show", "--split", "dev", "--limit", "3"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.count("(dev)") == 3
    stats = runner.invoke(app, ["realnews", "stats"])
    assert stats.exit_code == 0, stats.output
    assert "agreement_main_type_kappa: " in stats.output and "total: " in stats.output


def test_realnews_sample_will_not_overwrite_annotated_sentences():
    result = runner.invoke(app, ["realnews", "sample"])
    assert result.exit_code == 1 and "--force" in result.output


def test_train_events_with_missing_data_says_so(tmp_path):
    result = runner.invoke(app, ["train", "events", "--data", str(tmp_path / "none.csv")])
    assert result.exit_code == 1 and "training data not found" in result.output


def test_a_run_over_hostile_files_stores_the_rest(tmp_path):
    """Issue 17's hostile inputs in one folder: each is reported in a line (or coded), the
    run ends normally and every good document is stored."""
    import os

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Police arrested two men in Tbilisi on Monday.")
    lines = ['{"id": ' + "9" * 5000 + ', "text": "Rebels attacked a convoy near Goma."}', "[" * 200_000,
             '{"text": "Protesters rallied in Yerevan \\ud800 on Sunday.", "title": "Rally \\udfff"}']
    (corpus / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    with open(os.fsencode(str(corpus)) + b"/caf\xe9.txt", "wb") as fh:
        fh.write(b"Troops shelled the village of Avdiivka.")
    (corpus / "long.txt").write_text("Police detained a protester in Baku. " * 60_000)  # 2.2 MB, one line
    (corpus / "cut.warc").write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 900\r\n\r\nHTTP/1.1 2")
    os.mkfifo(corpus / "pipe.txt")
    db = str(tmp_path / "x.duckdb")
    result = runner.invoke(app, ["run", str(corpus), "--db", db, "--max-chars", "20000"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "processed 5 documents" in result.output  # good, 2 JSONL records, café, long
    assert "--max-chars" in result.output and "pipe.txt" in result.output and "cut.warc" in result.output
    listed = runner.invoke(app, ["events", "--db", db, "--limit", "500"])
    assert "Tbilisi" in listed.output or "arrest" in listed.output.lower()


def test_export_and_filters_refuse_what_they_cannot_do(tmp_path):
    db = str(tmp_path / "x.duckdb")
    (tmp_path / "a.txt").write_text("Police arrested two men in Tbilisi.")
    assert runner.invoke(app, ["run", str(tmp_path / "a.txt"), "--db", db]).exit_code == 0
    bad_date = runner.invoke(app, ["events", "--db", db, "--since", "notadate"])
    assert bad_date.exit_code != 0 and "no date" in bad_date.output
    assert runner.invoke(app, ["events", "--db", db, "--until", "2024-02-30"]).exit_code != 0
    assert runner.invoke(app, ["events", "--db", db, "--since", "2024-02"]).exit_code == 0
    folder = runner.invoke(app, ["export", str(tmp_path), "--db", db])
    assert folder.exit_code != 0 and "folder" in folder.output and "Traceback" not in folder.output


def test_an_empty_store_exports_every_column(tmp_path):
    from parley.store import Store

    empty, full = str(tmp_path / "empty.duckdb"), str(tmp_path / "full.duckdb")
    Store(empty).close()
    (tmp_path / "a.txt").write_text("Police arrested two men in Tbilisi.")
    runner.invoke(app, ["run", str(tmp_path / "a.txt"), "--db", full])
    for fmt in ("csv", "parquet"):
        runner.invoke(app, ["export", str(tmp_path / f"e.{fmt}"), "--format", fmt, "--db", empty])
        runner.invoke(app, ["export", str(tmp_path / f"f.{fmt}"), "--format", fmt, "--db", full])
    header = (tmp_path / "e.csv").read_text().splitlines()[0]
    assert header == (tmp_path / "f.csv").read_text().splitlines()[0]
    assert pq.read_schema(tmp_path / "e.parquet") == pq.read_schema(tmp_path / "f.parquet")
    assert len(pq.read_schema(tmp_path / "e.parquet")) == len(header.split(","))


def test_a_document_in_another_language_is_not_coded_and_says_why(tmp_path):
    (tmp_path / "en.txt").write_text("Police arrested two men in Tbilisi on Monday.")
    (tmp_path / "ru.txt").write_text("Российские войска вошли в Гори в пятницу, сообщили официальные лица Грузии. "
                                     "Министерство обороны России не прокомментировало сообщения.", encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 0 and "processed 1 documents" in result.output
    assert "ru.txt" in result.output and "Russian (ru), not English: not coded" in result.output


def test_train_if_stale_keeps_a_model_made_from_the_same_data_and_retrains_another(tmp_path, monkeypatch):
    import parley.events.training as training
    from parley.evaluation.metrics import default_data
    from parley.events.classifier import EventTypeModel, TrainConfig

    stories = tmp_path / "stories.csv"
    stories.write_text("text,label\\nRebels attacked a convoy.,ASSAULT\\n", encoding="utf-8")
    out = tmp_path / "model.pt"

    def no_training(*args, **kwargs):
        raise ValueError("training was started")

    monkeypatch.setattr(training, "train_event_model", no_training)
    fingerprint = training.training_fingerprint(stories, TrainConfig())
    assert fingerprint != training.training_fingerprint(stories, TrainConfig(epochs=1))
    assert fingerprint != training.training_fingerprint(default_data(training.STORIES), TrainConfig())
    for stored, kept in ((fingerprint, True), ("0" * 16, False), (None, False)):
        import torch

        torch.save({"info": {"fingerprint": stored} if stored else {}}, out)
        assert EventTypeModel.stored_info(out) == ({"fingerprint": stored} if stored else {})
        result = runner.invoke(app, ["train", "events", "--if-stale", "--data", str(stories), "--out", str(out)])
        if kept:
            assert result.exit_code == 0 and "up to date" in result.output
        else:
            assert result.exit_code == 1 and "training was started" in result.output


def test_load_refuses_a_folder_that_is_no_spark_output(tmp_path):
    db = tmp_path / "x.duckdb"
    result = runner.invoke(app, ["load", str(tmp_path), "--db", str(db)])
    # (rich wraps the line at 80 columns when the output is no terminal)
    assert result.exit_code == 1 and "is not a Parley Spark output" in " ".join(result.output.split())
    assert result.output.startswith("error:") and "Traceback" not in result.output and not db.exists()
    bad = runner.invoke(app, ["spark", str(tmp_path), "--out", str(tmp_path / "o"), "--format", "csv"])
    assert bad.exit_code == 1 and "unknown format" in bad.output
