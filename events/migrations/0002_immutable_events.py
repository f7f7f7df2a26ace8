"""Database-level immutability: triggers that reject UPDATE and DELETE on the event log.

TRUNCATE is not blocked on PostgreSQL (test teardown uses it); revoke it from the
application's role in production.
"""
from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER events_event_no_update BEFORE UPDATE ON events_event
       BEGIN SELECT RAISE(ABORT, 'events are immutable: UPDATE rejected'); END;""",
    """CREATE TRIGGER events_event_no_delete BEFORE DELETE ON events_event
       BEGIN SELECT RAISE(ABORT, 'events are immutable: DELETE rejected'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS events_event_no_update;",
    "DROP TRIGGER IF EXISTS events_event_no_delete;",
]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION events_event_reject_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'events are immutable: % rejected', TG_OP USING ERRCODE = 'integrity_constraint_violation';
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER events_event_no_update_or_delete BEFORE UPDATE OR DELETE ON events_event
       FOR EACH ROW EXECUTE FUNCTION events_event_reject_change();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS events_event_no_update_or_delete ON events_event;",
    "DROP FUNCTION IF EXISTS events_event_reject_change();",
]


def forward(apps, schema_editor):
    _run(schema_editor, SQLITE_FORWARD, POSTGRES_FORWARD)


def reverse(apps, schema_editor):
    _run(schema_editor, SQLITE_REVERSE, POSTGRES_REVERSE)


def _run(schema_editor, sqlite, postgres):
    statements = {"sqlite": sqlite, "postgresql": postgres}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"no immutability triggers for {schema_editor.connection.vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
