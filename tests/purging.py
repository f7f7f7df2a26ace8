"""The one way tests may empty the event log: drop the append-only triggers, delete, put them back.

The ledger's other tables (checkpoints, legacy citations) and the projection go with it: new
events will take the same seqs.
"""
from __future__ import annotations

import importlib

from django.db import connection

from events.models import EventKey, ProjectedConflict, SlotInterval
from ingest.models import Candidate

events_triggers = importlib.import_module("events.migrations.0002_immutable_events")
ledger_triggers = importlib.import_module("events.migrations.0010_ledger_triggers")
LEDGER_TABLES = ("events_legacycitation", "events_checkpoint", "events_event")  # referring tables first


def _recreate_sqlite_delete_trigger(table: str) -> str:
    if table == "events_event":
        return events_triggers.SQLITE_FORWARD[1]
    return next(sql for sql in ledger_triggers.sqlite_forward(table, ledger_triggers.SQLITE_TABLES[table]) if "_no_delete" in sql)


def empty_event_log() -> None:
    Candidate.objects.exclude(event=None).delete()  # an accepted candidate protects its event
    for model in (EventKey, SlotInterval, ProjectedConflict):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in LEDGER_TABLES:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER {table}_no_delete")
                cursor.execute(f"DELETE FROM {table}")
                cursor.execute(_recreate_sqlite_delete_trigger(table))
            else:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_or_delete")
                cursor.execute(f"DELETE FROM {table}")
                cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_update_or_delete")
