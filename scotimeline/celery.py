"""The Celery app. Without CELERY_BROKER_URL tasks run eagerly, in-process."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scotimeline.settings")

app = Celery("scotimeline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# `celery -A scotimeline beat`: uploads the broker could not take (it was down) wait queued; this sweep ingests them.
app.conf.beat_schedule = {
    "ingest-retry-uploads": {"task": "ingest.retry_uploads", "schedule": 300.0},
}
