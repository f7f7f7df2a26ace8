"""The production path: tasks through a real Redis broker to a real worker, over PostgreSQL, and its settings."""
import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from scotimeline.celery import app as project_app
from django.db import connection

from events import queries, tasks
from tests import builders


@pytest.fixture
def redis_app(redis_url):
    """A Celery app like the project's, but bound to the test Redis, with the events tasks registered."""
    app = Celery("scotimeline-test", broker=redis_url, backend=redis_url, set_as_current=False)
    app.conf.update(task_always_eager=False, broker_connection_retry_on_startup=False)
    for task in (tasks.verify_log, tasks.rebuild_projections):
        app.task(name=task.name)(task.run)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:  # start_worker makes its app the current and default one: shared tasks must find the project's again
        project_app.set_current()
        project_app.set_default()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_tasks_run_on_a_worker_through_redis(redis_app):
    india = builders.state("india", "IND", "India")
    builders.organisation()
    builders.membership(india, "member", "2017-06-09")
    assert redis_app.send_task(tasks.verify_log.name).get(timeout=20) == {
        "ok": True, "checked": 1, "broken_at": None, "problem": ""}
    assert redis_app.send_task(tasks.rebuild_projections.name).get(timeout=20) == {"sco": 1}


def test_tasks_run_eagerly_without_a_broker(db):
    india = builders.state("india", "IND", "India")
    builders.membership(india, "member", "2017-06-09")
    assert tasks.verify_log.delay().get()["checked"] == 1


@pytest.mark.postgres
def test_postgresql_prepares_a_read_it_repeats(db):
    for _ in range(8):
        queries.log_head()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("events_event" in statement for statement in prepared), prepared
