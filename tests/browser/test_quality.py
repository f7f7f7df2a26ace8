"""The quality bar for every public page, in headless Chromium at 1280 and 390 px: no serious or critical
axe-core violation, no page-level horizontal scroll on a phone, and a screenshot of each as an artifact
(artifacts/browser/quality/).

The pages are found as a reader finds them: from the home page, following the site's own links (one
page of each shape: one entity, one event), plus the error pages. A page added later is checked as
soon as something links it. axe-core comes bundled with axe-playwright-python: nothing is fetched.
"""
from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser.test_editor_workflow import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, sync_playwright  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "quality"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
GRAVE = {"serious", "critical"}
# Not public pages of ours: the editors' workplace (Django's admin), the API and its docs, feed documents.
ELSEWHERE = re.compile(r"^/(admin|api|static)/|\.(atom|rss|csv|json|svg)$")
# One page of each shape is enough: /entities/india/ stands for every entity, /events/<id>/ for every event.
SHAPES = [(re.compile(r"^/(entities|events|sources|feeds/entities)/[^/]+/$"), r"/\1/*/")]
MOST_PAGES = 40
ERROR_PAGES = ["/no-such-page/", "/entities/atlantis/", "/state/?at=2017-02-30"]


def _shape(path: str) -> str:
    for pattern, shape in SHAPES:
        if pattern.match(path):
            return pattern.sub(shape, path)
    return path


def _internal_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == origin and not ELSEWHERE.search(parts.path):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _name(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"


def _check(page, axe, url: str, width: str) -> list[str]:
    """The page as it is now: its grave axe violations and, on a phone, any horizontal scroll."""
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in GRAVE:
            targets = [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"{url} at {width}: axe {violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    if width == "phone":
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if overflow[0] > overflow[1]:
            problems.append(f"{url} at 390 px: the page scrolls sideways ({overflow[0]} px wide)")
    page.screenshot(path=str(SHOTS / f"{_name(url)}-{width}.png"), full_page=True)
    return problems


def test_every_page_is_accessible_and_fits_a_phone(sync_playwright, live_server, event_log_emptied_at_teardown):
    from axe_playwright_python.sync_playwright import Axe

    call_command("load_seeds", verbosity=0)  # the real record: long names, many rows, every kind
    SHOTS.mkdir(parents=True, exist_ok=True)
    origin = live_server.url
    problems: list[str] = []
    visited: list[str] = []

    # The ORM is not touched below: Playwright's sync API runs an event loop in this thread.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        axe = Axe()
        try:
            pages = {width: browser.new_page(viewport={"width": w, "height": h}) for width, (w, h) in WIDTHS.items()}
            queue, seen_shapes = deque(["/"]), {"/"}
            while queue and len(visited) < MOST_PAGES:
                url = queue.popleft()
                for width, page in pages.items():
                    response = page.goto(origin + url)
                    assert response.status < 500, f"{url}: {response.status}"
                    problems += _check(page, axe, url, width)
                visited.append(url)
                for link in _internal_links(pages["desktop"], origin):
                    shape = _shape(urlsplit(link).path)
                    if shape not in seen_shapes:
                        seen_shapes.add(shape)
                        queue.append(link)
            for url in ERROR_PAGES:
                for width, page in pages.items():
                    response = page.goto(origin + url)
                    assert response.status in (400, 404), f"{url}: {response.status}"
                    assert page.locator("nav a[href='/feeds/']").count() == 1, f"{url}: no navigation"
                    problems += _check(page, axe, url, width)
        finally:
            browser.close()

    assert {"/", "/state/", "/feeds/"} <= set(visited), visited
    assert any(url.startswith("/entities/") for url in visited) and any(url.startswith("/events/") for url in visited), visited
    assert not problems, "\n".join(problems)
