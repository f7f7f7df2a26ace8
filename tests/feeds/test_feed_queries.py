"""The feeds' queries are counted: a page costs the same few queries however many entries it holds."""
from __future__ import annotations

import pytest

from events import store
from tests import builders

pytestmark = pytest.mark.django_db


def _log(count: int):
    """`count` events of every entry shape: memberships, offices, places, corrections, retractions."""
    org = builders.organisation()
    india = builders.state("india", "IND", "India")
    alimov = builders.entity("rashid-alimov", "person", "Rashid Alimov")
    shanghai = builders.entity("shanghai", "place", "Shanghai")
    charter = builders.entity("sco-charter", "document", "SCO Charter")
    for i in range(count // 5):
        first = builders.membership(india, "observer", f"{2000 + i}-07")
        corrected = store.correct(event=first, recorded_by="editor", note="day", date=f"{2000 + i}-07-05")
        store.retract(event=corrected, reason="no", recorded_by="editor")
        builders.office(alimov, "secretary_general", f"{2000 + i}-01-01")
        store.append(
            organisation=org, kind="document.signed", subject=charter, payload={"place": shanghai.slug},
            date=f"{2000 + i}-06-07", source=builders.source(), confidence=0.9, recorded_by="tester",
        )


@pytest.mark.parametrize("size", [5, 50])
def test_a_head_page_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries, size):
    _log(size)

    # log head, the page's rows with their subjects and amended events, the vocabularies, place names
    with django_assert_max_num_queries(4):
        response = client.get(f"/feeds/events.atom?limit={size}")
    assert response.status_code == 200


def test_an_older_page_and_an_entity_feed_stay_bounded(client, django_assert_max_num_queries):
    _log(50)

    with django_assert_max_num_queries(4):  # the newest event below the page instead of the log head
        assert client.get("/feeds/events.rss?limit=10&before=20").status_code == 200
    with django_assert_max_num_queries(7):  # + the entity, the entity filter's lookup, the page's seqs read apart
        assert client.get("/feeds/entities/india.atom?entity=india&limit=50").status_code == 200
    with django_assert_max_num_queries(6):  # + the page's seqs read apart, the exists() of older events
        assert client.get("/feeds/events.atom?limit=10&after=20").status_code == 200


def test_a_304_costs_one_query(client, django_assert_num_queries):
    _log(10)
    etag = client.get("/feeds/events.atom")["ETag"]

    with django_assert_num_queries(1):
        assert client.get("/feeds/events.atom", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_changes_feed_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    _log(50)

    # log head, organisations, intervals with their predecessors, events behind, names, slugs, statuses, offices
    with django_assert_max_num_queries(8):
        assert client.get("/feeds/changes.atom").status_code == 200
