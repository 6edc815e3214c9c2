"""`parley bench api`: its synthetic store is a valid Parley store that the API serves."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from parley.api import create_app
from parley.bench_api import bench_queries, ensure_store
from parley.store import Store

EVENTS = 2000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "synthetic.duckdb"
    assert ensure_store(path, EVENTS)  # made
    assert not ensure_store(path, EVENTS)  # the same size again: reused as it is
    return path


def test_the_generated_store_holds_what_it_says(synthetic):
    with Store(synthetic, read_only=True) as store:
        assert store.aggregated and store.stories_current()
        summary = store.summary()
        assert summary["events"] == EVENTS and summary["documents"] == EVENTS // 5
        assert len(summary["by_type"]) == 16 and len(summary["countries"]) == 20
        # skewed, as news is: the busiest country is in far more events than the twentieth
        assert summary["countries"][0]["n"] > 5 * summary["countries"][-1]["n"]
        # every sentence sits at its offsets in its document's text
        assert store.query("SELECT count(*) AS n FROM events e JOIN documents d USING (doc_id) "
                           "WHERE substr(d.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) "
                           "<> e.sentence")[0]["n"] == 0
        # actors resolve, people have roles, some events are undated or known to the year only
        assert store.query("SELECT count(*) AS n FROM people")[0]["n"] > 0
        dates = store.query("SELECT count(*) FILTER (WHERE date IS NULL) AS undated, "
                            "count(*) FILTER (WHERE length(date) = 4) AS years FROM events")[0]
        assert dates["undated"] > 0 and dates["years"] > 0
        event = store.events(limit=1)[0]
        assert event["source"][0]["actor_id"] and event["target"][0]["name"]


def test_the_api_answers_every_endpoint_on_it(synthetic):
    with TestClient(create_app(synthetic)) as client:
        queries = bench_queries(synthetic)
        assert {"events_deep_cursor", "dyad", "actor_page", "map", "network", "stories"} <= {n for n, _ in queries}
        for name, url in queries:
            response = client.get(url)
            assert response.status_code == 200, (name, response.text)
        event = client.get("/api/events", params={"limit": 1}).json()["events"][0]
        for url in (f"/api/events/{event['event_id']}", f"/api/documents/{event['doc_id']}",
                    f"/api/stories/{event['story_id']}", "/api/search?q=sanctions", "/api/export?format=jsonl&type=AID"):
            assert client.get(url).status_code == 200, url
        assert client.get("/api/search", params={"q": "sanctions"}).json()
        exported = client.get("/api/export", params={"format": "jsonl", "type": "AID"}).text.splitlines()
        assert len(exported) == client.get("/api/events", params={"type": "AID"}).json()["total"] > 0


def test_keyset_pages_walk_a_larger_store_as_the_events_table_orders_it(synthetic):
    import duckdb

    con = duckdb.connect(str(synthetic), read_only=True)
    try:
        derived, raw = Store.over(con.cursor(), synthetic), Store.over(con.cursor(), synthetic, aggregated=False)
        for filters, sort in (({}, None), ({"country": "RUS"}, None), ({"event_type": "ASSAULT"}, "-date"),
                              ({}, "place"), ({"text": "said"}, "-intensity")):
            expected = [e["event_id"] for e in raw.event_page(filters, sort=sort)[0]]
            assert expected and len(set(expected)) == len(expected)
            for store in (derived, raw):
                walked, cursor = [], None
                while True:
                    rows, cursor = store.event_page(filters, limit=97, sort=sort, after=cursor)
                    walked += [e["event_id"] for e in rows]
                    if cursor is None:
                        break
                assert walked == expected, (filters, sort)
            # an offset page of the derived tables is the same page of the events table
            assert [e["event_id"] for e in derived.event_page(filters, limit=50, offset=500, sort=sort)[0]] == \
                expected[500:550]
    finally:
        con.close()
