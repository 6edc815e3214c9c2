"""The browser front end, driven in Debian's Chromium by Playwright against a live server."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn

from parley.api import create_app

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path(__file__).resolve().parents[2] / "benchmarks" / "screens"


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """`parley serve` on a free port of 127.0.0.1, in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not running.started and time.time() < deadline:
        time.sleep(0.05)
    assert running.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(coded_store) -> Iterator[str]:
    with serving(coded_store) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is needed (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-background-networking"])
        tab = browser.new_page()
        failed: list[str] = []
        tab.on("requestfailed", lambda request: failed.append(request.url))
        tab.on("pageerror", lambda error: failed.append(str(error)))
        tab.goto(server)
        tab.wait_for_selector("#events tbody tr")
        yield tab
        browser.close()
        assert failed == [], f"requests or scripts failed: {failed}"


def test_the_page_lists_every_event_with_its_charts(page):
    assert page.locator("#events tbody tr").count() == 6
    assert "3 documents (2 dated)" in page.text_content("#summary")
    assert page.locator("#chart-types rect").count() == 5  # ACCUSE ASSAULT CONSULT REQUEST RETREAT
    assert page.locator("#chart-countries rect").count() >= 3
    # the trigger is marked as the whole word the text has
    assert "accused" in [m.text_content() for m in page.locator("#events mark.trigger").all()]


def test_an_event_opens_in_its_document_with_its_sentence_marked(page):
    page.click("#events tbody tr:has-text('urged')")
    page.wait_for_selector("#detail:not([hidden]) #doc-text mark#sentence")
    assert page.text_content("#doc-text mark#sentence").startswith("NATO urged Russia")
    assert "Envoys" in page.text_content("#doc-text") or "envoys" in page.text_content("#doc-text")
    assert "Geneva" in page.text_content("#detail dl")
    page.click("#close")
    assert page.locator("#detail").is_hidden()


def test_only_web_addresses_become_links(page):
    page.click("#events tbody tr:has-text('Kurdish')")
    page.wait_for_selector("#detail:not([hidden]) #doc-text mark#sentence")
    assert "javascript:alert" in page.text_content("#detail dl")
    assert page.locator("#detail dl a:has-text('javascript')").count() == 0
    assert page.locator("#detail a[href^='javascript']").count() == 0
    shown = page.text_content("#detail dl")
    assert "untitled (articles.jsonl#3)" in shown and "/tmp" not in shown and "/articles" not in shown
    assert "1 article(s), no source named" in shown  # a story with no named source claims none
    page.click("#close")
    page.click("#events tbody tr:has-text('accused')")
    page.wait_for_selector("#detail:not([hidden]) dl a:has-text('example.org')")
    assert page.get_attribute("#detail dl a:has-text('example.org')", "href") == "https://example.org/tbilisi"
    page.click("#close")


def test_filters_from_the_form_a_chart_and_the_address(page, server):
    page.select_option("#filters select[name=type]", "ASSAULT")
    page.click("#filters button[type=submit]")
    page.wait_for_function("document.querySelector('#count').textContent.includes('of 2')")
    assert all(t.startswith("ASSAULT") for t in page.locator("#events .type").all_text_contents())
    assert "type=ASSAULT" in page.url  # a filtered view is a link
    page.click("#chart-countries a[*|href$='country=TUR']")  # each bar (Observable Plot) is a link
    page.wait_for_function("document.querySelector('#count').textContent.includes('of 1')")
    assert page.input_value("#filters input[name=country]") == "TUR"
    page.goto(f"{server}/?since=2008-12-01&until=2008-12-31")
    page.wait_for_function("document.querySelector('#count').textContent.includes('of 3')")


def test_a_bad_filter_is_explained_not_ignored(page):
    page.fill("#filters input[name=since]", "last week")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#error:not([hidden])")
    assert "since" in page.text_content("#error")
    page.click("#filters button[type=reset]")
    page.wait_for_function("document.querySelector('#count').textContent.includes('of 6')")
    assert page.locator("#error").is_hidden()


def test_the_download_links_carry_the_filters(page, server):
    page.goto(f"{server}/?country=TUR")
    page.wait_for_function("document.querySelector('#count').textContent.includes('of 1')")
    href = page.get_attribute("#download-csv", "href")
    assert "country=TUR" in href and "format=csv" in href


def test_an_events_story_link_lists_every_report_of_it(page, server):
    page.goto(server)
    page.wait_for_selector("#events tbody tr")
    page.click("#events tbody tr:has-text('urged')")
    page.wait_for_selector("#detail:not([hidden]) #story-link")
    page.click("#story-link")  # the story's page: every report of it
    page.wait_for_selector("#view-story:not([hidden]) #story-events tbody tr")
    assert "urged" in page.text_content("#story-events") and "Article 2" in page.text_content("#story-documents")
    page.click("#story-list-link")  # ... and its events in the list
    page.wait_for_function("new URLSearchParams(location.search).has('story')")
    page.wait_for_function("document.querySelector('#count').textContent.includes('of 1')")
    assert "urged" in page.text_content("#events tbody")


def test_the_api_docs_render_from_this_machine(page, server):
    """Swagger UI is vendored in web/vendor: no request leaves the machine."""
    context = page.context.browser.new_context()
    tab = context.new_page()
    outside: list[str] = []
    failed: list[str] = []
    tab.on("request", lambda request: outside.append(request.url)
           if not request.url.startswith((server, "data:", "blob:")) else None)
    tab.on("requestfailed", lambda request: failed.append(request.url))
    tab.goto(server + "/docs")
    tab.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Parley" in tab.text_content(".swagger-ui .info .title")
    assert tab.locator(".opblock-summary-path:has-text('/api/events')").count() >= 1
    context.close()
    assert outside == [] and failed == []


# ---- the analyst's workbench: every view at its own address, nothing from outside ----------

def _api(server: str, path: str) -> Any:
    with urllib.request.urlopen(server + path) as response:
        return json.load(response)


@pytest.fixture()
def open_view(page) -> Iterator[Callable[..., Any]]:
    """A fresh tab per test that records every request to anywhere but 127.0.0.1 (the map's
    countries, the charts' and the network's libraries are all served from web/vendor) and
    every failed request or script error; `open_view(server, address)` opens a view."""
    context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    outside: list[str] = []
    failed: list[str] = []
    tab.on("request", lambda request: outside.append(request.url)
           if urlsplit(request.url).scheme not in ("data", "blob") and urlsplit(request.url).hostname != "127.0.0.1"
           else None)
    tab.on("requestfailed", lambda request: failed.append(request.url))
    tab.on("pageerror", lambda error: failed.append(str(error)))

    def open_(server: str, address: str) -> Any:
        tab.goto(server + address)
        return tab

    yield open_
    context.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert failed == [], f"requests or scripts failed: {failed}"


def _screenshot(tab: Any, name: str) -> None:
    tab.wait_for_function("!document.querySelector('#summary').textContent.includes('loading')")
    SCREENS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
    assert (SCREENS / f"{name}.png").stat().st_size > 10_000


def test_the_list_view_draws_its_charts_with_observable_plot(open_view, server):
    tab = open_view(server, "/")
    tab.wait_for_selector("#events tbody tr")
    tab.wait_for_selector("#chart-months svg rect")
    assert tab.locator("#chart-types svg a rect").count() == 5
    assert tab.locator("#chart-months svg a rect").count() == 2  # 2008-08 and 2008-12
    assert tab.locator("#nav a.active").text_content() == "Events"
    _screenshot(tab, "events")


def test_an_event_has_its_own_address(open_view, server):
    urged = _api(server, "/api/events?q=urged")["events"][0]
    tab = open_view(server, f"/#/event/{urged['event_id']}")
    tab.wait_for_selector("#detail:not([hidden]) #doc-text mark#sentence")
    assert tab.text_content("#doc-text mark#sentence").startswith("NATO urged Russia")
    assert tab.locator("#events tr.selected").count() == 1
    # its actors and the pair of them are links
    assert tab.get_attribute("#detail dl a:has-text('North Atlantic')", "href") == "#/actor/NATO"
    assert "a=NATO" in tab.get_attribute("#dyad-link", "href") and "b=RUS" in tab.get_attribute("#dyad-link", "href")
    _screenshot(tab, "event")
    tab.click("#doc-link")
    tab.wait_for_selector("#view-doc:not([hidden]) #doc-full-text mark")
    assert "/#/doc/" in tab.url


def test_the_map_shows_binned_events_on_the_offline_basemap(open_view, server):
    tab = open_view(server, "/#/map")
    tab.wait_for_selector("#map svg circle")
    assert tab.locator("#map svg path").count() > 100  # the world's countries, from world-atlas
    assert tab.locator("#map svg circle").count() >= 2  # Tbilisi and Geneva, one ring per quad class
    assert "of 6 events located" in tab.text_content("#map-count")
    places = tab.text_content("#map-places")
    assert "Tbilisi" in places and "Geneva" in places
    assert "verbal coop" in tab.text_content("#map") and "material conflict" in tab.text_content("#map")  # the legend
    _screenshot(tab, "map")
    tab.select_option("#map-fit", "world")
    tab.wait_for_function("location.hash.includes('fit=world')")
    tab.wait_for_selector("#map svg circle")
    tab.click("#map-places a:has-text('Tbilisi')")  # a place opens its events in the list
    tab.wait_for_function("new URLSearchParams(location.search).get('place') === 'Tbilisi'")
    tab.wait_for_function("document.querySelector('#count').textContent.includes('of 2')")
    assert "Tbilisi" in tab.input_value("#filters input[name=place]")


def test_the_map_follows_the_filters(open_view, server):
    tab = open_view(server, "/?quad=verbal_conflict#/map")
    tab.wait_for_selector("#map svg circle")
    assert "of 2 events located" in tab.text_content("#map-count")  # the accusation and the request
    assert tab.locator("#filters select[name=quad] option:checked").all_text_contents() == ["verbal conflict"]


def test_the_network_shows_who_acts_on_whom(open_view, server):
    tab = open_view(server, "/#/network")
    tab.wait_for_selector("#network-edges tbody tr")
    tab.wait_for_selector("#network-graph canvas")
    assert tab.evaluate("state.graph.nodes().length") == 6 and tab.evaluate("state.graph.edges().length") == 5
    heaviest = tab.locator("#network-edges tbody tr").first.text_content()
    assert "Russian Federation" in heaviest and "Georgia" in heaviest and "3" in heaviest
    assert tab.text_content("#network-count") == "6 actors, 5 links"
    _screenshot(tab, "network")
    tab.evaluate("state.graph.$id('GEO').emit('tap')")  # an actor opens its page
    tab.wait_for_selector("#view-actor:not([hidden]) h2:has-text('Georgia')")
    tab.go_back()
    tab.wait_for_selector("#view-network:not([hidden])")
    tab.select_option("#filters select[name=quad]", "material_conflict")
    tab.click("#filters button[type=submit]")
    tab.wait_for_function("document.querySelector('#network-count').textContent === '4 actors, 2 links'")
    assert "quad=material_conflict" in tab.url and "#/network" in tab.url


def test_the_story_list_and_a_story_page(open_view, server):
    tab = open_view(server, "/#/stories")
    tab.wait_for_selector("#stories tbody tr")
    assert tab.locator("#stories tbody tr").count() == 6
    assert "stories 1–6 of 6" in tab.text_content("#stories-count")
    _screenshot(tab, "stories")
    tab.click("#stories tbody tr:has-text('NATO urged') a")
    tab.wait_for_selector("#view-story:not([hidden]) #story-documents tbody tr")
    assert "/#/story/" in tab.url
    assert "Article 2" in tab.text_content("#story-documents") and "AP" in tab.text_content("#story-body")
    assert "2008-12-17" in tab.text_content("#story-body dl")
    _screenshot(tab, "story")


def test_documents_are_searched_by_their_words_from_the_page(open_view, server):
    tab = open_view(server, "/#/search")
    tab.fill("#search-form input[name=q]", "Tskhinvali")
    tab.click("#search-form button")
    tab.wait_for_selector("#search-results tbody tr a")
    assert "q=Tskhinvali" in tab.url  # the search has its own address
    rows = tab.locator("#search-results tbody tr")
    assert rows.count() == 1 and "Article 1" in rows.first.text_content()
    assert "1 document(s)" in tab.text_content("#search-count")
    _screenshot(tab, "search")
    rows.first.locator("a").click()
    tab.wait_for_selector("#view-doc:not([hidden])")
    assert "/#/doc/" in tab.url and "Tskhinvali" in tab.text_content("#view-doc")
    tab.goto(server + "/#/search?q=zebras")
    tab.wait_for_function("document.querySelector('#search-count').textContent.includes('no document')")


def test_an_actor_page_has_aliases_roles_partners_and_events(open_view, server):
    tab = open_view(server, "/#/actor/RUS")
    tab.wait_for_selector("#view-actor:not([hidden]) #actor-timeline svg")
    assert tab.text_content("#actor-body h2").startswith("Russian Federation")
    assert "Russia" in tab.text_content("#actor-forms")
    assert "RUS/GOV" in tab.text_content("#actor-observed")
    partners = tab.text_content("#actor-partners")
    assert "Georgia" in partners and "North Atlantic Treaty Organization" in partners
    assert tab.locator("#actor-events tbody tr").count() == _api(server, "/api/actors/RUS")["total"]
    _screenshot(tab, "actor")
    tab.click("#actor-partners tr:has-text('Georgia') a:has-text('dyad')")
    tab.wait_for_selector("#view-dyad:not([hidden]) #dyad-intensity svg")
    assert "a=RUS" in tab.url and "b=GEO" in tab.url


def test_a_dyad_shows_both_directions_over_time(open_view, server):
    tab = open_view(server, "/#/dyad?a=RUS&b=GEO")
    tab.wait_for_selector("#dyad-intensity svg circle")
    totals = tab.text_content("#dyad-totals")
    assert "Russian Federation → Georgia: 3 events" in totals and "Georgia → Russian Federation: 1 events" in totals
    assert tab.locator("#dyad-intensity svg circle").count() == 3  # RUS→GEO in Aug and Dec 2008, GEO→RUS in Dec
    assert tab.locator("#dyad-counts svg rect").count() >= 3
    assert tab.locator("#dyad-events tbody tr").count() == 4
    _screenshot(tab, "dyad")
    tab.click("#dyad-body a:has-text('swap')")
    tab.wait_for_function("document.querySelector('#dyad-totals')?.textContent.startsWith('Georgia → Russian Federation: 1')")
    tab.fill("#dyad-form input[name=b]", "NATO")
    tab.click("#dyad-form button[type=submit]")
    tab.wait_for_function("location.hash.includes('b=NATO')")
    tab.wait_for_selector("#dyad-totals")
    tab.fill("#dyad-form input[name=b]", "NOBODY")
    tab.click("#dyad-form button[type=submit]")
    tab.wait_for_selector("#error:not([hidden])")
    assert "no actor 'NOBODY'" in tab.text_content("#error")


def test_a_document_page_marks_every_event_and_links_only_web_addresses(open_view, server):
    kurdish = _api(server, "/api/events?q=Kurdish")["events"][0]
    tab = open_view(server, f"/#/doc/{kurdish['doc_id']}")
    tab.wait_for_selector("#view-doc:not([hidden]) #doc-full-text mark")
    assert "javascript:alert" in tab.text_content("#doc-body dl")
    assert tab.locator("a[href^='javascript']").count() == 0
    assert "untitled (articles.jsonl#3)" in tab.text_content("#doc-body h2")
    tab.goto(server + f"/#/story/{kurdish['story_id']}")
    tab.wait_for_selector("#view-story:not([hidden]) #story-documents tbody tr")
    assert "javascript:alert" in tab.text_content("#story-documents")
    assert tab.locator("a[href^='javascript']").count() == 0
    accused = _api(server, "/api/events?q=accused")["events"][0]
    tab.goto(server + f"/#/doc/{accused['doc_id']}")
    tab.wait_for_selector("#view-doc:not([hidden]) #doc-body h2:has-text('Article 1')")
    assert tab.get_attribute("#doc-body dl a", "href") == "https://example.org/tbilisi"
    # two events (the accusation and the shelling) in one sentence: marked once, listed twice
    assert tab.locator("#doc-full-text mark").count() == 1 and tab.locator("#doc-events tbody tr").count() == 2
    _screenshot(tab, "document")


# ---- a larger store, written directly: paging, sorting and hostile text ----

@pytest.fixture(scope="module")
def big_server(tmp_path_factory) -> Iterator[str]:
    """120 events (types, dates and intensities spread out) and one document whose title,
    actor and URL are hostile."""
    from parley.events.ontology import QUAD_CLASS, TYPE_SCORE
    from parley.model import PLOVER_TYPES, ActorRef, Document, Event, Place
    from parley.store import Store

    hostile = '<img src=x onerror="window.pwned=1">'
    path = tmp_path_factory.mktemp("big") / "big.duckdb"
    with Store(path) as store:
        for d in range(12):
            events = []
            for i in range(10):
                n = d * 10 + i
                event_type = PLOVER_TYPES[n % len(PLOVER_TYPES)]
                source = ActorRef(hostile if d == 0 else "Russia", "RUS", hostile if d == 0 else "Russian Federation",
                                  "RUS", "GOV")
                events.append(Event(
                    f"ev{n:03d}", f"doc{d}", event_type, None, QUAD_CLASS[event_type], TYPE_SCORE[event_type],
                    False, False, False, [source], [ActorRef("Ukraine", "UKR", "Ukraine", "UKR", "GOV")],
                    f"Sentence {n}.", 0, 12, "x", 0, 0, 0.9, "rule:x",
                    date=f"{2020 + n // 60}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                    location=Place("Kyiv", "UKR", 50.45, 30.52), story_id=f"story{d}", num_articles=1))
            store.save_document(Document(
                doc_id=f"doc{d}", origin=f"big/{d}.txt", raw="x", fmt="txt", text="x" * 20,
                title=hostile + "Hostile" if d == 0 else f"Document {d}", source="Wire",
                url="javascript:window.pwned=2" if d == 0 else None, published="2021-01-01", events=events))
    with serving(path) as url:
        yield url


def test_the_event_list_pages_sorts_and_filters_by_quad_and_types(open_view, big_server):
    from parley.events.ontology import QUAD_CLASS, TYPE_SCORE

    tab = open_view(big_server, "/?page=2")
    tab.wait_for_function("document.querySelector('#count').textContent.includes('of 120')")
    assert "events 51–100 of 120" in tab.text_content("#count") and "page 2 of 3" in tab.text_content("#page-number")
    tab.click("#next")
    tab.wait_for_function("document.querySelector('#count').textContent.includes('101–120')")
    assert "page=3" in tab.url and tab.is_disabled("#next")
    tab.go_back()  # the page number is in the address, so back is the page before
    tab.wait_for_function("document.querySelector('#count').textContent.includes('51–100')")
    tab.click("#events th[data-sort=intensity] button")
    tab.wait_for_function("new URLSearchParams(location.search).get('sort') === 'intensity'")
    tab.wait_for_function("document.querySelector('#count').textContent.includes('1–50')")
    assert tab.get_attribute("#events th[data-sort=intensity]", "aria-sort") == "ascending"
    scores = [float(t) for t in tab.locator("#events tbody td.num").all_text_contents()]
    assert scores == sorted(scores) and scores[0] == min(TYPE_SCORE.values())
    tab.click("#events th[data-sort=intensity] button")
    tab.wait_for_function("new URLSearchParams(location.search).get('sort') === '-intensity'")
    tab.wait_for_function(f"document.querySelector('#events tbody td.num').textContent === '{max(TYPE_SCORE.values()):.1f}'")
    assert tab.get_attribute("#events th[data-sort=intensity]", "aria-sort") == "descending"
    _screenshot(tab, "events-sorted")
    tab.select_option("#filters select[name=type]", ["AGREE", "ASSAULT"])  # several types at once
    tab.click("#filters button[type=submit]")
    both = _api(big_server, "/api/events?type=AGREE&type=ASSAULT&limit=1")["total"]
    assert 0 < both < 120
    tab.wait_for_function(f"document.querySelector('#count').textContent.includes('of {both}')")
    assert set(tab.locator("#events .type").all_text_contents()) == {"AGREE", "ASSAULT"}
    assert "type=AGREE&type=ASSAULT" in tab.url
    tab.select_option("#filters select[name=type]", [])
    tab.select_option("#filters select[name=quad]", "material_conflict")
    tab.click("#filters button[type=submit]")
    conflict = _api(big_server, "/api/events?quad=material_conflict&limit=1")["total"]
    assert 0 < conflict < 120
    tab.wait_for_function(f"document.querySelector('#count').textContent.includes('of {conflict}')")
    assert {QUAD_CLASS[t] for t in tab.locator("#events .type").all_text_contents()} == {"material_conflict"}
    assert "quad=material_conflict" in tab.url
    href = tab.get_attribute("#download-csv", "href")
    assert "quad=material_conflict" in href and "format=csv" in href


def test_hostile_text_is_shown_never_run(open_view, big_server):
    tab = open_view(big_server, "/#/stories?sort=date")
    tab.wait_for_selector("#stories tbody tr")
    assert tab.locator("#stories tbody tr").count() == 12
    for address, ready in (("/#/story/story0", "#story-documents tbody tr"), ("/#/doc/doc0", "#doc-events tbody tr"),
                           ("/#/actor/RUS", "#actor-events tbody tr"), ("/#/stories", "#stories tbody tr"),
                           ("/#/event/ev000", "#detail:not([hidden]) #doc-text")):
        tab.goto(big_server + address)
        tab.wait_for_selector(ready)
        assert '<img src=x onerror="window.pwned=1">' in tab.text_content("main")  # shown as text
        assert tab.locator("main img").count() == 0 and tab.evaluate("window.pwned") is None
        assert tab.locator("a[href^='javascript']").count() == 0
