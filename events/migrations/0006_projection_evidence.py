"""The projection keeps the replay records behind each answer, so a state is read without the log.

The projection is a cache, rebuilt from the log by the latest migration that changes its tables
(0009 now): rebuilding here would run today's code against tables a later migration creates.
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0005_feed_indexes"),
    ]

    operations = [
        migrations.AddField(model_name="slotinterval", name="evidence", field=models.JSONField(default=list)),
        migrations.AddField(model_name="projectedconflict", name="evidence", field=models.JSONField(default=list)),
    ]
