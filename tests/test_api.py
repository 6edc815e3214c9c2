from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from parley.api import create_app


@pytest.fixture(scope="module", params=["raw", "aggregated"])
def client(coded_store, request, tmp_path_factory):
    """The coded store as a run leaves it (its derived tables current: the queries read
    them), and as it is before they are built (the queries read the events table)."""
    db = coded_store
    if request.param == "aggregated":
        import shutil

        from parley.store import Store

        db = tmp_path_factory.mktemp("aggregated") / "parley.duckdb"
        shutil.copy(coded_store, db)
        with Store(db) as store:
            store.mark_stories_current()
    with TestClient(create_app(db)) as test_client:
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
    # what the page's document search lists: where and when, and how many events each has
    assert hits and {"source", "published", "events", "origin"} <= set(hits[0]) and hits[0]["events"] >= 1
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
    with TestClient(create_app(db, keep_open=0)) as test_client:
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


# ---- the analyst's workbench: actors, dyads, the network, the map, stories ----------------

def _actor(actor_id: str, text: str, name: str, country: str | None, sector: str | None):
    from parley.model import ActorRef

    return ActorRef(text, actor_id, name, country, sector)


RUS = ("RUS", "Russia", "Russian Federation", "RUS", "GOV")
GEO = ("GEO", "Georgia", "Georgia", "GEO", "GOV")
TBILISI, GORI, MOSCOW = (41.69, 44.83), (41.98, 44.11), (55.75, 37.62)


def _bench_event(event_id: str, doc_id: str, event_type: str, source, target, date, place=None,
                 story: str | None = None, articles: int = 1, sources: int = 1):
    from parley.events.ontology import QUAD_CLASS, TYPE_SCORE
    from parley.model import Event, Place

    location = Place(place[0], None, *place[1]) if place else None
    return Event(event_id, doc_id, event_type, None, QUAD_CLASS[event_type], TYPE_SCORE[event_type],
                 False, False, False, [_actor(*a) for a in source], [_actor(*a) for a in target],
                 f"Sentence {event_id}.", 0, 10, "x", 0, 0, 0.9, "rule:x", date=date,
                 location=location, story_id=story or f"story-{event_id}", num_articles=articles,
                 num_sources=sources)


@pytest.fixture(scope="module", params=["raw", "aggregated"])
def bench(tmp_path_factory, request):
    """A store built by hand, so every aggregate has one known answer: Russia and Georgia
    (four events one way, one the other), a story told by two agencies, a person with dated
    roles, an undated event and one dated to the year only."""
    from parley.actors.knowledge import Person, Role
    from parley.model import Document
    from parley.store import Store

    lavrov = ("person:sergey-lavrov", "Lavrov", "Sergey Lavrov", "RUS", "GOV")
    nato, usa = ("NATO", "NATO", "North Atlantic Treaty Organization", "NATO", None), \
        ("USA", "Washington", "United States", "USA", "GOV")
    troops = ("RUS", "Russian troops", "Russian Federation", "RUS", "MIL")
    moscow = ("RUS", "Moscow", "Russian Federation", "RUS", "GOV")
    d1 = Document(doc_id="d1", origin="/srv/feeds/wire.jsonl#1", raw="x", fmt="jsonl", text="x" * 40,
                  title="Talks in Tbilisi", source="Reuters", url="https://example.org/a", published="2024-01-10",
                  events=[
                      _bench_event("e1", "d1", "ACCUSE", [RUS], [GEO], "2024-01-09", ("Tbilisi", TBILISI),
                                   story="s-accuse", articles=2, sources=2),
                      _bench_event("e2", "d1", "CONSULT", [GEO], [RUS], "2024-02-01", ("Tbilisi", TBILISI)),
                      _bench_event("e3", "d1", "ASSAULT", [troops], [GEO], "2024-02-15", ("Gori", GORI)),
                  ])
    d2 = Document(doc_id="d2", origin="/srv/feeds/wire.jsonl#2", raw="y", fmt="jsonl", text="y" * 40,
                  title="Reports from Georgia", source="AP", url="javascript:alert(1)", published="2024-01-11",
                  events=[
                      _bench_event("e4", "d2", "ACCUSE", [moscow], [GEO], "2024-01-09", ("Tbilisi", TBILISI),
                                   story="s-accuse", articles=2, sources=2),
                      _bench_event("e5", "d2", "AGREE", [lavrov], [usa], "2024-03", ("Moscow", MOSCOW)),
                      _bench_event("e6", "d2", "REQUEST", [nato], [RUS], None),
                      _bench_event("e7", "d2", "AID", [usa], [GEO], "2023"),
                  ])
    people = [Person("person:sergey-lavrov", "Sergey Lavrov", ["Sergey Lavrov", "Lavrov", "Sergei Lavrov"],
                     [Role("RUS", "GOV", "Foreign Minister", "2004-03-09", None),
                      Role("RUS", "GOV", "Ambassador to the UN", "1994-04-01", "2004-03-08")]),
              Person("person:nobody-yet", "Nobody Yet", ["Nobody Yet"], [])]
    path = tmp_path_factory.mktemp("bench") / "bench.duckdb"
    with Store(path) as store:
        store.save_document(d1)
        store.save_document(d2)
        store.save_people(people)
        if request.param == "aggregated":
            store.refresh_aggregates()
    with TestClient(create_app(path)) as test_client:
        yield test_client


