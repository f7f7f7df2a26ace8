"""Celery tasks for the event log: thin wrappers around plain functions."""
from celery import shared_task

from .integrity import verify_chain
from .models import Organisation
from .projections import rebuild


@shared_task
def verify_log() -> dict:
    report = verify_chain()
    return {"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at, "problem": report.problem}


@shared_task
def rebuild_projections() -> dict:
    return {organisation.slug: rebuild(organisation) for organisation in Organisation.objects.all()}
