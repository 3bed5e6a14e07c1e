"""The query page at / of a real ``kg serve``, in Chromium: the CodeMirror editor (highlighting and
completion of prefixes and terms), sortable, paged and downloadable results, IRIs as links, updates
refused, the favicon, and a layout that works on a 390 px phone. Nothing is loaded from elsewhere."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.servers import kg_serve

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server():
    with kg_serve("--rdf", "exports/graph.nt") as url:
        yield url


@pytest.fixture
def query_page(browser, server):
    """query_page(viewport=None) -> (page, errors, requests), on the served page; closed after."""
    browser.set_offline(False)  # the page talks to the loopback server; nothing else may be asked
    pages = []

    def open_(viewport=None):
        page = browser.new_page()
        pages.append(page)
        if viewport:
            page.set_viewport_size(viewport)
        errors, requests = [], []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(server + "/")
        page.wait_for_selector(".cm-editor")
        return page, errors, requests

    yield open_
    for page in pages:
        page.close()
    browser.set_offline(True)


def expect(locator):
    """Playwright's expect, imported when a test runs (the conftest skips or fails without Playwright)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def run_query(page, text: str) -> None:
    page.evaluate("text => { editor.setValue(text); }", text)
    page.click("#run")
    # (no wait_for_function: the page's CSP forbids the eval it needs)
    expect(page.locator("#status")).not_to_have_text(re.compile("running"), timeout=60_000)


def test_the_editor_highlights_sparql_and_nothing_comes_from_elsewhere(query_page, server):
    page, errors, requests = query_page()
    assert page.locator("textarea#query").is_hidden()
    highlighted = page.locator(".cm-content span").evaluate_all(
        "spans => spans.filter(s => getComputedStyle(s).color !== getComputedStyle(s.parentElement).color).length"
    )
    assert highlighted > 0  # keywords and variables get their own colours
    assert all(url.startswith(server) for url in requests), requests
    assert not errors, errors
    icon = page.evaluate("fetch('/favicon.svg').then(r => r.headers.get('content-type'))")
    assert icon == "image/svg+xml"
    assert page.locator("link[rel=icon]").get_attribute("href") == "/favicon.svg"


def test_completion_offers_prefixes_and_the_graphs_terms(query_page):
    page, errors, _ = query_page()
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nkg:ran")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    offered = page.locator(".cm-completionLabel").all_text_contents()
    assert "kg:rank" in offered
    page.keyboard.press("Escape")
    page.keyboard.type(" sch")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    assert "schema:" in page.locator(".cm-completionLabel").all_text_contents()
    assert not errors, errors


def test_results_sort_page_and_download(query_page):
    page, errors, _ = query_page()
    run_query(page, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert "5675 result(s)" in page.text_content("#status")
    assert page.locator("#results tbody tr").count() == 100  # a page, not 5,675 rows at once
    assert "page 1 of 57" in page.text_content("#page")
    page.click("#next")
    assert "page 2 of 57" in page.text_content("#page")
    run_query(page, "SELECT ?n WHERE { ?e kg:eventNumber ?n }")
    page.click("th:has-text('?n')")
    first = [page.locator("#results tbody tr td").nth(i).text_content() for i in range(3)]
    assert first == ["1", "2", "3"]
    page.click("th:has-text('?n')")
    assert page.locator("#results tbody tr td").first.text_content() == "10"
    with page.expect_download() as download:
        page.click("#download-csv")
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0] == "n" and text.splitlines()[1] == "10"
    with page.expect_download() as download:
        page.click("#download-json")
    document = json.load(open(download.value.path(), encoding="utf-8"))
    assert len(document["results"]["bindings"]) == 10
    assert not errors, errors


def test_iris_link_to_a_describe_and_updates_are_refused(query_page):
    page, errors, _ = query_page()
    run_query(page, "SELECT ?zone WHERE { ?zone kg:rank 10 }")
    link = page.locator("#results td.iri a.describe").first
    assert "DESCRIBE" in link.get_attribute("href")
    assert page.locator("#results td.iri a").first.get_attribute("href").startswith(("/explorer#", "#query="))
    link.click()
    expect(page.locator("#status")).to_contain_text("graph", timeout=60_000)
    assert page.locator("#results pre").count() == 1
    run_query(page, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert "Updates are refused" in page.text_content("#status")
    assert not errors, errors


def test_the_page_works_on_a_390_px_phone(query_page):
    page, errors, _ = query_page(PHONE)
    editor = page.locator(".cm-editor").bounding_box()
    assert editor["y"] < 300 and editor["x"] + editor["width"] <= PHONE["width"] + 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    run_query(page, "DESCRIBE ent:nimte")
    box = page.locator("#results pre").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"] + 1
    assert not errors, errors
