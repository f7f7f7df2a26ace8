"""The browser tests talk plain http to a live server."""
from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """In production mode (DATABASE_URL set) the settings redirect http to https and keep session and
    CSRF cookies off http. The security middleware reads this when the live server starts, so the
    override is session-wide and comes before the (session-wide) live_server fixture."""
    with override_settings(SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False):
        yield
