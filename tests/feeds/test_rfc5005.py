"""The RFC 5005 paging rules a feed validator checks, over every page of a feed, in Atom and RSS.

The W3C Feed Validator flags a `previous` link on the document its `first` link names ("link past the
end"), and a `next` on the one `last` names. Beyond that, the links must agree with one another: every
page names the same `first`, following `next` then `previous` comes back to the same entries, and a
walk either way meets every event once and ends.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from events.models import Event
from tests import builders
from tests.feeds.subscriber import links, path_of, read

pytestmark = pytest.mark.django_db

PAGING_RELS = {"self", "first", "last", "next", "previous", "current"}


def _same_url(a: str, b: str) -> bool:
    """Two URLs name the same document: same path, same parameters in any order."""
    a_parts, b_parts = urlsplit(a), urlsplit(b)
    return a_parts.path == b_parts.path and sorted(parse_qsl(a_parts.query)) == sorted(parse_qsl(b_parts.query))


def _one(feed, rel: str) -> str | None:
    found = links(feed, rel)
    assert len(found) <= 1, f"{len(found)} {rel} links: {found}"
    return found[0] if found else None


def _check_page(url: str, feed) -> None:
    """The rules one document must keep on its own."""
    self_href, first = _one(feed, "self"), _one(feed, "first")
    assert self_href is not None and _same_url(self_href, "http://testserver" + url), (self_href, url)
    assert first is not None, "every page names the head"
    assert _one(feed, "current") is None, "`current` is for archived feeds (RFC 5005 section 4)"
    for rel in ("next", "previous", "first", "last"):
        target = _one(feed, rel)
        if rel in ("next", "previous") and target is not None:
            assert not _same_url(target, self_href), f"{url}: {rel} links to itself"
    if _same_url(first, self_href):
        assert _one(feed, "previous") is None, f"{url}: previous link in first document"
    last = _one(feed, "last")
    if last is not None and _same_url(last, self_href):
        assert _one(feed, "next") is None, f"{url}: next link in last document"


def _walk(client, head_url: str, rel: str, start: str | None = None) -> list[tuple[str, object]]:
    """Every page met following `rel` from `start` (the head by default), each checked on its own."""
    pages, url, visited = [], start or head_url, set()
    while url is not None:
        assert url not in visited, f"{rel} loops back to {url}"
        visited.add(url)
        _, parsed = read(client, url)
        _check_page(url, parsed.feed)
        pages.append((url, parsed))
        target = _one(parsed.feed, rel)
        url = path_of(target) if target else None
        assert len(pages) < 100, "the walk does not end"
    return pages


def _entry_ids(parsed) -> list[str]:
    return [entry.id for entry in parsed.entries]


def _log(count: int) -> list[Event]:
    india, iran = builders.state("india", "IND"), builders.state("iran", "IRN")
    return [
        builders.membership((india, iran)[i % 2], ("observer", "member")[i % 3 == 0], f"{2000 + i // 12}-{i % 12 + 1:02d}")
        for i in range(count)
    ]


FEEDS = [
    ("/feeds/events.atom?limit=4", lambda events: events),
    ("/feeds/events.rss?limit=4", lambda events: events),
    ("/feeds/entities/india.atom?limit=3", lambda events: events[::2]),
    ("/feeds/kinds/membership.status.atom?limit=5", lambda events: events),
    ("/feeds/events.atom?limit=3&entity=IRN&min_confidence=0.5", lambda events: events[1::2]),
    ("/feeds/events.atom", lambda events: events),  # one page: first, and last, with no next or previous
]


@pytest.mark.parametrize(("head_url", "expected"), FEEDS)
def test_every_page_keeps_the_rfc5005_rules_and_the_walk_down_meets_each_event_once(client, head_url, expected):
    events = expected(_log(17))

    pages = _walk(client, head_url, "next")

    head_url_, head = pages[0]
    assert _one(head.feed, "previous") is None
    firsts = {_one(parsed.feed, "first") for _, parsed in pages}
    assert len(firsts) == 1 and _same_url(firsts.pop(), "http://testserver" + head_url)
    seen = [entry_id for _, parsed in pages for entry_id in _entry_ids(parsed)]
    assert seen == [f"urn:uuid:{event.id}" for event in reversed(events)]
    assert _one(pages[-1][1].feed, "next") is None


@pytest.mark.parametrize(("head_url", "expected"), FEEDS[:5])
def test_following_next_then_previous_comes_back_to_the_same_entries(client, head_url, expected):
    expected(_log(17))

    pages = _walk(client, head_url, "next")

    assert len(pages) > 2
    for (_, page), (next_url, _) in zip(pages, pages[1:]):
        _, older = read(client, next_url)
        back = _one(older.feed, "previous")
        assert back is not None, f"{next_url} has no way back up"
        _, again = read(client, path_of(back))
        assert _entry_ids(again) == _entry_ids(page)


@pytest.mark.parametrize(("head_url", "expected"), FEEDS[:5])
def test_walking_previous_from_the_oldest_page_meets_each_event_once_and_ends_at_the_newest(client, head_url, expected):
    events = expected(_log(17))
    oldest_url = _walk(client, head_url, "next")[-1][0]

    pages = _walk(client, head_url, "previous", start=oldest_url)

    seen = [entry_id for _, parsed in reversed(pages) for entry_id in _entry_ids(parsed)]
    assert seen == [f"urn:uuid:{event.id}" for event in reversed(events)]
    assert _entry_ids(pages[-1][1])[0] == f"urn:uuid:{events[-1].id}"


def test_a_page_below_the_oldest_match_leads_back_up_and_not_further_down(client):
    events = _log(5)
    iran = events[1::2]

    _, empty = read(client, f"/feeds/events.atom?limit=2&entity=IRN&before={iran[0].seq}")

    assert empty.entries == [] and _one(empty.feed, "next") is None
    _, back = read(client, path_of(_one(empty.feed, "previous")))
    assert _entry_ids(back) == [f"urn:uuid:{event.id}" for event in reversed(iran)]


def test_the_page_before_the_first_seq_links_neither_way(client):
    _log(3)

    _, empty = read(client, "/feeds/events.atom?before=1")

    assert empty.entries == []
    assert _one(empty.feed, "next") is None and _one(empty.feed, "previous") is None
