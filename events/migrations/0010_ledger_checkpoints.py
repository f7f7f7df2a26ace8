"""The ledger's own tables: signed checkpoints of the head, and the keys each version-1 hash covered.

Every event recorded before this migration was hashed with version 1, over the slugs and key it
cited. Those are frozen now, per event, so the hash verifies whatever an editor renames later;
events recorded from now on (version 2) cite ids. The head as it stands is checkpointed.
"""
import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

FREEZE_CITATIONS = """
    INSERT INTO events_legacycitation (event_id, organisation, subject, source)
    SELECT event.id, organisation.slug, subject.slug, source.key
    FROM events_event event
    JOIN events_organisation organisation ON organisation.id = event.organisation_id
    JOIN events_entity subject ON subject.id = event.subject_id
    JOIN events_source source ON source.id = event.source_id
"""


def freeze_citations(apps, schema_editor):
    schema_editor.execute(FREEZE_CITATIONS, params=None)


def checkpoint_the_head(apps, schema_editor):
    from events.integrity import Head, sign

    last = apps.get_model("events", "Event").objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        head = Head(*last)
        apps.get_model("events", "Checkpoint").objects.create(
            seq=head.seq, hash=head.hash, written_at=timezone.now(), signature=sign(head))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0009_bitemporal_projection'),
    ]

    operations = [
        migrations.CreateModel(
            name='LegacyCitation',
            fields=[
                ('event', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='legacy_citation', serialize=False, to='events.event')),
                ('organisation', models.CharField(max_length=50)),
                ('subject', models.CharField(max_length=100)),
                ('source', models.CharField(max_length=100)),
            ],
        ),
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(help_text="The head's seq (0: an empty log).")),
                ('hash', models.CharField(max_length=64)),
                ('written_at', models.DateTimeField()),
                ('signature', models.CharField(help_text='HMAC-SHA256 of seq and hash with settings.LEDGER_KEY.', max_length=64)),
            ],
            options={
                'ordering': ['seq', 'pk'],
                'indexes': [models.Index(fields=['seq'], name='checkpoint_seq')],
            },
        ),
        migrations.RunPython(freeze_citations, migrations.RunPython.noop),
        migrations.RunPython(checkpoint_the_head, migrations.RunPython.noop),
    ]
