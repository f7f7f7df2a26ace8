"""The event list: dates as written, filters, search, and a query count that does not grow with the page."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import store
from tests import builders

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")


def listed(client, **params) -> set[int]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {event.seq for event in response.context["cl"].result_list}


def test_partial_dates_are_shown_as_written(editor_client, sco, india):
    builders.membership(india, "observer", "2005-07")
    builders.membership(india, "member", "2017-06-09")

    content = editor_client.get(CHANGELIST).content.decode()

    assert "July 2005" in content and "9 June 2017" in content


def test_filters_by_confidence_band(editor_client, sco, india):
    low = builders.membership(india, "observer", "2005", confidence=0.5)
    high = builders.membership(india, "member", "2017", confidence=0.95)

    assert listed(editor_client, confidence_band="high") == {high.seq}
    assert listed(editor_client, confidence_band="low") == {low.seq}


def test_filters_retracted_or_not(editor_client, sco, india):
    kept = builders.membership(india, "member", "2017")
    dropped = builders.membership(india, "observer", "2005")
    retraction = store.retract(event=dropped, reason="wrong", recorded_by="t")

    assert listed(editor_client, retracted="yes") == {dropped.seq}
    assert listed(editor_client, retracted="no") == {kept.seq, retraction.seq}


def test_filters_by_kind_organisation_subject_and_source(editor_client, sco, india):
    china = builders.state("china", "CHN", "China")
    other = builders.source("other-source")
    by_india = builders.membership(india, "member", "2017")
    by_china = builders.membership(china, "member", "2001", src=other)
    chair = builders.office(china, "chair", "2018")

    assert listed(editor_client, kind="office.assumed") == {chair.seq}
    assert listed(editor_client, organisation__id__exact=sco.pk) == {by_india.seq, by_china.seq, chair.seq}
    assert listed(editor_client, subject__id__exact=india.pk) == {by_india.seq}
    assert listed(editor_client, source__id__exact=other.pk) == {by_china.seq}


def test_a_date_range_matches_partial_dates_that_may_fall_in_it(editor_client, sco, india):
    year = builders.membership(india, "member", "2017")
    builders.membership(india, "observer", "2005-07-05")

    assert listed(editor_client, occurred_after="2017-06-01", occurred_before="2017-06-30") == {year.seq}


def test_a_bad_date_in_the_range_is_shown_not_crashed_on(editor_client, sco, india):
    builders.membership(india, "member", "2017")

    response = editor_client.get(CHANGELIST, {"occurred_after": "2017-02-30"})

    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_search_finds_subjects_and_payload_values(editor_client, sco, india):
    china = builders.state("china", "CHN", "China")
    observer = builders.membership(india, "observer", "2005")
    member = builders.membership(china, "member", "2001")

    assert listed(editor_client, q="China") == {member.seq}
    assert listed(editor_client, q="observer") == {observer.seq}


def test_the_list_says_which_events_are_corrected_or_retracted(editor_client, sco, india):
    original = builders.membership(india, "observer", "2005")
    builders.membership(india, "observer", "2005-07", corrects=original, note="month")

    content = editor_client.get(CHANGELIST).content.decode()

    assert "corrected" in content and "in force" in content


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGELIST).status_code == 200
    return len(captured)


def test_the_list_takes_as_many_queries_for_many_events_as_for_few(editor_client, sco):
    source = builders.source()
    for n in range(3):
        builders.membership(builders.state(f"state-{n}", f"S{n:02d}"), "member", "2001", src=source)
    few = _queries_for_list(editor_client)
    for n in range(3, 30):
        builders.membership(builders.state(f"state-{n}", f"S{n:02d}"), "member", "2001", src=source)

    many = _queries_for_list(editor_client)

    assert many == few
    assert many <= 12  # session, user, rights, filter choices, counts, the page: nothing per row
