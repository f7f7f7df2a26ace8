"""Each tampering the reliability probe tried is detected (verify_log, import_log) or refused by the database.

The attacker here owns the tables (or is a superuser): the ledger's triggers are dropped (SQLite) or
disabled (PostgreSQL) for the attack, inside the test's transaction. What they cannot do is sign a
checkpoint: LEDGER_KEY lives in the application's environment, not in the database.
"""
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from events import archive, integrity, records, store
from events.domain.errors import ValidationError
from events.integrity import verify_chain
from events.models import Checkpoint, Event, store_is_writing
from tests import builders

pytestmark = [pytest.mark.django_db, pytest.mark.owner]
LEDGER_TABLES = ("events_legacycitation", "events_checkpoint", "events_event")


def as_owner(*statements: str, params: list | None = None) -> None:
    """Run SQL with the ledger's triggers out of the way, as the tables' owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s, %s)", LEDGER_TABLES)
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in LEDGER_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for statement in statements:
            cursor.execute(statement, params)


@pytest.fixture
def history():
    """Five appends of one event each, then one of three: six checkpoints, eight events."""
    india = builders.state("india", "IND", "India")
    builders.organisation()
    for year in range(2001, 2006):
        builders.membership(india, "observer", str(year))
    store.append_many([store.NewEvent(organisation="sco", kind="membership.status", subject=india,
                                      payload={"status": "member"}, date=str(year), source=builders.source(),
                                      confidence=0.9, recorded_by="test") for year in (2017, 2018, 2019)])
    assert verify_chain().ok and Checkpoint.objects.count() == 6
    return india


def check_fails(problem: str) -> integrity.ChainReport:
    report = verify_chain()
    assert not report.ok and problem in report.problem, report
    with pytest.raises(CommandError, match="chain broken"):
        call_command("verify_log", stdout=io.StringIO())
    return report


def test_deleting_the_last_events_is_detected(history):
    as_owner("DELETE FROM events_event WHERE seq > 6")

    report = check_fails("the log ends at seq 6 but the checkpoint at seq 8 vouches for more: events were removed")
    assert (report.broken_at, report.checked) == (7, 6)


def test_deleting_every_event_is_detected(history):
    as_owner("DELETE FROM events_event")

    assert check_fails("the log ends at seq 0 but the checkpoint at seq 8").broken_at == 1


def test_truncating_the_log_is_detected(history):
    if connection.vendor == "postgresql":
        as_owner("TRUNCATE events_event CASCADE")
    else:  # SQLite has no TRUNCATE: its "truncate optimisation" is an unconditioned DELETE without triggers
        as_owner("DELETE FROM events_event")

    check_fails("events were removed")


def test_rewriting_an_event_and_rehashing_what_follows_is_detected(history):
    rows = list(integrity.chained())
    previous = rows[2].prev_hash
    for link in rows[2:]:  # the attacker changes seq 3's confidence and rehashes the chain from there
        record = link.record._replace(confidence=0.1) if link.record.seq == 3 else link.record
        new_hash = integrity.event_hash(record, previous, link.cited, link.version)
        as_owner("UPDATE events_event SET confidence = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                 params=[record.confidence, previous, new_hash, link.record.seq])
        previous = new_hash
    assert all(integrity.link_holds(link, link.prev_hash) == "" for link in integrity.chained())

    report = check_fails("the log was rewritten: the checkpoint at seq 3 names another hash")
    assert report.broken_at == 3


def test_a_checkpoint_forged_without_the_key_is_detected(history):
    as_owner("DELETE FROM events_event WHERE seq = 8")
    Checkpoint.objects.create(seq=7, hash=Event.objects.get(seq=7).hash, written_at=timezone.now(), signature="0" * 64)

    check_fails("the checkpoint at seq 7 is not signed with LEDGER_KEY")


def test_removing_the_last_checkpoints_leaves_the_head_uncovered(history):
    as_owner("DELETE FROM events_checkpoint WHERE seq = 8")

    assert check_fails("no checkpoint covers the head").broken_at == 8


def test_an_event_inserted_behind_the_stores_back_is_detected(history):
    last = Event.objects.get(seq=8)
    forged = Event(**{field.attname: getattr(last, field.attname) for field in Event._meta.concrete_fields})
    forged.id, forged.seq, forged.prev_hash, forged.confidence = uuid.uuid4(), 9, last.hash, 1.0
    forged.hash = integrity.event_hash(records.from_instance(forged), last.hash, integrity.stable_citation(forged))
    token = store_is_writing.set(True)  # what a direct INSERT does: the chain is well formed, but nobody signed its head
    try:
        forged.save()
    finally:
        store_is_writing.reset(token)

    assert check_fails("no checkpoint covers the head (seq 9)").broken_at == 9


def test_an_anchor_kept_outside_the_database_catches_a_rollback_of_events_and_checkpoints(history, tmp_path):
    anchor = tmp_path / "heads.jsonl"
    call_command("verify_log", "--checkpoint", "--anchor", str(anchor), stdout=io.StringIO())
    # A superuser rolls the database back to seq 5: the events after it and their checkpoints go.
    as_owner("DELETE FROM events_checkpoint WHERE seq > 5", "DELETE FROM events_event WHERE seq > 5")
    assert verify_chain().ok  # the database alone cannot tell

    with pytest.raises(CommandError, match="the log ends at seq 5 but the anchor .* at seq 8 vouches for more"):
        call_command("verify_log", "--anchor", str(anchor), stdout=io.StringIO())


def test_a_missing_or_unreadable_anchor_is_a_usage_error(history, tmp_path):
    for content in (None, "", "not json\n", '{"seq": 1}\n'):
        anchor = tmp_path / "heads.jsonl"
        if content is not None:
            anchor.write_text(content)
        with pytest.raises(CommandError, match="heads.jsonl") as refused:
            call_command("verify_log", "--anchor", str(anchor), stdout=io.StringIO())
        assert refused.value.returncode == 2


def test_verify_log_checkpoint_records_the_verified_head(history):
    out = io.StringIO()
    call_command("verify_log", "--checkpoint", stdout=out)

    latest = Checkpoint.objects.order_by("-pk").first()
    assert (latest.seq, latest.hash) == tuple(integrity.head_of_log())
    assert f"head seq 8 {latest.hash}" in out.getvalue() and latest.signature in out.getvalue()


def exported() -> list[str]:
    stream = io.StringIO()
    archive.write_export(stream)
    return stream.getvalue().splitlines()


def emptied():
    from tests.purging import empty_event_log

    empty_event_log()


def test_an_export_with_its_last_five_events_cut_is_refused(history):
    lines = exported()
    cut_with_head = lines[:-6] + lines[-1:]
    cut_headless = lines[:-6]
    emptied()

    with pytest.raises(ValidationError, match="head is seq 8 .* end at seq 3"):
        archive.import_stream(cut_with_head)
    with pytest.raises(ValidationError, match="ends before its head line"):
        archive.import_stream(cut_headless)
    assert Event.objects.count() == 0


def test_an_export_cut_with_a_rewritten_head_is_refused_for_its_signature(history):
    lines = exported()
    head = json.loads(lines[-1])
    last = json.loads(lines[-7])
    head.update(seq=last["seq"], hash=last["hash"], events=last["seq"])
    emptied()

    with pytest.raises(ValidationError, match="not signed with this installation's LEDGER_KEY"):
        archive.import_stream(lines[:-6] + [json.dumps(head)])
    assert Event.objects.count() == 0


def test_an_export_altered_and_rehashed_is_refused_for_its_head(history):
    lines = exported()
    events = [json.loads(line) for line in lines if '"type": "event"' in line]
    first = len(lines) - 1 - len(events)
    previous = integrity.GENESIS_HASH
    for row in events:  # rewrite seq 1 and rehash the whole file's chain
        if row["seq"] == 1:
            row["confidence"] = 0.2
        record = records.from_json(row)
        row["prev_hash"], row["hash"] = previous, integrity.event_hash(record, previous, row["cites"], row["hash_version"])
        previous = row["hash"]
    rewritten = lines[:first] + [json.dumps(row) for row in events] + lines[-1:]
    emptied()

    with pytest.raises(ValidationError, match="export was cut or altered"):
        archive.import_stream(rewritten)


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_refuses_insert_or_replace_over_an_event_or_a_checkpoint(history):
    with connection.cursor() as cursor:
        for statement in (
            "INSERT OR REPLACE INTO events_event SELECT * FROM events_event WHERE seq = 2",
            "REPLACE INTO events_checkpoint SELECT * FROM events_checkpoint WHERE seq = 2",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement)
    assert verify_chain().ok and Event.objects.count() == 8


def test_checkpoints_and_legacy_citations_refuse_update_and_delete(history):
    with connection.cursor() as cursor:
        for statement in ("UPDATE events_checkpoint SET seq = 1", "DELETE FROM events_checkpoint"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement)
    assert Checkpoint.objects.count() == 6


@pytest.mark.postgres
def test_postgresql_triggers_fire_in_replica_mode_and_refuse_truncate(history):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign-key check pending: TRUNCATE would wait for it
        cursor.execute("SET session_replication_role = replica")  # what the probe did as a superuser
        try:
            for statement in ("UPDATE events_event SET confidence = 0.1", "DELETE FROM events_event",
                              "TRUNCATE events_event CASCADE", "UPDATE events_checkpoint SET seq = 0",
                              "DELETE FROM events_checkpoint", "TRUNCATE events_checkpoint"):
                with pytest.raises(DatabaseError, match="immutable|append-only"), transaction.atomic():
                    cursor.execute(statement)
        finally:
            cursor.execute("SET session_replication_role = origin")
    assert verify_chain().ok and Event.objects.count() == 8
