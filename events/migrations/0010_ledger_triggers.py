"""Database protection that holds: the ledger's tables refuse every change but an insert, whoever asks.

- SQLite: `INSERT OR REPLACE` deletes the row it replaces without firing DELETE triggers (unless
  recursive_triggers is on), so a BEFORE INSERT trigger refuses an insert that would meet an
  existing row. The checkpoint and legacy-citation tables get the same triggers as the events.
- PostgreSQL: every trigger is ENABLE ALWAYS, so `session_replication_role = replica` does not
  silence it; a statement-level trigger refuses TRUNCATE of a table that holds rows (an empty one,
  as the test suite's flush leaves it, may be truncated). Only the tables' owner can still drop or
  disable a trigger: the application connects as another role (manage.py create_app_role).
"""
from django.db import migrations

# The append-only tables, each with the columns an INSERT OR REPLACE could collide on.
SQLITE_TABLES = {
    "events_event": ("id", "seq", "hash"),
    "events_checkpoint": ("id",),
    "events_legacycitation": ("event_id",),
}


def sqlite_forward(table: str, columns: tuple[str, ...]) -> list[str]:
    collides = " OR ".join(f"{column} = NEW.{column}" for column in columns)
    statements = [
        f"""CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
            WHEN EXISTS (SELECT 1 FROM {table} WHERE {collides})
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: INSERT OR REPLACE of an existing row rejected'); END;""",
    ]
    if table != "events_event":  # 0002 made the events' own UPDATE and DELETE triggers
        statements += [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: UPDATE rejected'); END;""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: DELETE rejected'); END;""",
        ]
    return statements


def sqlite_reverse(table: str) -> list[str]:
    names = ("no_replace",) if table == "events_event" else ("no_replace", "no_update", "no_delete")
    return [f"DROP TRIGGER IF EXISTS {table}_{name};" for name in names]


POSTGRES_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION events_ledger_reject_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'the ledger is append-only: % on % rejected', TG_OP, TG_TABLE_NAME
           USING ERRCODE = 'integrity_constraint_violation';
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION events_ledger_reject_truncate() RETURNS trigger AS $$
       DECLARE holds_rows boolean;
       BEGIN
         EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO holds_rows;
         IF holds_rows THEN
           RAISE EXCEPTION 'the ledger is append-only: TRUNCATE of % rejected', TG_TABLE_NAME
             USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         RETURN NULL;
       END;
       $$ LANGUAGE plpgsql;""",
]
POSTGRES_TABLES = ("events_event", "events_checkpoint", "events_legacycitation")


def postgres_forward(table: str) -> list[str]:
    statements = []
    if table == "events_event":
        statements.append("ALTER TABLE events_event ENABLE ALWAYS TRIGGER events_event_no_update_or_delete")
    else:
        statements += [
            f"""CREATE TRIGGER {table}_no_update_or_delete BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION events_ledger_reject_change()""",
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_update_or_delete",
        ]
    return statements + [
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION events_ledger_reject_truncate()""",
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_truncate",
    ]


def postgres_reverse(table: str) -> list[str]:
    statements = [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]
    if table == "events_event":
        statements.append("ALTER TABLE events_event ENABLE TRIGGER events_event_no_update_or_delete")
    else:
        statements.append(f"DROP TRIGGER IF EXISTS {table}_no_update_or_delete ON {table}")
    return statements


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = [sql for table, columns in SQLITE_TABLES.items() for sql in sqlite_forward(table, columns)]
    else:
        statements = POSTGRES_FUNCTIONS + [sql for table in POSTGRES_TABLES for sql in postgres_forward(table)]
    _run(schema_editor, statements)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = [sql for table in SQLITE_TABLES for sql in sqlite_reverse(table)]
    else:
        statements = [sql for table in POSTGRES_TABLES for sql in postgres_reverse(table)] + [
            "DROP FUNCTION IF EXISTS events_ledger_reject_change()",
            "DROP FUNCTION IF EXISTS events_ledger_reject_truncate()",
        ]
    _run(schema_editor, statements)


def _run(schema_editor, statements):
    if schema_editor.connection.vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no ledger triggers for {schema_editor.connection.vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("events", "0010_ledger_checkpoints")]
    operations = [migrations.RunPython(forward, reverse)]
