"""The projection becomes bitemporal: each row is believed from one append to the one that replaced it
(recorded_from, recorded_until), and its evidence is the seqs of the events behind it, not copies.

The projection is a cache: after the tables change, each organisation's projection, its history
included, is rebuilt from its log with the current code (0008 and 0006 no longer rebuild: they
would run today's code against yesterday's tables). recorded_from's default only fills the rows
the rebuild then replaces.
"""

import django.utils.timezone
from django.db import migrations, models


def rebuild_projections(apps, schema_editor):
    from events import projections
    from events.models import Organisation

    for organisation in Organisation.objects.using(schema_editor.connection.alias):
        projections.rebuild(organisation)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0008_projection_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='projectedconflict',
            name='conflict_org_first_date',
        ),
        migrations.RemoveIndex(
            model_name='slotinterval',
            name='interval_org_start_end',
        ),
        migrations.RemoveIndex(
            model_name='slotinterval',
            name='interval_slot_end',
        ),
        migrations.RemoveField(
            model_name='projectedconflict',
            name='event_ids',
        ),
        migrations.RemoveField(
            model_name='slotinterval',
            name='event_ids',
        ),
        migrations.AddField(
            model_name='projectedconflict',
            name='recorded_from',
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='projectedconflict',
            name='recorded_until',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='slotinterval',
            name='recorded_from',
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='slotinterval',
            name='recorded_until',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddIndex(
            model_name='projectedconflict',
            index=models.Index(condition=models.Q(('recorded_until__isnull', True)), fields=['organisation', 'first_date'], name='conflict_shown'),
        ),
        migrations.AddIndex(
            model_name='projectedconflict',
            index=models.Index(condition=models.Q(('recorded_until__isnull', True)), fields=['organisation', 'family', 'name'], name='conflict_key'),
        ),
        migrations.AddIndex(
            model_name='projectedconflict',
            index=models.Index(fields=['organisation', 'first_date', 'recorded_from'], name='conflict_believed'),
        ),
        migrations.AddIndex(
            model_name='slotinterval',
            index=models.Index(condition=models.Q(('recorded_until__isnull', True)), fields=['organisation', 'start', 'end'], name='interval_in_force'),
        ),
        migrations.AddIndex(
            model_name='slotinterval',
            index=models.Index(condition=models.Q(('recorded_until__isnull', True)), fields=['organisation', 'family', 'name', 'end'], name='interval_slot_end'),
        ),
        migrations.AddIndex(
            model_name='slotinterval',
            index=models.Index(fields=['organisation', 'start', 'recorded_from'], name='interval_believed'),
        ),
        # Reversing leaves the rows as they are: the older code rebuilds what it needs.
        migrations.RunPython(rebuild_projections, migrations.RunPython.noop),
    ]