def test_the_event_list_filters_by_quad_class_and_place_and_sorts(bench):
    conflict = bench.get("/api/events", params={"quad": "material_conflict"}).json()
    assert [e["event_id"] for e in conflict["events"]] == ["e3"]
    either = bench.get("/api/events", params=[("quad", "verbal_conflict"), ("quad", "material_coop")]).json()
    assert {e["event_id"] for e in either["events"]} == {"e1", "e4", "e6", "e7"}
    assert bench.get("/api/events", params={"quad": "verbal_conflict", "type": "REQUEST"}).json()["total"] == 1
    tbilisi = bench.get("/api/events", params={"place": "Tbilisi"}).json()
    assert tbilisi["total"] == 3 and {e["location"]["name"] for e in tbilisi["events"]} == {"Tbilisi"}
    assert bench.get("/api/events", params={"place": "Tbil"}).json()["total"] == 0  # a whole name
    scores = [e["intensity"] for e in bench.get("/api/events", params={"sort": "intensity"}).json()["events"]]
    assert scores == sorted(scores) and scores[0] == -9.0
    scores = [e["intensity"] for e in bench.get("/api/events", params={"sort": "-intensity"}).json()["events"]]
    assert scores == sorted(scores, reverse=True) and scores[0] == 10.0
    dates = [e["date"] for e in bench.get("/api/events", params={"sort": "-date"}).json()["events"]]
    assert dates[0] == "2024-03" and dates[-1] is None  # undated last, either way
    page = bench.get("/api/events", params={"sort": "-intensity", "limit": 2, "offset": 1}).json()["events"]
    assert [e["intensity"] for e in page] == scores[1:3]
    exported = bench.get("/api/export", params={"format": "jsonl", "quad": "material_conflict"}).text
    assert [json.loads(line)["event_id"] for line in exported.splitlines()] == ["e3"]


def test_an_actor_page_has_its_aliases_roles_events_and_partners(bench):
    russia = bench.get("/api/actors/RUS").json()
    assert russia["name"] == "Russian Federation" and russia["person"] is False and russia["aliases"] == []
    assert russia["total"] == 5 and russia["as_source"] == 3 and russia["as_target"] == 2
    assert {f["text"]: f["n"] for f in russia["forms"]} == {"Russia": 3, "Russian troops": 1, "Moscow": 1}
    assert {(r["country"], r["sector"]): r["n"] for r in russia["observed_roles"]} == {("RUS", "GOV"): 4, ("RUS", "MIL"): 1}
    assert russia["by_month"] == [
        {"month": "2024-01", "quad_class": "verbal_conflict", "n": 2},
        {"month": "2024-02", "quad_class": "material_conflict", "n": 1},
        {"month": "2024-02", "quad_class": "verbal_coop", "n": 1}]
    partners = {p["actor_id"]: p for p in russia["partners"]}
    assert partners["GEO"]["n"] == 4 and partners["GEO"]["acts_on"] == 3 and partners["GEO"]["acted_on_by"] == 1
    assert partners["NATO"]["acted_on_by"] == 1 and partners["NATO"]["acts_on"] == 0
    assert list(partners)[0] == "GEO" and "RUS" not in partners
    assert [e["date"] for e in russia["events"]] == ["2024-02-15", "2024-02-01", "2024-01-09", "2024-01-09", None]
    page = bench.get("/api/actors/RUS", params={"limit": 2, "offset": 2}).json()
    assert [e["event_id"] for e in page["events"]] == [e["event_id"] for e in russia["events"][2:4]]


