"""The projection keeps the replay records behind each answer, so a state is read without the log.

The projection is a cache: after adding the column, each organisation's projection is rebuilt
from its log with the current code (`projections.rebuild`). A later migration that changes the
projection's tables must rebuild again in the same way.
"""
from django.db import migrations, models


def rebuild_projections(apps, schema_editor):
    from events import projections
    from events.models import Organisation

    for organisation in Organisation.objects.using(schema_editor.connection.alias):
        projections.rebuild(organisation)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0005_feed_indexes"),
    ]

    operations = [
        migrations.AddField(model_name="slotinterval", name="evidence", field=models.JSONField(default=list)),
        migrations.AddField(model_name="projectedconflict", name="evidence", field=models.JSONField(default=list)),
        # Reversing drops the column: the old code reads the log for evidence, nothing to restore.
        migrations.RunPython(rebuild_projections, migrations.RunPython.noop),
    ]
