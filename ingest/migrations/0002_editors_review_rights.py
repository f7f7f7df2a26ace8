"""Editors review what ingest proposes: they see documents and candidates and upload documents.

Accepting a candidate appends an event, so it needs events.add_event, which Editors have.
"""
from django.db import migrations

from events.roles import EDITORS, grant, revoke

REVIEW_PERMISSIONS = {"document": ["view", "add"], "candidate": ["view"]}


def grant_review(apps, schema_editor):
    grant(apps, EDITORS, "ingest", REVIEW_PERMISSIONS)


def revoke_review(apps, schema_editor):
    revoke(apps, EDITORS, "ingest")


class Migration(migrations.Migration):
    dependencies = [("ingest", "0001_initial"), ("events", "0004_editors_group")]
    operations = [migrations.RunPython(grant_review, revoke_review)]
