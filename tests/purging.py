"""The one way tests may empty the event log: drop the immutability trigger, delete, put it back.

The projection goes with it: it is a cache of the log, and new events will take the same seqs.
"""
from __future__ import annotations

import importlib

from django.db import connection

from events.models import EventKey, ProjectedConflict, SlotInterval

triggers = importlib.import_module("events.migrations.0002_immutable_events")


def empty_event_log() -> None:
    for model in (EventKey, SlotInterval, ProjectedConflict):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER events_event_no_delete")
            cursor.execute("DELETE FROM events_event")
            cursor.execute(triggers.SQLITE_FORWARD[1])
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE events_event DISABLE TRIGGER events_event_no_update_or_delete")
            cursor.execute("DELETE FROM events_event")
            cursor.execute("ALTER TABLE events_event ENABLE TRIGGER events_event_no_update_or_delete")
