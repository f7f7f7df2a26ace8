"""Fixtures for the API tests: a client, an editor with a token, a small world built with the builders."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import store
from tests import builders


@pytest.fixture(autouse=True)
def plain_http(settings):
    """With DATABASE_URL set the settings run in production mode, which redirects http to https."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def user_with(username: str, *codenames: str) -> User:
    user = User.objects.create_user(username)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="events", codename__in=codenames))
    return user


def client_for(user: User) -> APIClient:
    authenticated = APIClient()
    authenticated.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return authenticated


@pytest.fixture
def editor(db) -> APIClient:
    return client_for(user_with("editor", "add_event", "correct_event", "retract_event"))


@pytest.fixture
def reader(db) -> APIClient:
    """Authenticated, but with no permission to write."""
    return client_for(user_with("reader"))


@pytest.fixture
def world(db) -> dict:
    """India and China with membership histories, a Secretary-General, a summit in a place."""
    org = builders.organisation()
    india = builders.state("india", "IND", "India")
    china = builders.state("china", "CHN", "China")
    norov = builders.entity("vladimir-norov", "person", "Vladimir Norov", country=builders.state("uzbekistan", "UZB", "Uzbekistan"))
    astana = builders.entity("astana", "place", "Astana")
    official = builders.source("official", reliability=0.95)
    news = builders.source("news", reliability=0.6)
    events = {
        "china_member": builders.membership(china, "member", "2001-06-15", src=official),
        "india_observer": builders.membership(india, "observer", "2005-07", src=news, confidence=0.7),
        "india_member": builders.membership(india, "member", "2017-06-09", src=official),
        "norov": builders.office(norov, "secretary_general", "2019-01-01"),
        "summit": store.append(
            organisation=org, kind="meeting.held", subject=astana,
            payload={"meeting": "heads_of_state", "name": "Astana summit"}, date="2017",
            source=official, confidence=0.8, recorded_by="tester", note="The year is all the record gives.",
        ),
    }
    return {"org": org, "india": india, "china": china, "norov": norov, "astana": astana, "events": events}
