"""The admin's timeline pages: the state on a date, the conflicts, an event's replay reading, the index links."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests import builders

pytestmark = pytest.mark.django_db

STATE = reverse("admin:events_state")
CONFLICTS = reverse("admin:events_conflicts")


def event_link(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def test_the_index_links_the_state_and_conflicts_pages(viewer_client, sco):
    content = viewer_client.get(reverse("admin:index")).content.decode()

    assert STATE in content and CONFLICTS in content
    assert reverse("admin:events_event_add") not in content  # a viewer is not offered to add


def test_the_state_page_lists_every_declared_status_and_office_with_the_events_behind_them(viewer_client, sco, india):
    china = builders.state("china", "CHN", "China")
    turkey = builders.state("turkey", "TUR", "Turkey")
    norov = builders.entity("vladimir-norov", "person", "Vladimir Norov", country=builders.state("uzbekistan", "UZB"))
    member = builders.membership(india, "member", "2017-06-09")
    observer = builders.membership(china, "observer", "2004")
    partner = builders.membership(turkey, "dialogue_partner", "2012-06")
    chair = builders.office(china, "chair", "2017-06-10")
    secretary = builders.office(norov, "secretary_general", "2019-01-01")

    response = viewer_client.get(STATE, {"org": "sco", "at": "2019-06-01"})

    content = response.content.decode()
    assert response.status_code == 200
    for heading in ("Members (1)", "Observers (1)", "Dialogue partners (1)", "Partners (0)"):
        assert heading in content
    assert "Chair" in content and "Secretary-General" in content and "Vladimir Norov" in content
    for event in (member, observer, partner, chair, secretary):
        assert event_link(event) in content


def test_the_state_page_answers_as_known_at_a_past_moment(viewer_client, sco, india):
    builders.membership(india, "member", "2017-06-09")
    before = (Event.objects.get().recorded_at - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")

    now = viewer_client.get(STATE, {"at": "2018-01-01"}).content.decode()
    then = viewer_client.get(STATE, {"at": "2018-01-01", "known_at": before}).content.decode()

    assert "Members (1)" in now and "Members (0)" in then


def test_a_bad_date_on_the_state_page_is_a_form_error(viewer_client, sco):
    response = viewer_client.get(STATE, {"at": "2017-02-30"})

    assert response.status_code == 200 and "at" in response.context["form"].errors


def test_a_month_on_the_state_page_is_refused_saying_a_day_is_wanted(viewer_client, sco):
    response = viewer_client.get(STATE, {"at": "2017-06"})

    assert response.context["form"].errors["at"] == ["give a day, YYYY-MM-DD (not '2017-06')"]


def test_a_day_as_known_at_on_the_state_page_means_its_end(viewer_client, sco, india):
    builders.membership(india, "member", "2017-06-09")
    today = timezone.now().date().isoformat()  # the day the membership was recorded

    page = viewer_client.get(STATE, {"at": "2018-01-01", "known_at": today}).content.decode()

    assert "Members (1)" in page


def test_the_conflicts_page_links_the_competing_events(viewer_client, sco, india):
    one = builders.membership(india, "member", "2017-06-09", src=builders.source("one"))
    other = builders.membership(india, "member", "2017-07-01", src=builders.source("other"))

    content = viewer_client.get(CONFLICTS).content.decode()

    assert "membership: india" in content and "different dates" in content
    assert event_link(one) in content and event_link(other) in content


def test_an_events_page_says_what_replay_makes_of_it_on_its_date(viewer_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    content = viewer_client.get(event_link(event)).content.decode()

    assert "What replay makes of it" in content
    assert "On 9 June 2017" in content and "<strong>member</strong>" in content
    assert "This event is behind that answer." in content


def test_an_overruled_event_is_shown_as_not_behind_the_answer(viewer_client, sco, india):
    weak = builders.membership(india, "observer", "2017-06-09", confidence=0.5)
    builders.membership(india, "member", "2017-06-09", confidence=0.9)

    content = viewer_client.get(event_link(weak)).content.decode()

    assert "This event is <strong>not</strong> behind that answer." in content
    assert "different values" in content  # and it is part of a conflict


def test_today_is_read_too(viewer_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    content = viewer_client.get(event_link(event)).content.decode()

    assert timezone.localdate().strftime("%-d %B %Y") + " (today)" in content
