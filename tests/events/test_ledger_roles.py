"""The application's database role (manage.py create_app_role) reads and appends to the ledger, and can do nothing else to it.

Connected as a superuser (the suite's usual run), the test makes the role inside its transaction
and switches to it (SET ROLE); .ci/run also runs it connected as the role itself.
"""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from events import integrity
from events.integrity import verify_chain
from events.models import Event
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def history():
    india = builders.state("india", "IND", "India")
    for year in range(2001, 2006):
        builders.membership(india, "observer", str(year))


@pytest.fixture
def as_app_role(history):
    """The test's connection as the application's role: made (and rolled back) here when connected as a superuser."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            role = f"{connection.settings_dict['NAME']}_app"
            integrity.create_app_role(role)
            cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
        yield
        if superuser:
            cursor.execute("RESET ROLE")


@pytest.mark.postgres
def test_the_application_role_can_append_but_neither_change_nor_unprotect_the_ledger(as_app_role):
    builders.membership(builders.state("pakistan", "PAK", "Pakistan"), "member", "2017-06-09")  # the grants suffice
    refused = [
        "SET session_replication_role = replica",
        "ALTER TABLE events_event DISABLE TRIGGER events_event_no_update_or_delete",
        "ALTER TABLE events_checkpoint DISABLE TRIGGER USER",
        "DROP TRIGGER events_event_no_truncate ON events_event",
        "TRUNCATE events_event CASCADE",
        "TRUNCATE events_checkpoint",
        "UPDATE events_event SET confidence = 0.1",
        "DELETE FROM events_event",
        "UPDATE events_checkpoint SET seq = 0",
        "DELETE FROM events_checkpoint",
        "DELETE FROM events_legacycitation",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in refused:
            with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
                cursor.execute(statement)
    assert verify_chain().ok and Event.objects.count() == 6


def test_create_app_role_refuses_the_role_it_connects_as(history):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        [me] = cursor.fetchone()
    with pytest.raises(CommandError, match="the role this command connects as") as refused:
        call_command("create_app_role", me)
    assert refused.value.returncode == 2