def test_a_persons_page_has_its_known_names_and_dated_roles(bench):
    lavrov = bench.get("/api/actors/person:sergey-lavrov").json()
    assert lavrov["person"] and lavrov["name"] == "Sergey Lavrov"
    assert lavrov["aliases"] == ["Sergey Lavrov", "Lavrov", "Sergei Lavrov"]
    assert [r["title"] for r in lavrov["roles"]] == ["Ambassador to the UN", "Foreign Minister"]  # in time order
    assert lavrov["forms"] == [{"text": "Lavrov", "n": 1}] and lavrov["total"] == 1
    assert lavrov["partners"][0]["actor_id"] == "USA"
    # a person the store knows but no event names yet has a page; an unknown id has none
    assert bench.get("/api/actors/person:nobody-yet").json()["total"] == 0
    assert bench.get("/api/actors/person:nobody-at-all").status_code == 404


def test_a_dyad_is_both_directions_over_time(bench):
    dyad = bench.get("/api/dyad", params={"a": "RUS", "b": "GEO"}).json()
    assert dyad["a"]["name"] == "Russian Federation" and dyad["b"]["name"] == "Georgia"
    series = {(s["direction"], s["period"]): s for s in dyad["series"]}
    assert set(series) == {("a_to_b", "2024-01"), ("a_to_b", "2024-02"), ("b_to_a", "2024-02")}
    assert series["a_to_b", "2024-01"]["n"] == 2 and series["a_to_b", "2024-01"]["mean_intensity"] == -3.0
    assert series["a_to_b", "2024-01"]["verbal_conflict"] == 2
    assert series["a_to_b", "2024-02"]["material_conflict"] == 1 and series["a_to_b", "2024-02"]["total_intensity"] == -9.0
    assert series["b_to_a", "2024-02"]["mean_intensity"] == 2.5
    totals = {t["direction"]: t for t in dyad["totals"]}
    assert totals["a_to_b"]["n"] == 3 and totals["b_to_a"]["n"] == 1
    assert sorted((e["direction"], e["event_id"]) for e in dyad["events"]) == [
        ("a_to_b", "e1"), ("a_to_b", "e3"), ("a_to_b", "e4"), ("b_to_a", "e2")]
    swapped = bench.get("/api/dyad", params={"a": "GEO", "b": "RUS"}).json()
    assert {t["direction"]: t["n"] for t in swapped["totals"]} == {"a_to_b": 1, "b_to_a": 3}
    yearly = bench.get("/api/dyad", params={"a": "RUS", "b": "GEO", "unit": "year"}).json()["series"]
    assert [(s["direction"], s["period"], s["n"]) for s in yearly] == [("a_to_b", "2024", 3), ("b_to_a", "2024", 1)]
    later = bench.get("/api/dyad", params={"a": "RUS", "b": "GEO", "since": "2024-02"}).json()
    assert {s["period"] for s in later["series"]} == {"2024-02"}
    # the year-only AID and the undated REQUEST count, but in no month
    usa = {t["direction"]: t for t in bench.get("/api/dyad", params={"a": "USA", "b": "GEO"}).json()["totals"]}
    assert usa["a_to_b"]["n"] == 1 and usa["a_to_b"]["undated"] == 1


