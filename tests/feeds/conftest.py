"""The feed tests speak plain HTTP, as a feed reader in front of a TLS-terminating proxy does."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def plain_http(settings):
    """With DATABASE_URL set the settings run in production mode, which redirects http to https."""
    settings.SECURE_SSL_REDIRECT = False
