"""The "Editors" group, with exactly the rights editors need in the event log.

They read everything the admin shows; they record events (add, correct, retract: all
appends); they add and change sources, entities and entity aliases. They change no
event and delete nothing: the log is append-only, and entities and sources are cited.
"""
from django.db import migrations

from events.roles import EDITORS, grant

EDITOR_PERMISSIONS = {
    "organisation": ["view"],
    "status": ["view"],
    "office": ["view"],
    "meetingtype": ["view"],
    "event": ["view", "add", "correct", "retract"],
    "source": ["view", "add", "change"],
    "entity": ["view", "add", "change"],
    "entityalias": ["view", "add", "change"],
}


def create_editors(apps, schema_editor):
    grant(apps, EDITORS, "events", EDITOR_PERMISSIONS)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_idempotency"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
