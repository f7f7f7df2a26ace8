"""Public reads on a replica, everything else on the primary, and the lag rule, over a simulated replica.

The replica is a second SQLite database, a copy of the primary made with SQLite's backup API: what a
streaming replica holds once it has replayed everything committed so far. Between copies it lags.
tests/events/test_streaming_replica.py proves the same against a real PostgreSQL standby.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, connections, router, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from events import queries
from events.models import Event
from events.replicas import PRIMARY, REPLICA
from tests import builders


class SimulatedReplica:
    """The alias `replica`, a SQLite database that holds the primary as it was at the last `replay()`."""

    def replay(self) -> None:
        connections[PRIMARY].ensure_connection()
        connections[PRIMARY].connection.backup(connections[REPLICA].connection)


@pytest.fixture
def replica(transactional_db, event_log_emptied_at_teardown, tmp_path, settings):
    """A replica next to the primary: committed data only (a copy sees nothing uncommitted), hence transactional."""
    if connection.vendor != "sqlite":
        pytest.skip("the simulated replica copies a SQLite database; test_streaming_replica.py has PostgreSQL's")
    if REPLICA in settings.DATABASES:
        pytest.skip("a real replica is configured")
    settings.SECURE_SSL_REDIRECT = False  # production mode would redirect the test client to https
    # Django has no call to add a database at run time. The connection is made by hand and opened
    # before DATABASES names it (the test case refuses to open an alias DATABASES names and the test
    # did not ask for), then named in DATABASES, where the router looks for a replica.
    database = {**connections[PRIMARY].settings_dict, "NAME": str(tmp_path / "replica.sqlite3")}
    connections[REPLICA] = load_backend(database["ENGINE"]).DatabaseWrapper(database, REPLICA)
    connections[REPLICA].ensure_connection()
    settings.DATABASES[REPLICA] = database
    cache.clear()  # answers cached under a head by an earlier test (seqs restart at 1 after a flush)
    yield SimulatedReplica()
    connections[REPLICA].close()
    del connections[REPLICA]
    del settings.DATABASES[REPLICA]
    cache.clear()


@contextmanager
def reads():
    """The queries each database answers inside the block: {alias: [sql, ...]}."""
    with CaptureQueriesContext(connections[PRIMARY]) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        answered = {PRIMARY: [], REPLICA: []}
        yield answered
    answered[PRIMARY] = [query["sql"] for query in primary.captured_queries]
    answered[REPLICA] = [query["sql"] for query in replica.captured_queries]


def india_joins() -> Event:
    return builders.membership(builders.state("india", "IND", "India"), "member", "2017-06-09")


def pakistan_joins() -> Event:
    return builders.membership(builders.state("pakistan", "PAK", "Pakistan"), "member", "2017-06-09")


def head_read() -> str:
    """The SQL of the log-head read."""
    with CaptureQueriesContext(connections[PRIMARY]) as captured:
        queries.newest_event()
    [read] = captured.captured_queries
    return read["sql"]


def _is_lag_check(sql: str) -> bool:
    """The replica's own head, read to compare with the primary's."""
    return sql.startswith('SELECT MAX("events_event"."seq")')


def test_a_public_get_is_answered_by_the_replica_under_the_head_read_on_the_primary(client, replica):
    joined = india_joins()
    replica.replay()

    with reads() as answered:
        response = client.get("/api/events/")

    assert [event["id"] for event in response.json()["results"]] == [str(joined.id)]
    assert answered[PRIMARY] == [head_read()]
    assert _is_lag_check(answered[REPLICA][0]) and len(answered[REPLICA]) > 1  # the replica's head, then the page


@pytest.mark.parametrize("path", ["/api/events/", "/api/state/?at=2030-01-01", "/feeds/events.atom"])
def test_a_replica_behind_the_primary_never_answers_under_the_primarys_head(client, replica, path):
    first = india_joins()
    replica.replay()  # the replica holds the log up to `first`...
    latest = pakistan_joins()  # ...and not this one, appended on the primary since
    assert Event.objects.using(REPLICA).count() == 1

    with reads() as answered:
        behind = client.get(path)

    # Answered by the primary: the answer filed under the new head holds the new event. The replica
    # answered only what came before the head (the organisation a state names) and the lag check.
    assert behind.status_code == 200 and str(latest.id).encode() in behind.content
    assert answered[PRIMARY][0] == head_read() and _is_lag_check(answered[REPLICA][-1])

    replica.replay()
    with reads() as answered:
        again = client.get(path)
    # Caught up: the same question, the same answer (the API's from its cache, the feed's from the replica).
    assert again.content == behind.content
    assert answered[PRIMARY] == [head_read()] and str(first.id).encode() in again.content


def test_a_replica_that_has_caught_up_answers_a_new_question(client, replica):
    india_joins()
    replica.replay()
    latest = pakistan_joins()
    client.get("/api/events/")  # behind: the primary answers
    replica.replay()

    with reads() as answered:
        response = client.get("/api/events/?page_size=10")

    assert str(latest.id) in [event["id"] for event in response.json()["results"]]
    assert answered[PRIMARY] == [head_read()] and len(answered[REPLICA]) > 1


@pytest.mark.parametrize("path", ["/feeds/events.atom", "/", "/api/state/?at=2018-01-01"])
def test_feeds_and_pages_are_public_reads(client, replica, path):
    india_joins()
    replica.replay()

    with reads() as answered:
        response = client.get(path)

    assert response.status_code == 200
    assert answered[REPLICA] and set(answered[PRIMARY]) <= {head_read()}  # the primary: the head at most


def _editor() -> User:
    return User.objects.create_superuser("editor", password="x")


@pytest.mark.parametrize(
    "path, credentials",
    [
        ("/api/events/", "token"),  # an editor reads their own writes
        ("/", "session"),
        ("/admin/events/event/", "session"),
    ],
)
def test_requests_with_credentials_read_the_primary(client, replica, path, credentials):
    india_joins()
    editor = _editor()
    replica.replay()
    if credentials == "session":
        client.force_login(editor)
    headers = {"HTTP_AUTHORIZATION": f"Token {'f' * 40}"} if credentials == "token" else {}  # well-formed, unknown

    with reads() as answered:
        client.get(path, **headers)

    assert answered[PRIMARY] and not answered[REPLICA]


def test_writes_read_the_primary(client, replica):
    joined = india_joins()
    replica.replay()
    client.force_login(_editor())

    with reads() as answered:
        response = client.post(f"/api/events/{joined.id}/retract/", {"reason": "test"}, content_type="application/json")

    assert response.status_code == 201, response.content
    assert answered[PRIMARY] and not answered[REPLICA]


def test_a_public_get_inside_a_transaction_on_the_primary_reads_the_primary(client, replica):
    india_joins()
    replica.replay()

    with reads() as answered, transaction.atomic():
        client.get("/api/events/")

    assert answered[PRIMARY] and not answered[REPLICA]


def test_commands_tasks_and_migrations_use_the_primary_only(replica):
    assert router.db_for_read(Event) == router.db_for_write(Event) == PRIMARY  # no request: a command, a task
    assert router.allow_migrate(PRIMARY, "events") and not router.allow_migrate(REPLICA, "events")


def test_without_a_replica_public_gets_read_the_primary(client, db, settings):
    if REPLICA in settings.DATABASES:
        pytest.skip("a replica is configured")
    settings.SECURE_SSL_REDIRECT = False
    india_joins()

    with CaptureQueriesContext(connections[PRIMARY]) as primary:
        response = client.get("/api/events/")

    assert response.status_code == 200 and primary.captured_queries
