"""Fuzz every GET parameter and POST field of the API, the pages, the feeds and the admin: never a 500.

The parameters are read from the declarations (FilterSets, the API's parameter and body serializers,
the admin's list filters), so a parameter added there is fuzzed without editing this file. Values mix
arbitrary text and bytes with the shapes that broke things before (NUL, off-calendar offsets,
Infinity, huge numbers, impossible dates). A refusal must come in the surface's shape: the API's JSON
error body, plain text for the feeds, HTML for the pages. Runs on SQLite and (in `make test-services`)
on PostgreSQL; FUZZ_EXAMPLES bounds the examples per test (default 25, so CI stays fast).
"""
from __future__ import annotations

import json
import os
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import RequestFactory
from hypothesis import HealthCheck, given, note, settings, strategies as st

from events import store
from events.api import serializers as api
from events.api.views import DiffParams, StateParams
from events.filters import EntityFilterSet, EventFilterSet, SourceFilterSet
from events.models import Entity, Event, Source
from tests import builders
from tests.api.conftest import client_for, user_with

pytestmark = pytest.mark.django_db

fuzz = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

SHAPES_THAT_BROKE_THINGS = [
    "\x00", "a\x00b", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-14:00", "0001-01-01", "9999-12-31",
    "2017-02-30", "2017-13", "1e400", "-1e400", "Infinity", "NaN", "-0", "1" * 40, "-" + "9" * 30, "2017",
    "true", "null", "sco", "india", "IND", "test-source", "member", "membership.status", "occurred", "-seq",
    "%", "'; DROP TABLE events_event; --", "\u202e", "\ufeff", "ä" * 300, " ", "",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
VALUES = st.one_of(TEXT, st.sampled_from(SHAPES_THAT_BROKE_THINGS))
# Query strings as bytes: invalid UTF-8 and stray percent signs reach the parsers too.
RAW_VALUES = st.binary(max_size=30).map(lambda raw: quote_from_bytes(raw, safe=""))


def query_strings(names: list[str]) -> st.SearchStrategy[str]:
    pairs = st.lists(st.tuples(st.sampled_from(names + ["unknown"]), VALUES), max_size=6).map(urlencode)
    raw = st.lists(st.tuples(st.sampled_from(names), RAW_VALUES), max_size=3).map(
        lambda items: "&".join(f"{name}={value}" for name, value in items)
    )
    return st.one_of(pairs, raw)


PAGINATION = ["cursor", "page_size"]
FEED_WINDOW = ["limit", "before", "after"]
API_LISTS = {
    "/api/events/": [*EventFilterSet.base_filters, *PAGINATION],
    "/api/entities/": [*EntityFilterSet.base_filters, *PAGINATION],
    "/api/sources/": [*SourceFilterSet.base_filters, *PAGINATION],
    "/api/organisations/": PAGINATION,
    "/api/entities/india/history/": [*EventFilterSet.base_filters, *PAGINATION],
    "/api/state/": list(StateParams().fields),
    "/api/state/diff/": list(DiffParams().fields),
}
API_ITEMS = ["/api/entities/{}/", "/api/entities/{}/history/", "/api/sources/{}/", "/api/organisations/{}/", "/api/events/{}/"]
FEEDS = {
    "/feeds/events.atom": [*EventFilterSet.base_filters, *FEED_WINDOW],
    "/feeds/entities/india.rss": [*EventFilterSet.base_filters, *FEED_WINDOW],
    "/feeds/kinds/membership.status.atom": [*EventFilterSet.base_filters, *FEED_WINDOW],
    "/feeds/changes.atom": [*EventFilterSet.base_filters, "organisation", "limit"],
}
FEED_ITEMS = ["/feeds/entities/{}.atom", "/feeds/kinds/{}.rss"]
PAGES = {"/": ["org", "page"], "/state/": ["org", "at"], "/entities/india/": [], "/events/{event}/": []}
PAGE_ITEMS = ["/entities/{}/", "/events/{}/"]


@pytest.fixture
def world(db) -> dict:
    india = builders.state("india", "IND", "India")
    builders.membership(india, "observer", "2005-07", confidence=0.7)
    member = builders.membership(india, "member", "2017-06-09")
    store.retract(event=builders.membership(india, "member", "2016"), reason="wrong year", recorded_by="tester")
    builders.office(builders.entity("vladimir-norov", "person", "Vladimir Norov"), "secretary_general", "2019-01-01")
    return {"event": member, "events": sorted(Event.objects.values_list("pk", flat=True))}


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False


def answered(client, path: str, **extra):
    cache.clear()  # neither the throttle nor the log-head cache may stand between the fuzz and the code
    note(path)
    response = client.get(path, **extra)
    assert response.status_code < 500, (path, response.content[:300])
    return response


def assert_api_shape(response) -> None:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    if response.status_code >= 400:
        assert set(response.json()) == {"status", "code", "detail", "errors"}


def assert_feed_shape(response) -> None:
    if response.status_code >= 400 and response.status_code != 404:
        assert response["Content-Type"].startswith("text/plain"), response["Content-Type"]


def assert_page_shape(response) -> None:
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("text/html"), response["Content-Type"]


SURFACES = {
    "api": (API_LISTS, API_ITEMS, assert_api_shape),
    "feeds": (FEEDS, FEED_ITEMS, assert_feed_shape),
    "pages": (PAGES, PAGE_ITEMS, assert_page_shape),
}


@pytest.mark.parametrize("surface", sorted(SURFACES))
@fuzz
@given(data=st.data())
def test_get_parameters(client, world, surface, data):
    lists, _, assert_shape = SURFACES[surface]
    path = data.draw(st.sampled_from(sorted(lists)))
    query = data.draw(query_strings(lists[path] or ["q"]))

    assert_shape(answered(client, f"{path.format(event=world['event'].pk)}?{query}"))


@pytest.mark.parametrize("surface", sorted(SURFACES))
@fuzz
@given(data=st.data())
def test_paths(client, world, surface, data):
    _, items, assert_shape = SURFACES[surface]
    template = data.draw(st.sampled_from(items))
    value = data.draw(st.one_of(VALUES, RAW_VALUES))

    assert_shape(answered(client, template.format(quote(value, safe="%") or "x")))


# --- POST bodies -----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)
PLAUSIBLE = {
    "organisation": "sco", "kind": "membership.status", "subject": "india", "payload": {"status": "member"},
    "date": "2017-06-09", "source": "test-source", "confidence": 0.9, "locator": "para 1", "note": "fuzz",
    "reason": "fuzz",
}


def bodies(serializer_class) -> st.SearchStrategy[dict]:
    """Each declared field left out, plausible, a shape that broke things, or any JSON; sometimes an undeclared one."""
    fields = {
        name: st.one_of(st.just(PLAUSIBLE.get(name, "x")), st.sampled_from(SHAPES_THAT_BROKE_THINGS), JSON)
        for name in serializer_class().fields
    }
    return st.fixed_dictionaries({}, optional={**fields, "recorded_by": JSON})


def posted(client, path: str, body, **extra):
    cache.clear()
    raw = json.dumps(body, ensure_ascii=True)  # lone surrogates travel as \\udXXX escapes
    note(f"{path} {raw}")
    response = client.post(path, raw, content_type="application/json", **extra)
    assert response.status_code < 500, (path, raw[:200], response.content[:300])
    assert_api_shape(response)
    return response


@pytest.fixture
def editor(world):
    return client_for(user_with("editor", "add_event", "correct_event", "retract_event"))


@fuzz
@given(body=bodies(api.AppendRequest), key=st.one_of(st.none(), TEXT, st.sampled_from(["\x00", "k" * 300])))
def test_api_append_fields(editor, body, key):
    posted(editor, "/api/events/", body, **({} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}))


