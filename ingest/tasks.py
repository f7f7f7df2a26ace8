"""Celery tasks: thin wrappers around ingest.pipeline (eager, in-process, when no broker is configured).

An upload is stored before it is enqueued, and enqueued only once the transaction that stored it has
committed, so a worker never looks for an upload that is not there yet. Publishing is bounded: a broker
that is down costs well under a second and leaves the upload queued for `retry_uploads`.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from kombu.exceptions import KombuError

from . import pipeline
from .models import Upload

logger = logging.getLogger(__name__)

# One attempt, half a second to connect: the web request never waits on a broker that is down.
PUBLISH_CONNECT_TIMEOUT = 0.5
PUBLISH_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": PUBLISH_CONNECT_TIMEOUT, "socket_timeout": 1.0}
# The periodic retry leaves alone what was queued just now: its message is probably on its way to a worker.
RETRY_GRACE = timedelta(minutes=2)


# No results are kept: the upload row is the outcome. (Asking for one makes publishing subscribe to the result
# backend, which retries for seconds when Redis is down.)
@shared_task(name="ingest.ingest_upload", ignore_result=True)
def ingest_upload(upload_id: int) -> str:
    """Ingest one stored upload; returns its status (done, failed; queued when another attempt is due)."""
    return pipeline.process_upload(upload_id).status


@shared_task(name="ingest.retry_uploads", ignore_result=True)
def retry_uploads() -> int:
    """The beat's sweep: ingest, here, every upload still queued (the broker was down) or left running by a dead worker."""
    return len(process_waiting(RETRY_GRACE))


def process_waiting(queued_for: timedelta = timedelta(0)) -> list[Upload]:
    return [pipeline.process_upload(upload_id) for upload_id in pipeline.waiting_uploads(queued_for)]


def enqueue(upload: Upload) -> bool:
    """Hand the upload to a worker (or run it here when eager). False when the broker did not take it:
    the upload then stays queued, saying why."""
    if ingest_upload.app.conf.task_always_eager:
        ingest_upload.apply((upload.pk,))
        return True
    try:
        connection = ingest_upload.app.connection_for_write(
            connect_timeout=PUBLISH_CONNECT_TIMEOUT, transport_options=PUBLISH_TRANSPORT_OPTIONS
        )
        with connection:
            ingest_upload.apply_async((upload.pk,), connection=connection, retry=False)
    except (KombuError, OSError) as exc:
        logger.warning("upload %s stays queued: the broker did not take it: %s", upload.pk, exc)
        pipeline.note_not_enqueued(upload, str(exc))
        return False
    return True


def enqueue_after_commit(upload: Upload) -> None:
    """Enqueue once the upload is committed (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(upload), robust=True)
