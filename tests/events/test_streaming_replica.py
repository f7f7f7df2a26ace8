"""Against a real PostgreSQL streaming replica (DATABASE_REPLICA_URL; `.ci/run` starts one with pg_basebackup).

The test database is created on the primary and reaches the replica by replication; the `replica`
alias reads it there (settings: TEST MIRROR). `.ci/run` runs them: `pytest -m replica`.
"""
from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.test.utils import CaptureQueriesContext

from events.models import Event
from events.replicas import PRIMARY, REPLICA
from tests import builders
from tests.conftest import _missing  # skip, or fail when REQUIRE_SERVICES=1

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])]

REPLAY_TIMEOUT_SECONDS = 30


def _one(alias: str, sql: str, params: tuple = ()):
    return _row(alias, sql, params)[0]


def _row(alias: str, sql: str, params: tuple = ()) -> tuple:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def wait_until_replayed() -> None:
    """Until the replica has replayed everything the primary has written so far (bounded)."""
    written = _one(PRIMARY, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + REPLAY_TIMEOUT_SECONDS
    while True:
        try:
            standby, replayed = _row(REPLICA, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn", (written,))
            if not standby:
                _missing("DATABASE_REPLICA_URL is not a standby (pg_is_in_recovery() is false)")
            if replayed:
                return
            refused = None
        except DatabaseError as error:
            refused = error  # down, or the test database has not reached it yet
            connections[REPLICA].close()
        if time.monotonic() > deadline:
            if refused is not None:
                _missing(f"the replica at DATABASE_REPLICA_URL does not answer: {refused}")
            pytest.fail(f"the replica did not replay up to {written} within {REPLAY_TIMEOUT_SECONDS} s")
        time.sleep(0.05)


@pytest.fixture
def standby(settings):
    """The replica, checked to be a PostgreSQL standby that has replayed the primary so far."""
    if connections[PRIMARY].vendor != "postgresql" or connections[REPLICA].vendor != "postgresql":
        _missing("the replica tests need PostgreSQL for DATABASE_URL and DATABASE_REPLICA_URL")
    wait_until_replayed()
    settings.SECURE_SSL_REDIRECT = False  # production mode would redirect the test client to https
    cache.clear()  # seqs restart after each test's flush: no answer cached under an earlier test's head
    yield
    cache.clear()


@pytest.fixture
def paused(standby):
    """Replay paused on the replica: it lags behind every write from now on, until resumed."""
    _one(REPLICA, "SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + REPLAY_TIMEOUT_SECONDS
    while _one(REPLICA, "SELECT pg_get_wal_replay_pause_state()") != "paused":
        if time.monotonic() > deadline:
            pytest.fail("the replica did not pause its replay")
        time.sleep(0.05)
    try:
        yield
    finally:
        _one(REPLICA, "SELECT pg_wal_replay_resume()::text")


def test_an_event_appended_on_the_primary_is_read_through_the_replica_once_replayed(standby):
    india = builders.state("india", "IND", "India")
    event = builders.membership(india, "member", "2017-06-09")

    wait_until_replayed()

    assert Event.objects.using(REPLICA).get(pk=event.pk).hash == event.hash


def test_a_public_get_is_served_by_the_replica_and_the_head_comes_from_the_primary(client, standby):
    india = builders.state("india", "IND", "India")
    event = builders.membership(india, "member", "2017-06-09")
    wait_until_replayed()

    with CaptureQueriesContext(connections[PRIMARY]) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get("/api/events/")

    assert [found["id"] for found in response.json()["results"]] == [str(event.id)]
    [head] = primary.captured_queries
    assert head["sql"].startswith('SELECT "events_event"."seq"') and head["sql"].endswith("LIMIT 1")
    assert len(replica.captured_queries) > 1  # the replica's own head, then the page


def test_a_replica_paused_behind_the_primary_never_answers_under_the_primarys_head(client, paused):
    india = builders.state("india", "IND", "India")
    builders.membership(india, "observer", "2005-07-05")
    latest = builders.membership(india, "member", "2017-06-09")  # the replica has not replayed it

    with CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get("/api/events/")

    assert str(latest.id) in [found["id"] for found in response.json()["results"]]
    [lag_check] = replica.captured_queries  # found behind: nothing more is read from it
    assert lag_check["sql"].startswith('SELECT MAX("events_event"."seq")')
    assert not Event.objects.using(REPLICA).filter(pk=latest.pk).exists()
