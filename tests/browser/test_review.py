"""A curator reviews ingest's candidates in a real browser: a fact the log already holds is flagged and cannot be
recorded twice by accident; a state the dataset lacks becomes an entity on accept; the queue fits 1280 px.

Drives the Debian Chromium at /usr/bin/chromium through Playwright, as test_editor_workflow does (its harness is
reused). Screenshots go to artifacts/browser/review-*.png.
"""
from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from events.domain.dates import PartialDate
from events.models import Entity, Event
from ingest import pipeline
from ingest.models import Candidate
from tests import builders
from tests.browser.test_editor_workflow import (  # noqa: F401 (sync_playwright: a fixture)
    ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PASSWORD, _shot, sign_in, sync_playwright,
)
from tests.ingest.dataset import NEWS, sco_with_entities

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TURKMENISTAN = "Turkmenistan became an observer on 12 March 2026.\n"
NO_SIDEWAYS_SCROLL = """() => {
  const results = document.querySelector('#changelist .results');
  return {page: document.documentElement.scrollWidth - window.innerWidth,
          table: results ? results.scrollWidth - results.clientWidth : null};
}"""


@pytest.fixture
def reviewer(django_user_model):
    # A transactional test starts from a flushed database: grant the Editors' rights as the migrations do.
    importlib.import_module("events.migrations.0004_editors_group").create_editors(apps, None)
    importlib.import_module("ingest.migrations.0003_upload").grant_uploads(apps, None)
    user = django_user_model.objects.create_user("rita", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def candidates_emptied_at_teardown(event_log_emptied_at_teardown):
    """Accepted candidates point at their events: they go first, then the log is emptied."""
    yield
    Candidate.objects.all().delete()


def _document_with_a_duplicate_and_an_unknown_state():
    organisation = sco_with_entities()
    held = builders.membership(
        Entity.objects.get(slug="india"), "member", "2017-06-09", org=organisation, src=builders.source("astana-declaration"),
    )
    document = pipeline.ingest((NEWS + TURKMENISTAN).encode(), name="news.txt", organisation=organisation).document
    if not document.candidates.filter(subject_text="Turkmenistan").exists():  # extraction may not read unknown states
        Candidate.objects.create(
            document=document, kind="membership.status", subject_text="Turkmenistan", payload={"status": "observer"},
            date=PartialDate.parse("2026-03-12"), confidence=0.8, line=4, evidence=TURKMENISTAN.strip(),
            evidence_start=len(NEWS), evidence_end=len(NEWS) + len(TURKMENISTAN) - 1,
        )
    return held, document


def test_a_duplicate_is_flagged_and_refused_an_unknown_state_is_created_and_the_queue_fits_1280_px(
    sync_playwright, live_server, reviewer, candidates_emptied_at_teardown
):
    held, document = _document_with_a_duplicate_and_an_unknown_state()
    india = document.candidates.get(subject__slug="india", expectation=False)
    queue = f"{live_server.url}/admin/ingest/candidate/?document__id__exact={document.pk}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # The ORM is not touched below: Playwright's sync API runs an event loop in this thread.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            sign_in(page, live_server.url, "rita")

            page.goto(queue)
            _shot(page, "review-01-queue-1280px")
            assert page.evaluate(NO_SIDEWAYS_SCROLL) == {"page": 0, "table": 0}
            flagged = page.locator("#result_list tr", has=page.locator(".recorded-as"))
            assert flagged.count() == 1 and f"already recorded as #{held.seq}" in flagged.inner_text()
            assert "news.txt, line 1" in flagged.inner_text() and "pending" in flagged.inner_text()

            # Accepting the flagged candidate as it stands records nothing and says why.
            flagged.locator("a:has-text('Accept…')").click()
            assert f"Already recorded as #{held.seq}" in page.inner_text(".recorded-as")
            page.click("#review-form input[type=submit]")
            _shot(page, "review-02-duplicate-refused")
            assert f"already recorded as #{held.seq}" in page.inner_text("#review-form .errorlist")

            # A bulk accept of the same candidate is refused too.
            page.goto(queue)
            page.check(f"input[name=_selected_action][value='{india.pk}']")
            page.select_option("select[name=action]", "accept_selected")
            page.click("button[name=index]")
            assert f"Candidate {india.pk} not accepted: already recorded as #{held.seq}" in page.inner_text(".messagelist")
            assert f"document__id__exact={document.pk}" in page.url

            # An unknown state: the form offers to create it, and accepting does.
            page.locator("#result_list tr:has-text('? Turkmenistan')").locator("a:has-text('Accept…')").click()
            offer = page.locator("label[for=id_create_state]")
            assert "Create the state Turkmenistan (TKM)" in offer.inner_text() and page.is_checked("#id_create_state")
            assert page.locator(".field-subject .select2-selection, select[name=subject]").count() >= 1
            _shot(page, "review-03-unknown-state-offered")
            page.click("#review-form input[type=submit]")
            assert "Accepted: event #" in page.inner_text(".messagelist")
            assert f"document__id__exact={document.pk}" in page.url  # back to the same document's queue
            _shot(page, "review-04-back-to-the-filtered-queue")
            assert page.evaluate(NO_SIDEWAYS_SCROLL) == {"page": 0, "table": 0}
        finally:
            browser.close()

    india.refresh_from_db()
    turkmenistan = Entity.objects.get(iso3="TKM")
    assert india.status == "pending" and Event.objects.filter(subject__slug="india").count() == 1
    assert Event.objects.filter(subject=turkmenistan, payload__status="observer").count() == 1
