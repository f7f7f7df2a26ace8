"""The public pages in a real browser, over the SCO dataset: every page at 1280 and 390 px wide without
horizontal scrolling; a reader moves the date, steps through changes, compares two dates, follows a
chair's provenance, finds India by "IND" and "Indian"; the chart's rows and bands are the API's periods.

Drives the Debian Chromium at /usr/bin/chromium through Playwright. Screenshots go to artifacts/browser/.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.conf import settings

from events import seeding

from .test_editor_workflow import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, sync_playwright  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"wide": 1280, "phone": 390}


@pytest.fixture
def sco(event_log_emptied_at_teardown):
    seeding.load(settings.SEEDS_DIR / "sco")


@pytest.fixture
def chromium(sync_playwright, sco):
    """Opens Chromium for a `with` block: closed before the test ends, so the log can be emptied
    after it (Playwright's sync API runs an event loop in this thread, and the ORM refuses to run beside one)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def opened():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()

    return opened


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"pages-{name}.png"), full_page=True)


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_opens_without_horizontal_scrolling(chromium, live_server, width):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": WIDTHS[width], "height": 900})
        page.goto(f"{live_server.url}/entities/india/")
        event = page.locator("ol.event-lines a[href^='/events/']").first.get_attribute("href")
        pages = {
            "home": "/", "timeline": "/timeline/", "timeline-filtered": "/timeline/?kind=office.assumed&entity=IND&min_confidence=0.8",
            "state": "/state/?at=2017-06-10", "state-known-at": "/state/?at=2024-01-01&known_at=2000-01-01",
            "state-bad-date": "/state/?at=2017-02-30", "diff": "/state/diff/?from=2016-01-01&to=2018-01-01",
            "chart": "/chart/", "entities": "/entities/?q=Indian", "entity": "/entities/india/",
            "source": "/sources/wikipedia-sco/", "event": event,
        }
        wide = {}
        for name, path in pages.items():
            answer = page.goto(live_server.url + path)
            assert answer.status == (400 if name == "state-bad-date" else 200), path
            assert page.locator("main h2").count() >= 1, path
            wide[name] = _overflow(page)
            _shot(page, f"{width}-{name}")
        assert wide == {name: 0 for name in pages}
        page.goto(f"{live_server.url}/chart/")  # on a phone the chart scrolls in its box, at a legible scale
        assert page.eval_on_selector("figure.chart svg", "svg => svg.getBoundingClientRect().width") >= 768


def test_a_reader_moves_the_date_steps_through_changes_and_compares_two_dates(chromium, live_server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/state/")
        page.fill("#state-at", "2017-06-10")
        page.click("form.date-box button[type=submit]")
        assert page.inner_text("main h2") == "Shanghai Cooperation Organisation on 10 June 2017"
        assert "Members (8)" in page.inner_text("main") and "India" in page.inner_text("#status-members + ul")
        _shot(page, "state-2017-06-10")

        page.click("a.previous-change")
        assert page.inner_text("main h2").endswith("on 9 June 2017")
        page.click("a.previous-change")
        assert page.inner_text("main h2").endswith("on 24 June 2016")  # Uzbekistan took the chair
        assert "Members (6)" in page.inner_text("main")
        page.click("a.next-change")
        assert page.inner_text("main h2").endswith("on 9 June 2017")

        page.goto(f"{live_server.url}/state/diff/")
        page.fill("#diff-from", "2017-01-01")
        page.fill("#diff-to", "2018-01-01")
        page.click("form.date-box button[type=submit]")
        changes = page.inner_text("ol.changes")
        assert "India and Pakistan become members — 9 June 2017" in changes
        _shot(page, "diff-2017")


def test_a_chair_line_leads_to_the_event_and_source_behind_it(chromium, live_server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(f"{live_server.url}/state/?at=2017-06-10")
        chair = page.locator("dd.office-chair")
        assert "China" in chair.inner_text()
        chair.locator("a[href^='/events/']").first.click()
        assert page.url.startswith(f"{live_server.url}/events/")
        assert "China takes office as Chair" in page.inner_text("main h2")
        page.click("dl.facts a[href^='/sources/']")
        assert page.url.startswith(f"{live_server.url}/sources/") and "Events citing it" in page.inner_text("main")
        _shot(page, "provenance-source")


@pytest.mark.parametrize("query", ["IND", "Indian"])
def test_a_reader_finds_india_by_code_and_by_adjective(chromium, live_server, query):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(f"{live_server.url}/entities/")
        page.fill("#entity-q", query)
        page.click("form.search button[type=submit]")
        page.click("ul.entities a:text-is('India')")
        assert page.url == f"{live_server.url}/entities/india/"
        summary = page.inner_text("ul.summary")
        assert "Observer from 5 July 2005 to 9 June 2017" in summary and "Member since 9 June 2017" in summary
        _shot(page, f"search-{query}")


def test_the_chart_has_a_row_per_state_with_the_api_periods_as_bands(chromium, live_server):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        periods = page.request.get(f"{live_server.url}/api/periods/").json()["periods"]
        page.goto(f"{live_server.url}/chart/")
        _shot(page, "chart")
        drawn = page.eval_on_selector_all(
            "g.chart-row rect.band",
            "bands => bands.map(b => [b.closest('g').dataset.slot, b.dataset.role, b.dataset.start, b.dataset.end || null])",
        )
        expected = [[p["slot"], p["value"], p["start"], p["end"]] for p in periods if p["family"] == "membership" and p["value"]]
        assert sorted(drawn) == sorted(expected)
        rows = page.eval_on_selector_all("g.chart-row", "rows => rows.map(r => r.dataset.slot)")
        states = {p["slot"] for p in periods if p["family"] == "membership" and p["value"]}
        assert sorted(rows) == sorted(states) and len(rows) == len(set(rows))
        assert page.locator("g.chart-row rect.band title").count() == len(expected)
        assert page.locator("g.chart-row[data-slot='india'] rect.mark").count() == 1  # chair 2022-23