@fuzz
@given(data=st.data())
def test_api_correct_and_retract_fields(editor, world, data):
    action, request_class = data.draw(st.sampled_from([("correct", api.CorrectRequest), ("retract", api.RetractRequest)]))
    target = data.draw(st.sampled_from(world["events"]))

    posted(editor, f"/api/events/{target}/{action}/", data.draw(bodies(request_class)))


@fuzz
@given(body=st.one_of(JSON, st.binary(max_size=200)))
def test_api_any_body(editor, body):
    cache.clear()
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=True)
    response = editor.post("/api/events/", raw, content_type="application/json")
    assert response.status_code < 500, response.content[:300]
    assert_api_shape(response)


# --- the admin ---------------------------------------------------------------------------------------

@pytest.fixture
def staff(client, world):
    client.force_login(User.objects.create_superuser("boss", password="a-long-enough-password"))
    return client


def staff_request():
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="boss")
    return request


def changelist_parameters(model) -> list[str]:
    """Every parameter the model's changelist filters declare, and the search box."""
    changelist = admin.site.get_model_admin(model).get_changelist_instance(staff_request())
    return ["q", "o", "p", *(name for spec in changelist.filter_specs for name in spec.expected_parameters())]


@fuzz
@given(data=st.data())
def test_admin_changelist_filters(staff, data):
    model = data.draw(st.sampled_from([Event, Entity, Source]))
    query = data.draw(query_strings(changelist_parameters(model)))

    assert_page_shape(answered(staff, f"/admin/events/{model._meta.model_name}/?{query}"))


@fuzz
@given(term=st.one_of(VALUES, RAW_VALUES), field=st.sampled_from(["entity", "country", "subject", "source"]))
def test_admin_autocomplete(staff, term, field):
    model = "entity" if field == "country" else ("entityalias" if field == "entity" else "event")
    answered(staff, f"/admin/autocomplete/?term={quote(term, safe='%')}&app_label=events&model_name={model}&field_name={field}")


@fuzz
@given(data=st.data())
def test_admin_forms(staff, data):
    model = data.draw(st.sampled_from([Entity, Source]))
    model_admin = admin.site.get_model_admin(model)
    names = list(model_admin.get_form(staff_request()).base_fields)
    fields = data.draw(st.fixed_dictionaries({}, optional={name: VALUES for name in names}))
    cache.clear()

    response = staff.post(f"/admin/events/{model._meta.model_name}/add/", fields)

    assert response.status_code < 500, (fields, response.content[:300])
    assert_page_shape(response)
