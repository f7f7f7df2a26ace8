"""Ingest never loses an upload: stored first, enqueued after commit, a broker that is down costs well under a
second and leaves the upload queued for `ingest --retry` or the periodic task."""
import base64
import json
import socket
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events.domain.errors import ValidationError
from ingest import pipeline, tasks
from ingest.models import Document, Upload
from scotimeline.celery import app as celery_app
from tests.ingest.dataset import NEWS, sco_with_entities

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: nothing listens there


@pytest.fixture
def broker():
    """Point Celery at a broker, its result backend there too as the settings do (not eager), for one test: `broker(url)`."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.result_backend, conf.task_always_eager

    def use(url: str) -> None:
        conf.broker_url, conf.result_backend, conf.task_always_eager = url, url, False

    yield use
    conf.broker_url, conf.result_backend, conf.task_always_eager = saved


@pytest.fixture
def broker_down(broker):
    broker(f"redis://127.0.0.1:{_closed_port()}/0")


@pytest.fixture
def curator(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("curator", "c@example.org", "pw"))
    return client


def store(**options) -> Upload:
    return pipeline.store_upload(NEWS.encode(), name="news.txt", organisation=sco_with_entities(), **options)


@pytest.mark.django_db(transaction=True)  # the request's transaction really commits, and on_commit runs in it
def test_with_the_broker_down_an_admin_upload_is_stored_and_the_page_answers_at_once_with_queued(curator, broker_down):
    org = sco_with_entities()
    form = {"organisation": org.pk, "file": SimpleUploadedFile("news.txt", NEWS.encode()), "published": "2017-06", "kind": "news"}
    started = time.monotonic()
    response = curator.post(reverse("admin:ingest_document_add"), form)
    elapsed = time.monotonic() - started
    response = curator.get(response.url)

    upload = Upload.objects.get()
    page = response.content.decode()
    assert elapsed < 1.0, f"the upload page took {elapsed:.2f} s with the broker down"
    assert response.status_code == 200 and "Uploaded news.txt: queued" in page and "the broker did not take it" in page
    assert bytes(upload.content) == NEWS.encode() and upload.status == "queued" and str(upload.published) == "2017-06"
    assert Document.objects.count() == 0
    assert 'http-equiv="refresh"' in page  # the status page refreshes itself until the upload is finished


def test_ingest_retry_ingests_what_the_broker_down_left_queued(curator, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload = store(published=None)
        tasks.enqueue_after_commit(upload)
    assert Upload.objects.get().status == "queued"

    out = StringIO()
    call_command("ingest", "--retry", stdout=out, stderr=StringIO())

    upload.refresh_from_db()
    assert upload.status == "done" and upload.document == Document.objects.get() and upload.attempts == 1
    assert "news.txt: ingested:" in out.getvalue() and "5 candidates" in out.getvalue()
    page = curator.get(reverse("admin:ingest_upload_change", args=[upload.pk])).content.decode()
    assert "done" in page and "its candidates" in page


def test_the_cli_with_the_broker_down_ingests_in_process_and_says_so(broker_down, tmp_path):
    sco_with_entities()
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    out, err = StringIO(), StringIO()

    started = time.monotonic()
    call_command("ingest", str(path), stdout=out, stderr=err)

    assert time.monotonic() - started < 5
    assert "the broker does not answer" in err.getvalue() and "ingesting here" in err.getvalue()
    assert "5 candidates" in out.getvalue() and Upload.objects.get().status == "done"


def test_the_periodic_retry_is_in_the_beat_schedule_and_leaves_fresh_uploads_to_their_worker():
    schedule = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "ingest.retry_uploads" in schedule
    fresh = store()
    assert tasks.retry_uploads.apply().get() == 0
    Upload.objects.filter(pk=fresh.pk).update(uploaded_at=timezone.now() - tasks.RETRY_GRACE * 2)
    assert tasks.retry_uploads.apply().get() == 1 and Upload.objects.get().status == "done"


def test_a_refused_document_fails_with_the_reason(monkeypatch):
    upload = store()

    def refuse(*args, **kwargs):
        raise ValidationError("no text found", field="file")

    monkeypatch.setattr(pipeline, "ingest", refuse)
    pipeline.process_upload(upload.pk)
    upload.refresh_from_db()
    assert (upload.status, upload.reason) == ("failed", "file: no text found") and upload.finished_at


def test_an_unexpected_error_requeues_the_upload_until_the_last_attempt(monkeypatch):
    upload = store()

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(pipeline, "ingest", crash)
    for attempt in range(1, pipeline.MAX_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            pipeline.process_upload(upload.pk)
        upload.refresh_from_db()
        assert upload.attempts == attempt and f"attempt {attempt} broke off" in upload.reason
    assert upload.status == "failed"


def test_a_finished_upload_is_not_ingested_again():
    upload = store()
    assert pipeline.process_upload(upload.pk).status == "done"
    again = pipeline.process_upload(upload.pk)
    assert (again.status, again.attempts, Document.objects.count()) == ("done", 1, 1)


def test_an_upload_a_dead_worker_left_running_is_taken_up_again():
    upload = store()
    Upload.objects.filter(pk=upload.pk).update(status="running", started_at=timezone.now() - pipeline.STALE_RUNNING * 2)
    running_now = store(title="other")  # another file, running right now: left alone
    Upload.objects.filter(pk=running_now.pk).update(status="running", started_at=timezone.now())

    assert pipeline.waiting_uploads() == [upload.pk]


@pytest.mark.parametrize(
    ("data", "options", "field"),
    [(b"\x00\x01\x02" * 50, {}, "file"), (b"", {}, "file"), (NEWS.encode(), {"kind": "rumour"}, "kind"),
     (NEWS.encode(), {"auto_accept_above": 2.0}, "auto_accept_above")],
)
def test_what_can_never_be_ingested_is_refused_before_anything_is_stored(data, options, field):
    with pytest.raises(ValidationError) as refused:
        pipeline.store_upload(data, name="x.txt", organisation=sco_with_entities(), **options)
    assert field in refused.value.errors and Upload.objects.count() == 0


def test_ingest_without_paths_or_retry_exits_2():
    sco_with_entities()
    with pytest.raises(CommandError, match="--retry") as refused:
        call_command("ingest", stdout=StringIO(), stderr=StringIO())
    assert refused.value.returncode == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_task_is_enqueued_after_commit_and_not_before(broker, redis_url, event_log_emptied_at_teardown):
    import redis

    broker(redis_url)
    queue = redis.Redis.from_url(redis_url)
    queue.delete("celery")
    try:
        with transaction.atomic():
            upload = store()
            tasks.enqueue_after_commit(upload)
            assert queue.llen("celery") == 0, "enqueued before the upload was committed"
        messages = [json.loads(raw) for raw in queue.lrange("celery", 0, -1)]
    finally:
        queue.delete("celery")

    assert [(m["headers"]["task"], json.loads(base64.b64decode(m["body"]))[0]) for m in messages] == [
        ("ingest.ingest_upload", [upload.pk])
    ]
    assert Upload.objects.get().status == "queued" and "did not take it" not in Upload.objects.get().reason


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_cli_with_a_broker_but_no_worker_leaves_the_upload_queued_and_says_so(broker, redis_url, tmp_path, event_log_emptied_at_teardown):
    import redis

    broker(redis_url)
    queue = redis.Redis.from_url(redis_url)
    queue.delete("celery")
    sco_with_entities()
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    out = StringIO()
    try:
        call_command("ingest", str(path), "--wait", "0.3", stdout=out, stderr=StringIO())
        waiting = queue.llen("celery")
    finally:
        queue.delete("celery")

    upload = Upload.objects.get()
    assert f"queued as upload {upload.pk}" in out.getvalue() and "a worker will ingest it" in out.getvalue()
    assert waiting == 1 and upload.status == "queued" and Document.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_behind_redis_ingests_the_upload_and_the_page_shows_it_done(broker, redis_url, curator, event_log_emptied_at_teardown):
    from celery.contrib.testing.worker import start_worker

    broker(redis_url)
    org = sco_with_entities()
    form = {"organisation": org.pk, "file": SimpleUploadedFile("news.txt", NEWS.encode()), "kind": "news"}
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        response = curator.post(reverse("admin:ingest_document_add"), form)
        upload = Upload.objects.get()
        deadline = time.monotonic() + 20
        while not upload.finished and time.monotonic() < deadline:
            time.sleep(0.1)
            upload.refresh_from_db()

    assert upload.status == "done" and upload.document.candidates.count() == 5
    assert "5 candidates" in curator.get(response.url).content.decode()
