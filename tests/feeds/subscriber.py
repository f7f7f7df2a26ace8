"""What a subscriber does with a feed: fetch it over HTTP and read it with feedparser, a real feed client."""
from __future__ import annotations

from datetime import datetime

import feedparser


def read(client, url: str, **headers):
    """GET `url`; the response and the parsed feed, which must be well-formed (bozo 0)."""
    response = client.get(url, **headers)
    assert response.status_code == 200, (response.status_code, response.content[:500])
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return response, parsed


def links(element, rel: str) -> list[str]:
    return [link.href for link in element.get("links", []) if link.get("rel") == rel]


def link(element, rel: str) -> str | None:
    found = links(element, rel)
    assert len(found) <= 1, found
    return found[0] if found else None


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)
