"""RFC 5005 paging keyed by seq: walks that see every event once while events arrive, and final pages."""
from __future__ import annotations

import itertools

import pytest

from events import store
from events.models import Event
from tests import builders
from tests.feeds.subscriber import link, path_of, read

pytestmark = pytest.mark.django_db

def _append(count: int) -> list[Event]:
    """`count` more events about a few states, alternating statuses, a month apart."""
    states = [builders.state(slug, iso3) for slug, iso3 in (("india", "IND"), ("iran", "IRN"), ("laos", "LAO"))]
    start = Event.objects.count()
    return [
        builders.membership(states[i % 3], ("observer", "member")[i % 2], f"{2000 + i // 12}-{i % 12 + 1:02d}")
        for i in range(start, start + count)
    ]


def _ids(feed) -> list[str]:
    return [e.id for e in feed.entries]


def _urn(events) -> list[str]:
    return [f"urn:uuid:{e.id}" for e in events]


def test_head_holds_the_newest_events_and_links_older_events_but_nothing_newer(client):
    events = _append(12)

    _, head = read(client, "/feeds/events.atom?limit=5")

    assert _ids(head) == _urn(reversed(events[-5:]))
    assert path_of(link(head.feed, "next")) == f"/feeds/events.atom?limit=5&before={events[-5].seq}"
    assert path_of(link(head.feed, "first")) == "/feeds/events.atom?limit=5"
    assert link(head.feed, "previous") is None  # RFC 5005: nothing is newer than the first page


def test_default_page_is_50_entries(client):
    _append(51)

    _, head = read(client, "/feeds/events.atom")

    assert len(head.entries) == 50
    assert link(head.feed, "next") is not None


def test_walking_next_from_the_head_visits_every_event_once_while_events_arrive(client):
    original = _append(23)

    seen: list[str] = []
    _, page = read(client, "/feeds/events.atom?limit=5")
    seen += _ids(page)
    newer = None
    while link(page.feed, "next"):
        _append(2)  # arrivals between fetches must neither repeat nor hide anything
        _, page = read(client, path_of(link(page.feed, "next")))
        newer = newer or link(page.feed, "previous")  # the second page's way back up
        seen += _ids(page)

    assert seen == _urn(reversed(original))

    # Then walking `previous` from the second page collects the head's entries and exactly what arrived
    # meanwhile, until the newest page, which links nothing newer.
    arrived: list[str] = []
    url = newer
    for fetch in itertools.count():
        if fetch < 2:
            _append(3)
        _, page = read(client, path_of(url))
        arrived += list(reversed(_ids(page)))
        url = link(page.feed, "previous")
        if url is None:
            break
    log = list(Event.objects.order_by("seq"))
    assert arrived == _urn(log[len(original) - 5:])
    assert set(seen) | set(arrived) == set(_urn(log))


def test_walk_with_filters_keeps_them_on_every_link(client):
    _append(9)

    seen = []
    _, page = read(client, "/feeds/events.rss?limit=2&entity=india")
    seen += _ids(page)
    while link(page.feed, "next"):
        assert "entity=india" in link(page.feed, "next")
        _, page = read(client, path_of(link(page.feed, "next")))
        seen += _ids(page)

    india = Event.objects.filter(subject__slug="india").order_by("-seq")
    assert seen == _urn(india)


def test_a_page_below_the_head_is_final_and_cached_for_a_year(client):
    events = _append(12)
    url = f"/feeds/events.atom?limit=5&before={events[-5].seq}"
    first, _ = read(client, url)

    _append(3)
    store.retract(event=events[-6], reason="test", recorded_by="editor")
    again, _ = read(client, url)

    assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_oldest_page_is_final_too(client):
    events = _append(7)

    response, feed = read(client, f"/feeds/events.atom?limit=5&before={events[-5].seq}")

    assert len(feed.entries) == 2
    assert link(feed.feed, "next") is None
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_page_past_the_end_of_the_log_is_not_final(client):
    events = _append(3)

    response, feed = read(client, f"/feeds/events.atom?before={events[-1].seq + 10}")

    assert len(feed.entries) == 3
    assert response["Cache-Control"] == "public, no-cache"


def test_hiding_retracted_events_makes_every_page_revalidate(client):
    events = _append(8)

    response, _ = read(client, f"/feeds/events.atom?limit=3&before={events[-3].seq}&include_retracted=false")

    assert response["Cache-Control"] == "public, no-cache"


def test_a_page_of_newer_events_revalidates_and_lists_newest_first(client):
    events = _append(6)

    response, feed = read(client, f"/feeds/events.atom?limit=3&after={events[1].seq}")

    assert _ids(feed) == _urn(reversed(events[2:5]))
    assert path_of(link(feed.feed, "next")) == f"/feeds/events.atom?limit=3&before={events[2].seq}"
    assert path_of(link(feed.feed, "previous")) == f"/feeds/events.atom?limit=3&after={events[4].seq}"
    assert response["Cache-Control"] == "public, no-cache"


def test_every_page_shares_the_feed_id(client):
    events = _append(6)

    ids = {read(client, url)[1].feed.id for url in (
        "/feeds/events.atom", "/feeds/events.atom?limit=2", f"/feeds/events.atom?limit=2&before={events[-2].seq}",
    )}

    assert ids == {"http://testserver/feeds/events.atom"}
