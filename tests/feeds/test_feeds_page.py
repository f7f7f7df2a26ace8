"""/feeds/: the page that lists every feed with its parameters, linked from every page."""
from __future__ import annotations

import re

import pytest

from events.domain.kinds import KINDS
from events.filters import EventFilterSet
from tests import builders

pytestmark = pytest.mark.django_db


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_the_feeds_page_lists_every_feed_each_kind_and_each_state_and_every_link_answers(client):
    india = builders.state("india", "IND", "India")
    builders.state("iran", "IRN", "Iran")
    builders.membership(india, "observer", "2005-07")

    response = client.get("/feeds/")

    assert response.status_code == 200
    html = response.content.decode()
    feeds = sorted({href for href in _hrefs(html) if href.startswith("/feeds/") and href != "/feeds/"})
    for kind in KINDS:
        assert f"/feeds/kinds/{kind}.atom" in feeds and f"/feeds/kinds/{kind}.rss" in feeds
    for slug in ("india", "iran"):
        assert f"/feeds/entities/{slug}.atom" in feeds
    for path in ("/feeds/events.atom", "/feeds/events.rss", "/feeds/changes.atom", "/feeds/changes.rss"):
        assert path in feeds
    for href in feeds:
        answer = client.get(href)
        assert answer.status_code == 200 and answer["Content-Type"].startswith("application/"), href


def test_the_feeds_page_explains_every_filter_the_event_feeds_take(client):
    html = client.get("/feeds/").content.decode()

    for name in set(EventFilterSet.base_filters) - {"ordering"}:
        assert f"<dt><code>{name}</code></dt>" in html
    for name in ("limit", "before", "after"):
        assert f"<dt><code>{name}</code></dt>" in html


def test_every_page_links_the_feeds_page(client):
    india = builders.state("india", "IND", "India")
    event = builders.membership(india, "observer", "2005-07")

    for path in ("/", "/state/", "/entities/india/", f"/events/{event.id}/", "/feeds/", "/nowhere/"):
        html = client.get(path).content.decode()
        assert 'class="feed-link" href="/feeds/"' in html, path
