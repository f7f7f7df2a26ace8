"""page_reads.newest, the one-query read of an unfiltered page, answers what the ORM read does."""
from __future__ import annotations

import pytest

from events import store
from events.models import Event
from events.queries import feeds as page_reads
from tests import builders
from tests.feeds.subscriber import read

pytestmark = pytest.mark.django_db

NO_SEQ = 2**63 - 1


@pytest.fixture
def log():
    """Memberships and offices, with corrections and retractions of old and of recent events alike."""
    builders.organisation()
    india = builders.state("india", "IND", "India")
    iran = builders.state("iran", "IRN", "Iran")
    alimov = builders.entity("rashid-alimov", "person", "Rashid Alimov")
    old = builders.membership(india, "observer", "2005-07")
    for year in range(2006, 2016):
        builders.membership(iran, "observer", f"{year}-06")
        builders.office(alimov, "secretary_general", f"{year}-01-01")
    store.correct(event=old, recorded_by="editor", note="the day", date="2005-07-05")  # amends an old event
    recent = builders.membership(india, "member", "2017-06-09")
    store.retract(event=recent, reason="misread", recorded_by="editor")  # amends the event just before it
    office = builders.office(alimov, "secretary_general", "2016-01-01")
    store.correct(event=office, recorded_by="editor", note="the year", date="2016")
    return Event.objects.order_by("-seq")


def _orm_page(events, before: int, limit: int):
    return page_reads.load(events.filter(seq__lt=before)[:limit])


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 50])
@pytest.mark.parametrize("kind", [None, "membership.status", "office.assumed", "retraction"])
def test_every_page_of_every_plain_feed_is_the_orm_page(log, kind, limit):
    lookups = {"kind": kind} if kind else {}
    events = log.filter(**lookups)
    newest_seq = log.first().seq
    for before in [NO_SEQ, *range(newest_seq + 1, 0, -1)]:
        assert page_reads.newest(lookups, before, limit) == _orm_page(events, before, limit), (kind, limit, before)


def test_the_page_carries_what_its_events_amend(log):
    [retraction, *_] = page_reads.newest({"kind": "retraction"}, NO_SEQ, 1)
    assert retraction.retracts is not None and retraction.retracts.record.kind == "membership.status"
    assert retraction.retracts.record.subject == "india"
    corrections = [row for row in page_reads.newest({}, NO_SEQ, 50) if row.corrects is not None]
    assert {str(row.corrects.record.date) for row in corrections} == {"2005-07", "2016-01-01"}


def test_a_kind_with_no_events_and_a_page_past_the_start_are_empty(log, client):
    assert page_reads.newest({"kind": "document.in_force"}, NO_SEQ, 50) == []
    assert page_reads.newest({}, 1, 50) == []  # nothing below the first seq
    for url in ("/feeds/kinds/document.in_force.atom", "/feeds/kinds/document.in_force.rss", "/feeds/events.atom?before=1"):
        _, feed = read(client, url)
        assert feed.entries == [], url
