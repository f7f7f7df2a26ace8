"""Web pages announce the feeds with <link rel="alternate">, so browsers and readers find them."""
from __future__ import annotations

import pytest
from lxml import html

from tests import builders

pytestmark = pytest.mark.django_db


def _alternates(response) -> list[tuple[str, str]]:
    page = html.fromstring(response.content)
    return [(link.get("type"), link.get("href")) for link in page.xpath("//head/link[@rel='alternate']")]


@pytest.mark.parametrize("url", ["/", "/state/"])
def test_site_pages_announce_the_log_and_the_changes(client, url):
    builders.organisation()

    found = _alternates(client.get(url))

    assert found == [
        ("application/atom+xml", "/feeds/events.atom"),
        ("application/rss+xml", "/feeds/events.rss"),
        ("application/atom+xml", "/feeds/changes.atom"),
    ]


def test_an_entity_page_and_its_events_announce_the_entity_feed_first(client):
    event = builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09")

    for url in ("/entities/india/", f"/events/{event.id}/"):
        found = _alternates(client.get(url))
        assert found[0] == ("application/atom+xml", "/feeds/entities/india.atom")
        assert len(found) == 4


def test_every_announced_feed_answers(client):
    builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09")

    for _, href in _alternates(client.get("/entities/india/")):
        assert client.get(href).status_code == 200, href
