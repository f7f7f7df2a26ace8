"""Celery tasks: thin wrappers around ingest.pipeline (eager, in-process, when no broker is configured)."""
from __future__ import annotations

import base64

from celery import shared_task

from events.domain.dates import InvalidDate, PartialDate
from events.domain.errors import EventError
from events.models import Organisation

from . import pipeline


@shared_task(name="ingest.ingest_document")
def ingest_document(
    content_b64: str, name: str, organisation: str = "sco", published: str | None = None, title: str = "",
    publisher: str = "", kind: str = "news", ingested_by: str = "ingest", auto_accept_above: float | None = None,
) -> dict:
    """Ingest one document (bytes as base64, so the message stays JSON). A refusal is returned, not raised."""
    try:
        result = pipeline.ingest(
            base64.b64decode(content_b64), name=name, organisation=Organisation.objects.get(slug=organisation),
            published=PartialDate.parse(published) if published else None, title=title, publisher=publisher,
            kind=kind, ingested_by=ingested_by, auto_accept_above=auto_accept_above,
        )
    except (EventError, InvalidDate, Organisation.DoesNotExist) as exc:
        return {"file": name, "error": str(exc)}
    return {
        "file": name, "document": result.document.pk, "source": result.document.source.key,
        "created": result.created, "candidates": result.candidates, "accepted": result.accepted,
    }


def submit(data: bytes, **options) -> dict:
    """Run the task and wait for its summary: in-process when eager, else on a worker."""
    args = (base64.b64encode(data).decode("ascii"),)
    if ingest_document.app.conf.task_always_eager:
        return ingest_document.apply(args, options).get()
    return ingest_document.apply_async(args, options).get()
