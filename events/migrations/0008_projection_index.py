"""The projection's index of which slots and happenings each event speaks to (EventKey), and names
of any length for slots and happenings (a kind may name a slot by a payload field).

The projection is a cache, rebuilt from the log by the latest migration that changes its tables
(0009 now): rebuilding here would run today's code against tables a later migration changes.
"""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
