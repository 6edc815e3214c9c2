"""The browser front end, driven in Debian's Chromium by Playwright against a live server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from parley.api import create_app

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def server(coded_store) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(coded_store), host="127.0.0.1", port=port, log_level="warning")
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
    page.click("#chart-countries rect[data-label='TUR']")
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
    page.click("#story-link")
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
