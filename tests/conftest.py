"""Service markers and small builders shared by the suite.

`postgres` tests need the default database to be PostgreSQL (DATABASE_URL); `redis` tests
need a reachable Redis. Without them the tests skip, or fail when REQUIRE_SERVICES=1.
`replica` tests need a streaming replica of that PostgreSQL (DATABASE_REPLICA_URL, as `.ci/run`
starts one): without one configured they skip; one configured that does not answer as a standby
fails them under REQUIRE_SERVICES=1. With a replica configured, a test that commits
(transaction=True) and then makes a public request reads through it, and must list it in its databases.
"""
from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import settings as hypothesis_settings

# CI replays the same examples on every run (HYPOTHESIS_PROFILE=ci in .ci/run), so a landing is never
# refused by a new random draw; runs elsewhere draw afresh and go on finding new cases.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# Set by .ci/run when the suite connects as the application's role (manage.py create_app_role), not the owner.
AS_APP_ROLE = os.environ.get("TEST_AS_APP_ROLE") == "1"
REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("the database is not PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not _redis_reachable():
        _missing(f"no Redis answers at {REDIS_URL}")
    if AS_APP_ROLE and (item.get_closest_marker("owner") or _transactional(item)):
        # A transactional test's flush truncates every table: only the owner may.
        pytest.skip("needs the tables' owner: left out of the run as the application's role")
    if item.get_closest_marker("replica") and "replica" not in settings.DATABASES:
        # Not asked for is not missing: the suite runs without a replica (.ci/run adds one and runs -m replica).
        pytest.skip("no replica configured (set DATABASE_REPLICA_URL to a streaming replica of DATABASE_URL)")


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def event_log_emptied_at_teardown(transactional_db):
    """A transactional test whose log is emptied before its flush (every transactional test's is: see below)."""
    yield


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(getattr(item, "fixturenames", ()))
    )


_RAN = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    item.stash[_RAN] = True  # set up, so its database is open (a skipped test's is not)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush (TRUNCATE on PostgreSQL, DELETE on SQLite), which the ledger's
    triggers refuse while its tables hold rows: empty them first, the one way tests may (tests/purging.py)."""
    if item.stash.get(_RAN, False) and _transactional(item):
        from tests.purging import empty_event_log

        empty_event_log()
    yield
