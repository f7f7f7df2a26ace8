"""The API docs work offline: Swagger UI and ReDoc load every script, stylesheet and font from this app
(drf-spectacular-sidecar), and each of those URLs answers."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


class _References(HTMLParser):
    """Every URL a page makes the browser fetch: script src, link href (stylesheets, icons, preconnects)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"])
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"])


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/api/docs/", "/api/docs/redoc/"])
@override_settings(DEBUG=False)
def test_docs_pages_load_only_same_origin_files_and_each_answers(client, page):
    response = client.get(page)
    assert response.status_code == 200

    urls = _references(response.content.decode())

    assert any(url.endswith(".js") for url in urls), urls  # the page does load its UI
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), f"{page} loads {url} from elsewhere"
        served = client.get(url)
        assert served.status_code == 200, (url, served.status_code)
        if url.endswith(".js"):
            assert b"".join(served.streaming_content if served.streaming else [served.content])


def test_the_schema_the_docs_read_answers(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi:" in response.content
