"""Hostile input answers a 4xx in each surface's shape, never a 500; a database outage answers 503.

Each case is one the probe of issue 15 found answering 500: the API answers its JSON error body,
the pages the site's 400 page, the feeds plain text. They run on SQLite and on PostgreSQL
(where a NUL byte used to reach the driver).
"""
from __future__ import annotations

import base64
import io
import json
import socket

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection
from django.test import override_settings
from rest_framework.test import APIClient

from events.api.parsers import RequestTooLarge, StrictJSONParser
from tests import builders
from tests.api.conftest import client_for, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def seeded(db):
    builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09")


@pytest.fixture
def editor(db) -> APIClient:
    return client_for(user_with("editor", "add_event", "correct_event", "retract_event"))


@pytest.fixture
def staff(client, db):
    client.force_login(User.objects.create_superuser("boss", password="x" * 20))
    return client


def assert_api_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and set(body) == {"status", "code", "detail", "errors"}
    return body


def cursor(*value) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(value)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "path",
    ["/api/entities/%00/", "/api/entities/%00/history/", "/api/events/?q=%00", "/api/events/?entity=ind%00",
     "/api/events/?source=%00", "/api/sources/%00/", "/api/state/?org=%00", "/api/organisations/a%00b/",
     "/api/events/?kind=%00"],
)
def test_a_nul_byte_in_an_api_path_or_filter_is_a_400_in_the_api_shape(client, seeded, path):
    assert_api_error(client.get(path), 400)


@pytest.mark.parametrize("path", ["/state/?org=%00", "/entities/%00/", "/?q=%00", "/state/?at=%00"])
def test_a_nul_byte_in_a_page_address_is_the_sites_400_page(client, seeded, path):
    response = client.get(path)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>Bad request</h1>" in response.content  # templates/400.html, in the site's layout


@pytest.mark.parametrize(
    "path", ["/feeds/changes.atom?organisation=%00", "/feeds/events.atom?entity=%00", "/feeds/entities/india.rss?q=%00"]
)
def test_a_nul_byte_in_a_feed_address_is_a_plain_text_400(client, seeded, path):
    response = client.get(path)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "path",
    ["/admin/events/event/?kind__exact=%00", "/admin/events/entity/?q=%00", "/admin/events/source/?kind__exact=%00",
     "/admin/autocomplete/?term=%00&app_label=events&model_name=entityalias&field_name=entity"],
)
def test_a_nul_byte_in_an_admin_list_filter_or_autocomplete_is_a_400(staff, seeded, path):
    assert staff.get(path).status_code == 400


def test_a_nul_byte_in_an_admin_form_field_is_a_400_and_records_nothing(staff, seeded):
    response = staff.post("/admin/events/source/add/", {"key": "k\x00", "title": "t", "kind": "news", "reliability": "0.5"})

    assert response.status_code == 400
    assert not builders.Source.objects.filter(title="t").exists()


def test_a_nul_byte_in_a_cookie_is_a_400(client, seeded):
    client.cookies["sessionid"] = "abc\x00def"

    assert client.get("/state/").status_code == 400


@pytest.mark.parametrize(
    "body, field",
    [({"organisation": "sco", "kind": "membership.status", "subject": "india\x00"}, "subject"),
     ({"payload": {"status": "mem\x00ber"}}, "payload.status"),
     ({"payload": {"sta\x00tus": "member"}}, "payload.sta\\x00tus")],
)
def test_a_nul_byte_in_a_json_body_is_refused_naming_the_field(editor, seeded, body, field):
    body = assert_api_error(editor.post("/api/events/", body, format="json"), 400)

    assert field in body["errors"]


@pytest.mark.parametrize("ordering", ["seq", "occurred"])
@pytest.mark.parametrize(
    "token",
    [cursor("n", [None]), cursor("n", [None, None]), "WyJuIixbSW5maW5pdHldXQ", "WyJuIixbTmFOXV0",
     cursor("n", [10**30]), cursor("n", [-(10**30), 1]), cursor("p", ["0000-00-00", 1]), cursor("n", "x"),
     cursor("n", [[[[]]]]), cursor("n", [{"a": 1}])],
)
def test_a_crafted_cursor_is_a_400(client, seeded, token, ordering):
    body = assert_api_error(client.get(f"/api/events/?ordering={ordering}&cursor={token}"), 400)

    assert "cursor" in body["errors"]


def test_crafted_cursors_are_refused_on_every_paginated_list(client, seeded):
    for path in ["/api/sources/", "/api/entities/", "/api/organisations/", "/api/entities/india/history/"]:
        assert_api_error(client.get(f"{path}?cursor={cursor('n', [None])}"), 400)
        assert_api_error(client.get(f"{path}?cursor={cursor('n', ['a' * 5000])}"), 400)


