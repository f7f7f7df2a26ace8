"""Migration 0010 on a log hashed with version 1: it freezes the keys each event cited and checkpoints the head.

The log is the v1 fixture, imported; the ledger's migrations are then undone (the state of a store
before them: events and hashes only) and applied again, as on an existing installation.
"""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events import archive
from events.integrity import Head, signature_holds, verify_chain
from events.models import Checkpoint, Entity, Event, LegacyCitation
from tests.events.test_hash_stability import FIXTURE, HEAD_HASH

BEFORE = [("events", "0009_bitemporal_projection")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.owner
@pytest.mark.django_db(transaction=True)
def test_the_ledger_migration_freezes_version_1_keys_and_checkpoints_the_head():
    with FIXTURE.open(encoding="utf-8") as stream:
        archive.import_stream(stream)
    latest = [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes() if key[0] == "events"]
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM events_event")
            assert cursor.fetchone() == (196,)
    finally:
        migrate(latest)

    assert LegacyCitation.objects.count() == 196
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.seq, checkpoint.hash) == (196, HEAD_HASH)
    assert signature_holds(Head(196, HEAD_HASH), checkpoint.signature)
    Entity.objects.filter(slug="india").update(slug="bharat")  # a rename after the migration
    report = verify_chain()
    assert report.ok and report.checked == 196
    assert Event.objects.filter(subject__slug="bharat").exists()