def test_the_network_is_who_acts_on_whom_weighted_and_filtered(bench):
    network = bench.get("/api/network").json()
    edges = {(e["source"], e["target"]): e for e in network["edges"]}
    assert set(edges) == {("RUS", "GEO"), ("GEO", "RUS"), ("person:sergey-lavrov", "USA"), ("NATO", "RUS"), ("USA", "GEO")}
    assert edges["RUS", "GEO"]["n"] == 3 and edges["RUS", "GEO"]["quad_class"] == "verbal_conflict"
    assert network["edges"][0]["source"] == "RUS"  # heaviest first
    nodes = {n["actor_id"]: n for n in network["nodes"]}
    assert set(nodes) == {"RUS", "GEO", "NATO", "USA", "person:sergey-lavrov"}
    assert nodes["RUS"]["events"] == 5 and nodes["person:sergey-lavrov"]["name"] == "Sergey Lavrov"
    conflict = bench.get("/api/network", params={"quad": "material_conflict"}).json()["edges"]
    assert [(e["source"], e["target"], e["n"]) for e in conflict] == [("RUS", "GEO", 1)]
    assert [e["target"] for e in bench.get("/api/network", params={"min": 2}).json()["edges"]] == ["GEO"]
    assert len(bench.get("/api/network", params={"limit": 2}).json()["edges"]) == 2
    dated = bench.get("/api/network", params={"since": "2024-02", "until": "2024-02"}).json()["edges"]
    assert {(e["source"], e["target"]) for e in dated} == {("RUS", "GEO"), ("GEO", "RUS")}
    assert bench.get("/api/network", params={"country": "XYZ"}).json() == {"nodes": [], "edges": []}


def test_the_map_bins_located_events_by_quad_class(bench):
    coarse = bench.get("/api/map", params={"cell": 1}).json()
    assert coarse["events"] == 7 and coarse["located"] == 5
    bins = {round(b["lat"]): b for b in coarse["bins"]}
    caucasus = bins[42]  # Tbilisi's three events and Gori's one share a one-degree cell
    assert caucasus["n"] == 4 and caucasus["verbal_conflict"] == 2 and caucasus["material_conflict"] == 1
    assert caucasus["verbal_coop"] == 1 and caucasus["places"] == [{"name": "Tbilisi", "n": 3}, {"name": "Gori", "n": 1}]
    assert bins[56]["n"] == 1 and bins[56]["places"][0]["name"] == "Moscow"
    fine = bench.get("/api/map", params={"cell": 0.25}).json()
    assert sorted(b["n"] for b in fine["bins"]) == [1, 1, 3]
    assert [(p["place"], p["n"]) for p in fine["places"]] == [("Tbilisi", 3), ("Gori", 1), ("Moscow", 1)]
    conflict = bench.get("/api/map", params={"quad": "material_conflict"}).json()
    assert [b["places"][0]["name"] for b in conflict["bins"]] == ["Gori"] and conflict["events"] == 1


def test_stories_list_their_articles_sources_and_span(bench):
    listed = bench.get("/api/stories").json()
    assert listed["total"] == 6
    top = listed["stories"][0]  # most articles first
    assert top["story_id"] == "s-accuse" and top["num_articles"] == 2 and top["documents"] == 2
    assert top["events"] == 2 and top["types"] == ["ACCUSE"] and top["title"] == "Talks in Tbilisi"
    assert bench.get("/api/stories", params={"type": "ASSAULT"}).json()["total"] == 1
    page = bench.get("/api/stories", params={"limit": 2, "offset": 2, "sort": "date"}).json()
    by_date = bench.get("/api/stories", params={"sort": "date"}).json()["stories"]
    assert page["total"] == 6 and [s["story_id"] for s in page["stories"]] == [s["story_id"] for s in by_date[2:4]]
    assert by_date[0]["last_date"] == "2024-03"
    story = bench.get("/api/stories/s-accuse").json()
    assert [d["doc_id"] for d in story["documents"]] == ["d1", "d2"]  # by publication date
    assert [d["origin"] for d in story["documents"]] == ["wire.jsonl#1", "wire.jsonl#2"]  # never the server's folders
    assert story["sources"] == [{"source": "AP", "articles": 1}, {"source": "Reuters", "articles": 1}]
    assert story["first_date"] == story["last_date"] == "2024-01-09"
    assert (story["first_published"], story["last_published"]) == ("2024-01-10", "2024-01-11")
    assert {e["event_id"] for e in story["events"]} == {"e1", "e4"} and story["num_sources"] == 2


