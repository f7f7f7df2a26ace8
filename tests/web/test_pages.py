"""The public pages: timeline, state on a date, an entity's history, an event with its provenance."""
import pytest
from django.urls import reverse

from events import store
from tests import builders


@pytest.fixture
def india_joins(db):
    builders.organisation()
    india = builders.state("india", "IND", "India")
    builders.membership(india, "observer", "2005-07-05")
    return builders.membership(india, "member", "2017-06", locator="line 3")


def test_home_page_lists_the_timeline(client, india_joins):
    page = client.get("/")
    assert page.status_code == 200
    assert "June 2017" in page.content.decode() and "India" in page.content.decode()


def test_timeline_page_query_count_does_not_grow_with_events(client, india_joins, django_assert_max_num_queries):
    for year in range(2000, 2030):
        builders.membership(builders.state(f"s{year}", f"X{year % 100:02d}"), "observer", str(year))
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def test_state_page_shows_members_with_uncertainty_inside_a_partial_date(client, india_joins):
    text = client.get(reverse("events:state"), {"at": "2017-06-10"}).content.decode()
    assert "Members (1)" in text and "not certain on this date" in text


def test_state_page_refuses_an_impossible_date_clearly(client, india_joins):
    page = client.get(reverse("events:state"), {"at": "2017-02-30"})
    assert page.status_code == 400 and "not a date on the calendar" in page.content.decode()


def test_state_page_asks_for_a_day_when_given_a_month(client, india_joins):
    page = client.get(reverse("events:state"), {"at": "2017-06"})
    assert page.status_code == 400 and "give a day, YYYY-MM-DD" in page.content.decode()


def test_entity_page_and_event_page_show_provenance_and_amendments(client, india_joins):
    correction = store.correct(event=india_joins, date="2017-06-09", recorded_by="editor", note="the summit day")
    assert "India" in client.get(reverse("events:entity", args=["india"])).content.decode()
    text = client.get(reverse("events:event", args=[india_joins.id])).content.decode()
    assert "Corrected by" in text and str(correction.id) in text and "line 3" in text
    assert client.get(reverse("events:entity", args=["atlantis"])).status_code == 404