@pytest.mark.parametrize(
    "query",
    ["/api/events/?recorded_after=0001-01-01T00:00:00%2B05:00", "/api/events/?recorded_before=9999-12-31T23:59:59-05:00",
     "/api/state/?known_at=0001-01-01T00:00:00%2B05:00", "/api/state/diff/?from=2017-01-01&to=2018-01-01&known_at=9999-12-31T23:00:00-05:00"],
)
def test_a_moment_an_offset_carries_off_the_calendar_is_a_400(client, seeded, query):
    body = assert_api_error(client.get(query), 400)

    assert "outside the calendar" in body["detail"]


@pytest.mark.parametrize("value", ["%", "%s", "%(x)s", "100%"])
@pytest.mark.parametrize("parameter", ["include_retracted", "recorded_after"])
def test_a_percent_sign_in_a_refused_filter_value_is_quoted_in_the_400(client, seeded, parameter, value):
    body = assert_api_error(client.get("/api/entities/india/history/", {parameter: value}), 400)

    assert body["detail"].startswith(f"{parameter}: ")
    assert parameter != "include_retracted" or repr(value) in body["detail"]


def test_the_feeds_refuse_a_moment_off_the_calendar_in_plain_text(client, seeded):
    response = client.get("/feeds/events.atom?recorded_after=0001-01-01T00:00:00%2B05:00")

    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")


def test_a_moment_with_an_offset_still_filters_as_that_instant(client, seeded):
    assert len(client.get("/api/events/?recorded_after=2000-01-01T05:00:00%2B05:00").json()["results"]) == 1
    assert client.get("/api/state/?known_at=2000-01-01T05:00:00%2B05:00").json()["known_at"].startswith("2000-01-01T00:00:00")


def test_a_3_mb_body_is_a_413_before_authentication(client, editor, seeded):
    body = b'{"note": "' + b"x" * 3_000_000 + b'"}'

    assert_api_error(client.post("/api/events/", body, content_type="application/json"), 413)
    assert_api_error(editor.post("/api/events/", body, content_type="application/json"), 413)


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=BoUnDaRy", "application/x-www-form-urlencoded"])
def test_a_3_mb_form_is_a_413_on_the_pages_and_the_admin(client, db, content_type):
    if content_type.startswith("multipart"):
        body = b'--BoUnDaRy\r\nContent-Disposition: form-data; name="username"\r\n\r\n' + b"x" * 3_000_000 + b"\r\n--BoUnDaRy--\r\n"
    else:
        body = b"username=" + b"x" * 3_000_000

    response = client.post("/admin/login/", body, content_type=content_type)

    assert response.status_code == 413


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_the_json_parser_caps_a_body_that_came_without_a_length():
    with pytest.raises(RequestTooLarge):
        StrictJSONParser().parse(io.BytesIO(b'{"note": "' + b"x" * 200 + b'"}'))


def test_deeply_nested_json_is_a_400(editor, seeded):
    assert_api_error(editor.post("/api/events/", b"[" * 100_000, content_type="application/json"), 400)
    assert_api_error(editor.post("/api/events/", b'{"payload": ' * 5000, content_type="application/json"), 400)


@pytest.mark.parametrize(
    "raw", [b'{"note": "\\udc00"}', b'{"\\udc00": 1}', b'{"payload": {"status": "\\ud800"}}', b'{"note": "\xff\xfe"}']
)
def test_lone_surrogates_and_invalid_utf8_are_a_400_in_the_api_shape(editor, seeded, raw):
    assert_api_error(editor.post("/api/events/", raw, content_type="application/json"), 400)


def test_lone_surrogates_are_refused_with_an_idempotency_key_too(editor, seeded):
    response = editor.post("/api/events/", b'{"note": "\\udc00"}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")

    assert_api_error(response, 400)


@pytest.mark.parametrize("path", ["/api/state/", "/api/events/", "/state/", "/", "/feeds/events.atom", "/admin/"])
def test_a_database_error_is_a_503_with_retry_after(staff, seeded, monkeypatch, path):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", unreachable)
    response = staff.get(path)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    if path.startswith("/api/"):
        assert assert_api_error(response, 503)["code"] == "service_unavailable"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/api/state/", "/api/events/?page_size=1", "/state/", "/feeds/events.atom"])
def test_postgresql_down_is_a_503_with_retry_after(client, path):
    reachable = {name: connection.settings_dict[name] for name in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=_closed_port())
    try:
        response = client.get(path)
    finally:  # back before the teardown, which empties the log through this connection
        connection.close()
        connection.settings_dict.update(reachable)

    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "30"
