from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from parley.api import create_app


@pytest.fixture(scope="module")
def client(coded_store):
    with TestClient(create_app(coded_store)) as test_client:
        yield test_client


def test_summary_counts_what_the_store_holds(client):
    summary = client.get("/api/summary").json()
    assert summary["documents"] == 3 and summary["documents_dated"] == 2
    assert summary["events"] == sum(row["n"] for row in summary["by_type"]) > 0
    assert {row["country"] for row in summary["countries"]} >= {"RUS", "GEO"}
    assert all(row["month"] in ("2008-08", "2008-12") for row in summary["by_month"])


def test_events_are_filtered_paged_and_counted(client):
    everything = client.get("/api/events").json()
    assert everything["total"] == len(everything["events"])
    accusations = client.get("/api/events", params={"type": "accuse"}).json()
    assert accusations["total"] >= 1
    assert all(e["event_type"] == "ACCUSE" for e in accusations["events"])
    turkish = client.get("/api/events", params={"country": "TUR"}).json()["events"]
    assert turkish and all("TUR" in [a["country"] for a in e["source"] + e["target"]] for e in turkish)
    december = client.get("/api/events", params={"since": "2008-12", "until": "2008-12"}).json()["events"]
    assert december and all(e["date"].startswith("2008-12") for e in december)
    page = client.get("/api/events", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == everything["total"] and page["events"] == everything["events"][1:2]
    worded = client.get("/api/events", params={"q": "urged"}).json()["events"]
    assert worded and len(worded) < everything["total"] and all("urged" in e["sentence"] for e in worded)


def test_an_event_and_its_document_are_traceable(client):
    event = client.get("/api/events", params={"type": "REQUEST"}).json()["events"][0]
    assert client.get(f"/api/events/{event['event_id']}").json() == event
    doc = client.get(f"/api/documents/{event['doc_id']}").json()
    assert doc["text"][event["sentence_start"]:event["sentence_end"]] == event["sentence"]
    assert event["event_id"] in [e["event_id"] for e in doc["events"]]


@pytest.mark.parametrize("url,status", [
    ("/api/events/nope", 404), ("/api/documents/nope", 404),
    ("/api/events?since=last%20week", 422), ("/api/events?type=BOMB", 422),
    ("/api/events?limit=0", 422), ("/api/events?country=1", 422), ("/api/search?q=%21%21", 422),
    ("/api/events?offset=9223372036854775808", 422), ("/api/events?since=2024-13-45", 422),
    ("/api/events?until=9999-99-99", 422), ("/api/export?since=2023-02-29", 422),
])
def test_bad_requests_say_why(client, url, status):
    response = client.get(url)
    assert response.status_code == status and response.json()["detail"]


def test_search_and_actors(client):
    hits = client.get("/api/search", params={"q": "Tskhinvali"}).json()
    assert len(hits) == 1
    actors = {a["actor_id"]: a for a in client.get("/api/actors").json()}
    assert "RUS" in actors and actors["RUS"]["mentions"] >= 2


def test_the_front_end_is_served_from_this_machine(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert "http" not in page.text.replace('href="data:,"', "")  # no CDN, no outside asset
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_a_missing_database_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "none.duckdb")


def test_filtered_events_download_as_csv_and_json_lines(client):
    response = client.get("/api/export", params={"format": "csv", "country": "TUR"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    expected = client.get("/api/events", params={"country": "TUR"}).json()["total"]
    assert len(rows) == expected and all("TUR" in r["source_country"] + r["target_country"] for r in rows)
    lines = client.get("/api/export", params={"format": "jsonl"}).text.splitlines()
    assert len(lines) == client.get("/api/summary").json()["events"]
    assert json.loads(lines[0])["doc_title"].startswith("Article")
    assert client.get("/api/export", params={"format": "xml"}).status_code == 422


def test_every_report_of_one_story(client):
    event = client.get("/api/events", params={"type": "ACCUSE"}).json()["events"][0]
    story = client.get("/api/events", params={"story": event["story_id"]}).json()
    assert event in story["events"] and all(e["story_id"] == event["story_id"] for e in story["events"])
    assert story["total"] < client.get("/api/summary").json()["events"]


def test_a_year_only_date_does_not_break_the_months(tmp_path):
    from parley.model import Document, Event
    from parley.store import Store

    def event(i: int, date: str) -> Event:
        return Event(f"e{i}", "d", "ASSAULT", None, "material_conflict", -10.0, False, False, False, [], [],
                     "Troops attacked.", 0, 16, "attack", 7, 0, 0.9, "rule:attack", date=date)

    doc = Document(doc_id="d", origin="t", raw="Troops attacked.", fmt="txt", text="Troops attacked.",
                   events=[event(1, "1930"), event(2, "2008-08"), event(3, "2008-08-07"), event(4, "2009-01-02")])
    with Store(tmp_path / "s.duckdb") as store:
        store.save_document(doc)
        summary = store.summary()
    assert summary["by_month"] == [{"month": "2008-08", "n": 2}, {"month": "2009-01", "n": 1}]
    assert summary["events"] == 4


def _hold_write_lock(db, seconds: float):
    """Another process writing the store: holds DuckDB's lock for `seconds`."""
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(float(sys.argv[2]))", str(db), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_the_server_sees_a_later_run_and_never_blocks_it(tmp_path, coded_store, monkeypatch):
    import shutil

    import parley.api as api
    from parley.model import Document
    from parley.store import Store

    db = tmp_path / "copy.duckdb"
    shutil.copy(coded_store, db)
    monkeypatch.setattr(api, "BUSY_WAIT", 0.2)
    with TestClient(create_app(db)) as test_client:
        before = test_client.get("/api/summary").json()["documents"]
        with Store(db) as writer:  # a run writing while the server is up: not refused
            writer.save_document(Document(doc_id="new", origin="t", raw="x", fmt="txt", text="x"))
        assert test_client.get("/api/summary").json()["documents"] == before + 1
        holder = _hold_write_lock(db, 3)
        try:
            busy = test_client.get("/api/summary")
        finally:
            holder.kill()
            holder.wait()
        assert busy.status_code == 503 and "in use" in busy.json()["detail"]
        assert test_client.get("/api/summary").status_code == 200


def test_the_cli_says_in_a_line_that_the_store_is_busy_and_can_wait(tmp_path, coded_store):
    import shutil

    from typer.testing import CliRunner

    from parley.cli import app

    db = tmp_path / "copy.duckdb"
    shutil.copy(coded_store, db)
    runner = CliRunner()
    holder = _hold_write_lock(db, 1.5)
    try:
        refused = runner.invoke(app, ["stats", "--db", str(db)])
        waited = runner.invoke(app, ["--wait", "30", "stats", "--db", str(db)])
    finally:
        holder.kill()
        holder.wait()
    assert refused.exit_code != 0 and "in use by process" in refused.output and "--wait" in refused.output
    assert "Traceback" not in refused.output and len(refused.output.strip().splitlines()) <= 3
    assert waited.exit_code == 0 and "documents: 3" in waited.output


def test_actor_and_word_filters_match_words_not_patterns_or_json(client):
    everything = client.get("/api/events").json()["total"]
    for pattern in ("%", "_", "country", "sector", "name", '"'):
        assert client.get("/api/events", params={"actor": pattern}).json()["total"] == 0, pattern
    assert client.get("/api/events", params={"q": "%"}).json()["total"] == 0
    assert client.get("/api/events", params={"q": "_"}).json()["total"] == 0
    by_id = client.get("/api/events", params={"actor": "RUS"}).json()
    assert 0 < by_id["total"] < everything
    assert all(any("RUS" in (a["actor_id"] or "") or "rus" in (a["text"] + (a["name"] or "")).lower()
                   for a in e["source"] + e["target"]) for e in by_id["events"])


def test_several_types_at_once(client):
    present = [row["event_type"] for row in client.get("/api/summary").json()["by_type"]][:2]
    one = {t: client.get("/api/events", params={"type": t}).json()["total"] for t in present}
    both = client.get("/api/events", params=[("type", t) for t in present]).json()
    assert len(present) == 2 and min(one.values()) > 0 and both["total"] == sum(one.values())
    assert {e["event_type"] for e in both["events"]} == set(present)
    assert client.get("/api/events", params=[("type", "ACCUSE"), ("type", "NOPE")]).status_code == 422