@pytest.mark.parametrize("url,status", [
    ("/api/actors/nope", 404), ("/api/actors/RUS?limit=0", 422), ("/api/actors/RUS?offset=-1", 422),
    ("/api/dyad?a=RUS", 422), ("/api/dyad?a=RUS&b=RUS", 422), ("/api/dyad?a=RUS&b=nope", 404),
    ("/api/dyad?a=nope&b=RUS", 404), ("/api/dyad?a=RUS&b=GEO&unit=week", 422),
    ("/api/dyad?a=RUS&b=GEO&since=2024-13", 422), ("/api/dyad?a=RUS&b=GEO&until=2023-02-29", 422),
    ("/api/network?limit=0", 422), ("/api/network?limit=100000", 422), ("/api/network?min=0", 422),
    ("/api/network?quad=cooperation", 422), ("/api/network?type=BOMB", 422), ("/api/network?since=soon", 422),
    ("/api/map?cell=0", 422), ("/api/map?cell=91", 422), ("/api/map?cell=x", 422), ("/api/map?until=2024-02-30", 422),
    ("/api/stories?sort=title", 422), ("/api/stories?limit=501", 422), ("/api/stories?quad=x", 422),
    ("/api/stories/nope", 404), ("/api/events?sort=sentence", 422), ("/api/events?sort=--date", 422),
    ("/api/events?quad=verbal", 422), ("/api/export?quad=verbal", 422),
])
def test_the_workbench_endpoints_say_why_a_request_is_bad(bench, url, status):
    response = bench.get(url)
    assert response.status_code == status and response.json()["detail"]


def test_the_workbench_endpoints_work_on_a_coded_store(client):
    """The same endpoints over the pipeline's own output (three small articles)."""
    russia = client.get("/api/actors/RUS").json()
    assert russia["total"] >= 3 and any(p["actor_id"] == "GEO" for p in russia["partners"])
    dyad = client.get("/api/dyad", params={"a": "RUS", "b": "GEO"}).json()
    assert {s["period"] for s in dyad["series"]} == {"2008-08", "2008-12"}
    edges = {(e["source"], e["target"]) for e in client.get("/api/network").json()["edges"]}
    assert ("RUS", "GEO") in edges and ("NATO", "RUS") in edges
    places = {p["place"] for p in client.get("/api/map").json()["places"]}
    assert {"Tbilisi", "Geneva"} <= places
    stories = client.get("/api/stories").json()
    assert stories["total"] == client.get("/api/summary").json()["stories"]
    story = client.get(f"/api/stories/{stories['stories'][0]['story_id']}").json()
    assert story["documents"] and story["events"]


# ---- scale: keyset pages, derived tables, streamed exports --------------------------------

