"""The projection's index of which slots and happenings each event speaks to (EventKey), and names
of any length for slots and happenings (a kind may name a slot by a payload field).

The projection is a cache: after the tables change, each organisation's projection (index,
intervals with their evidence as records.to_json writes it, conflicts) is rebuilt from its
log with the current code. The latest migration that changes the projection's tables does
this; earlier ones no longer do (they would run today's code against yesterday's tables).
"""

import django.db.models.deletion
from django.db import migrations, models


def rebuild_projections(apps, schema_editor):
    from events import projections
    from events.models import Organisation

    for organisation in Organisation.objects.using(schema_editor.connection.alias):
        projections.rebuild(organisation)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0007_amendment_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='projectedconflict',
            name='name',
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name='slotinterval',
            name='family',
            field=models.CharField(max_length=40),
        ),
        migrations.AlterField(
            model_name='slotinterval',
            name='name',
            field=models.TextField(),
        ),
        migrations.CreateModel(
            name='EventKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('family', models.CharField(max_length=40)),
                ('name', models.TextField()),
                ('event', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='events.event')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='events.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['organisation', 'family', 'name'], name='eventkey_key'), models.Index(fields=['event'], name='eventkey_event')],
            },
        ),
        # Reversing leaves the old tables' rows as they are: the older code rebuilds what it needs.
        migrations.RunPython(rebuild_projections, migrations.RunPython.noop),
    ]
