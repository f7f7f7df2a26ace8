"""The feeds over HTTP: content types, validators, conditional GET, caching headers and refusals."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils.http import http_date

from tests import builders
from tests.feeds.subscriber import read

pytestmark = pytest.mark.django_db

URLS = ["/feeds/events.atom", "/feeds/events.rss", "/feeds/entities/india.atom", "/feeds/kinds/membership.status.atom", "/feeds/changes.atom"]


def _india():
    india = builders.state("india", "IND", "India")
    return builders.membership(india, "member", "2017-06-09")


@pytest.mark.parametrize(
    "url, content_type",
    [("/feeds/events.atom", "application/atom+xml; charset=utf-8"), ("/feeds/events.rss", "application/rss+xml; charset=utf-8"),
     ("/feeds/changes.atom", "application/atom+xml; charset=utf-8"), ("/feeds/changes.rss", "application/rss+xml; charset=utf-8")],
)
def test_content_type_names_the_format_and_utf8(client, url, content_type):
    _india()

    response, _ = read(client, url)

    assert response["Content-Type"] == content_type
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


@pytest.mark.parametrize("url", URLS)
def test_head_document_has_validators_and_must_revalidate(client, url):
    event = _india()

    response, _ = read(client, url)

    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Last-Modified"] == http_date(int(event.recorded_at.timestamp()))
    assert response["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("url", URLS)
def test_if_none_match_with_the_current_etag_answers_304_without_a_body(client, url):
    _india()
    etag = client.get(url)["ETag"]

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, no-cache"


def test_if_modified_since_answers_304_until_something_is_appended(client):
    event = _india()
    since = http_date(int((event.recorded_at + timedelta(seconds=1)).timestamp()))

    assert client.get("/feeds/events.atom", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    later = builders.membership(builders.state("iran", "IRN", "Iran"), "member", "2023-07-04")
    later_since = http_date(int((later.recorded_at - timedelta(seconds=1)).timestamp()))
    assert client.get("/feeds/events.atom", HTTP_IF_MODIFIED_SINCE=later_since).status_code == 200


def test_an_append_changes_the_etag_of_every_head_document(client):
    _india()
    before = {url: client.get(url)["ETag"] for url in URLS}

    builders.membership(builders.state("iran", "IRN", "Iran"), "member", "2023-07-04")

    for url in URLS:
        response = client.get(url, HTTP_IF_NONE_MATCH=before[url])
        assert response.status_code == 200, url
        assert response["ETag"] != before[url]


def test_etag_differs_between_formats_and_filters(client):
    _india()

    etags = {client.get(url)["ETag"] for url in ("/feeds/events.atom", "/feeds/events.rss", "/feeds/events.atom?kind=membership.status")}

    assert len(etags) == 3


def test_same_state_renders_the_same_bytes(client):
    _india()

    assert client.get("/feeds/events.atom").content == client.get("/feeds/events.atom").content


def test_head_request_gets_the_headers(client):
    _india()

    response = client.head("/feeds/events.atom")

    assert response.status_code == 200
    assert response["ETag"]


def test_feeds_refuse_writes(client):
    assert client.post("/feeds/events.atom").status_code == 405


@pytest.mark.parametrize(
    "query, message",
    [
        ("limit=0", "limit: '0' is not a whole number from 1 up"),
        ("limit=-5", "limit: '-5' is not a whole number from 1 up"),
        ("limit=ten", "limit: 'ten' is not a whole number from 1 up"),
        ("limit=1_0", "limit: '1_0' is not a whole number from 1 up"),
        ("limit=501", "limit: 501 is more than 500"),
        ("limit=99999999999999999999999", "limit: '99999999999999999999999' is not a whole number from 1 up"),
        ("before=x", "before: 'x' is not a whole number from 1 up"),
        ("before=5&after=2", "before, after: give one of them, not both"),
        ("min_confidence=lots", "min_confidence: Enter a number."),
        ("kind=membership.stat", "kind: Select a valid choice."),
        ("recorded_after=yesterday", "recorded_after: Enter a valid date/time."),
    ],
)
def test_bad_parameters_are_400_with_a_message_naming_the_parameter(client, query, message):
    response = client.get(f"/feeds/events.atom?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith(message)


@pytest.mark.parametrize(
    "query, message",
    [("before=3", "before, after: the changes feed is not paged; use limit"),
     ("organisation=nato", "organisation: 'nato' is not an organisation"), ("limit=1000", "limit: 1000 is more than 500")],
)
def test_changes_feed_refuses_what_it_cannot_answer(client, query, message):
    response = client.get(f"/feeds/changes.atom?{query}")

    assert response.status_code == 400
    assert response.content.decode().startswith(message)


def test_limit_up_to_500_is_accepted(client):
    _india()

    response, feed = read(client, "/feeds/events.atom?limit=500")

    assert len(feed.entries) == 1