def _walk(client, params: dict, limit: int) -> list[str]:
    """Every event id of a filtered, sorted list, page by page through the `next` cursors."""
    ids, cursor = [], None
    for _ in range(1000):
        page = client.get("/api/events", params={**params, "limit": limit, **({"after": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["events"]) <= limit
        ids += [e["event_id"] for e in body["events"]]
        cursor = body["next"]
        if cursor is None:
            return ids
    raise AssertionError("the cursors never ended")


@pytest.mark.parametrize("params", [{}, {"sort": "intensity"}, {"sort": "-date"}, {"sort": "place"},
                                    {"sort": "-source"}, {"sort": "articles"}, {"quad": "verbal_conflict"},
                                    {"country": "RUS", "sort": "-intensity"}])
def test_keyset_pages_walk_the_whole_list_in_order(bench, params):
    everything = bench.get("/api/events", params={**params, "limit": 500}).json()
    assert everything["next"] is None  # one page holds it all: no page after
    expected = [e["event_id"] for e in everything["events"]]
    assert len(expected) == everything["total"] > 0
    for limit in (1, 2, 3):
        walked = _walk(bench, params, limit)
        assert walked == expected  # in order, no gap, no repeat


def test_a_cursor_must_be_one_the_server_gave(bench):
    first = bench.get("/api/events", params={"limit": 2}).json()
    assert first["next"]
    for bad in ("nope", "W10", first["next"] + "x" * 3):
        assert bench.get("/api/events", params={"after": bad}).status_code == 422
    # a cursor of the date order is not one of the intensity order (it holds one key less)
    assert bench.get("/api/events", params={"after": first["next"], "sort": "intensity"}).status_code == 422
    # an offset counts from the cursor
    after = bench.get("/api/events", params={"after": first["next"], "limit": 1, "offset": 1}).json()["events"]
    assert [e["event_id"] for e in after] == [e["event_id"] for e in bench.get("/api/events").json()["events"][3:4]]


ORDERS = [{}, {"sort": "-intensity"}, {"sort": "target"}]


def _answers(store, a: str = "RUS", b: str = "GEO") -> dict:
    """What the API's queries answer, as plain values (floats rounded: a weighted mean is
    summed in another order)."""
    def plain(value):
        if isinstance(value, float):
            return round(value, 9)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    filters = [{}, {"country": "GEO"}, {"event_type": "ACCUSE"}, {"actor": "russia"}, {"text": "urged"},
               {"since": "2008-12"}, {"quad_class": "verbal_conflict", "place": "Geneva"}]
    answers = {"summary": store.summary(), "actors": store.actor_counts(50),
               "actor": store.actor_profile(a), "dyad": store.dyad(a, b), "dyad_year": store.dyad(a, b, unit="year")}
    for i, f in enumerate(filters):
        answers[f"count{i}"] = store.count_events(**f)
        answers[f"events{i}"] = [[e["event_id"] for e in store.events(**f, sort=o.get("sort"))] for o in ORDERS]
        answers[f"network{i}"] = store.network(f)
        answers[f"map{i}"] = store.map_bins(f, cell=0.5)
        answers[f"stories{i}"] = store.stories(f, sort="date")
    return plain(answers)


def _raw_and_derived(db) -> tuple[dict, dict]:
    import duckdb

    from parley.store import Store

    con = duckdb.connect(str(db), read_only=True)
    try:
        derived = Store.over(con.cursor(), db)
        assert derived.aggregated  # the run left its derived tables current
        return _answers(Store.over(con.cursor(), db, aggregated=False)), _answers(derived)
    finally:
        con.close()


def test_the_derived_tables_answer_as_the_events_table_after_each_run(tmp_path):
    from parley.pipeline import run_paths
    from parley.store import Store

    from .conftest import ARTICLES, write_articles

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write_articles(first / "articles.jsonl")
    (second / "more.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"text": "Russian troops shelled Gori. Georgia accused Russia of aggression.", "title": "Gori",
         "published": "2008-08-12"},
        {"text": "Georgian and Russian negotiators met in Geneva and urged calm.", "title": "Talks",
         "published": "2009-01-20"}]), encoding="utf-8")
    db = tmp_path / "parley.duckdb"
    sizes = []
    for folder in (first, second):
        with Store(db) as store:
            run_paths([folder], store)
        raw, derived = _raw_and_derived(db)
        assert derived == raw
        sizes.append(raw["summary"]["events"])
    assert sizes[1] > sizes[0] > 0 and len(ARTICLES) == 3
    # a write of events leaves the derived tables behind: the queries read the events table
    with Store(db) as store:
        store.update_stories({})
        store.save_batch([], [])
        assert not store.aggregated
    with Store(db, read_only=True) as store:
        assert not store.aggregated and store.summary()["events"] == sizes[1]


@pytest.mark.parametrize("params", [{}, {"country": "TUR"}, {"type": "ACCUSE"}, {"q": "urged"}])
def test_the_streamed_export_is_the_export_byte_for_byte(client, coded_store, params, monkeypatch):
    import parley.api as api
    from parley.export import event_records, write_text_records
    from parley.store import Store

    monkeypatch.setattr(api, "EXPORT_BATCH", 2)  # several batches even from a small store
    filters = {"event_type": params.get("type"), "country": params.get("country"), "text": params.get("q")}
    with Store(coded_store, read_only=True) as store:
        records = event_records(store, **filters)
    assert records or params
    for fmt in ("csv", "jsonl"):
        old = io.StringIO(newline="")
        write_text_records(records, old, fmt)
        streamed = client.get("/api/export", params={**params, "format": fmt})
        assert streamed.status_code == 200
        assert streamed.content == old.getvalue().encode("utf-8")


def test_readers_share_one_connection_and_let_go_of_it(coded_store, tmp_path):
    import shutil
    import time

    from parley.store import Store

    db = tmp_path / "copy.duckdb"
    shutil.copy(coded_store, db)
    app = create_app(db, keep_open=0.2)
    readers = app.state.readers
    with TestClient(app) as test_client:
        assert test_client.get("/api/summary").status_code == 200
        assert readers.con is not None  # kept open a moment for the next request
        with readers.store() as one, readers.store() as two:
            assert one.con is not two.con and readers.users == 2  # a cursor each
        deadline = time.monotonic() + 10
        while readers.con is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert readers.con is None  # quiet: closed, so a run can write
        with Store(db) as writer:
            writer.mark_stories_current()
        assert test_client.get("/api/summary").json()["events"] > 0
