"""Uploads: a file is stored before anything reads it, so a broker that is down loses nothing. Editors see them."""
import django.db.models.deletion
from django.db import migrations, models

from events.roles import EDITORS, grant

REVIEW_PERMISSIONS = {"document": ["view", "add"], "candidate": ["view"], "upload": ["view"]}
BEFORE = {"document": ["view", "add"], "candidate": ["view"]}


def grant_uploads(apps, schema_editor):
    grant(apps, EDITORS, "ingest", REVIEW_PERMISSIONS)


def revoke_uploads(apps, schema_editor):
    grant(apps, EDITORS, "ingest", BEFORE)


class Migration(migrations.Migration):
    dependencies = [("ingest", "0002_editors_review_rights"), ("events", "0004_editors_group")]

    operations = [
        migrations.CreateModel(
            name="Upload",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file_name", models.CharField(max_length=255)),
                ("content", models.BinaryField()),
                ("published_earliest", models.DateField(blank=True, null=True)),
                ("published_latest", models.DateField(blank=True, null=True)),
                ("published_precision", models.CharField(blank=True, choices=[("day", "day"), ("month", "month"), ("year", "year")], max_length=5)),
                ("title", models.CharField(blank=True, max_length=500)),
                ("publisher", models.CharField(blank=True, max_length=200)),
                ("source_kind", models.CharField(max_length=20)),
                ("auto_accept_above", models.FloatField(blank=True, null=True)),
                ("ingested_by", models.CharField(max_length=150)),
                ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")], db_index=True, default="queued", max_length=10)),
                ("reason", models.TextField(blank=True, help_text="Why it failed, or why it is still queued.")),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("document", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="uploads", to="ingest.document")),
                ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="events.organisation")),
            ],
            options={"ordering": ["-uploaded_at", "-id"]},
        ),
        migrations.RunPython(grant_uploads, revoke_uploads),
    ]
