"""The store is the only write path: it validates, chains, serialises, and never changes what it wrote."""
import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from events import store
from events.domain.errors import ConflictError, ImmutableEventError, ValidationError
from events.integrity import GENESIS_HASH, verify_chain
from events.models import Event
from tests import builders


@pytest.fixture
def india(db):
    builders.organisation()
    return builders.state("india", "IND", "India")


def test_append_assigns_seq_hash_chain_and_recorded_at(india):
    first = builders.membership(india, "observer", "2005-07-05")
    second = builders.membership(india, "member", "2017-06-09")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.recorded_at >= first.recorded_at
    assert verify_chain().ok and verify_chain().checked == 2


def test_partial_date_is_stored_as_window_and_precision(india):
    event = builders.membership(india, "member", "2017-06")
    assert (str(event.date_earliest), str(event.date_latest), event.date_precision) == ("2017-06-01", "2017-06-30", "month")
    assert event.date.display() == "June 2017"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"kind": "membership.joined"}, "kind"),
        ({"payload": {"status": "memeber"}}, "payload.status"),
        ({"payload": {}}, "payload.status"),
        ({"payload": {"status": "member", "colour": "red"}}, "payload.colour"),
        ({"confidence": 1.5}, "confidence"),
        ({"confidence": -0.1}, "confidence"),
        ({"confidence": "high"}, "confidence"),
        ({"date": "2017-02-30"}, "date"),
        ({"date": "June 2017"}, "date"),
        ({"subject": "nowhere"}, "subject"),
        ({"source": "no-such-source"}, "source"),
        ({"recorded_by": " "}, "recorded_by"),
        ({"locator": "line\x001"}, "locator"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(india, changes, field):
    fields = dict(organisation=builders.organisation(), kind="membership.status", subject=india,
                  payload={"status": "member"}, date="2017-06-09", source=builders.source(),
                  confidence=0.9, recorded_by="tester")
    fields.update(changes)
    with pytest.raises(ValidationError) as refused:
        store.append(**fields)
    assert field in refused.value.errors, refused.value.errors
    assert Event.objects.count() == 0


def test_status_message_names_the_organisation(india):
    with pytest.raises(ValidationError, match="payload.status: 'memeber' is not a status of sco"):
        builders.membership(india, "memeber", "2017")


def test_subject_of_the_wrong_entity_type_is_refused(db):
    builders.organisation()
    person = builders.entity("vladimir-norov", "person")
    with pytest.raises(ValidationError, match="is about a state, not a person"):
        builders.membership(person, "member", "2017")


def test_status_declared_as_data_is_accepted_without_code_change(india):
    org = builders.organisation()
    org.statuses.create(slug="applicant", plural="applicants", label="applicant", label_plural="applicants")
    assert builders.membership(india, "applicant", "2016").payload == {"status": "applicant"}


def test_retracting_twice_or_retracting_a_retraction_is_refused(india):
    event = builders.membership(india, "member", "2017-06-09")
    retraction = store.retract(event=event, reason="wrong date", recorded_by="editor")
    with pytest.raises(ConflictError, match="already retracted"):
        store.retract(event=event, reason="again", recorded_by="editor")
    with pytest.raises(ConflictError, match="cannot be retracted"):
        store.retract(event=retraction, reason="undo", recorded_by="editor")
    assert Event.objects.count() == 2


def test_retraction_needs_a_reason(india):
    event = builders.membership(india, "member", "2017-06-09")
    with pytest.raises(ValidationError, match="payload.reason"):
        store.retract(event=event, reason="", recorded_by="editor")


def test_event_of_another_organisation_cannot_be_retracted_or_corrected_from_this_one(india):
    other = builders.organisation("brics")
    event = builders.membership(india, "member", "2017-06-09")
    with pytest.raises(ValidationError, match="another organisation"):
        store.append(organisation=other, kind="retraction", subject=india, payload={"reason": "x"},
                     date="2017", source=builders.source(), confidence=1, recorded_by="e", retracts=event)
    with pytest.raises(ValidationError, match="another organisation"):
        store.append(organisation=other, kind="membership.status", subject=india, payload={"status": "member"},
                     date="2017", source=builders.source(), confidence=1, recorded_by="e", corrects=event)


def test_correction_must_target_the_latest_version(india):
    event = builders.membership(india, "member", "2017-06-10")
    store.correct(event=event, date="2017-06-09", recorded_by="editor", note="the summit's second day")
    with pytest.raises(ConflictError, match="already corrected"):
        store.correct(event=event, date="2017-06-08", recorded_by="editor", note="again")


def test_correction_needs_a_note(india):
    event = builders.membership(india, "member", "2017-06-10")
    with pytest.raises(ValidationError, match="note"):
        store.correct(event=event, date="2017-06-09", recorded_by="editor", note="")


def test_model_refuses_save_delete_and_bulk_changes(india):
    event = builders.membership(india, "member", "2017-06-09")
    event.confidence = 0.1
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()
    with pytest.raises(ImmutableEventError):
        Event.objects.filter(pk=event.pk).update(confidence=0.1)
    with pytest.raises(ImmutableEventError):
        Event.objects.all().delete()
    with pytest.raises(ImmutableEventError):
        Event.objects.bulk_update([event], ["confidence"])
    assert Event.objects.get(pk=event.pk).confidence == 0.9


def test_events_cannot_be_created_outside_the_store(india):
    with pytest.raises(ImmutableEventError, match="only through events.store"):
        Event.objects.create(organisation=builders.organisation(), kind="membership.status", subject=india,
                             date_earliest="2017-06-09", date_latest="2017-06-09", date_precision="day",
                             source=builders.source(), confidence=1, recorded_at="2020-01-01T00:00Z",
                             recorded_by="x", seq=99, hash="x", prev_hash="y")


@pytest.mark.parametrize("statement", [
    "UPDATE events_event SET confidence = 0.1",
    "DELETE FROM events_event",
])
def test_database_rejects_raw_update_and_delete(india, statement):
    builders.membership(india, "member", "2017-06-09")
    # The trigger refuses the owner; the application's role (TEST_AS_APP_ROLE) is refused before it, by its grants.
    with pytest.raises(DatabaseError, match="immutable|permission denied"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert Event.objects.get().confidence == 0.9


@pytest.mark.postgres
@pytest.mark.owner  # the application's role is refused before the trigger (test_ledger_roles.py)
def test_postgres_trigger_rejects_update_and_delete(india):
    builders.membership(india, "member", "2017-06-09")
    for statement in ("UPDATE events_event SET confidence = 0.1", "DELETE FROM events_event"):
        with pytest.raises(DatabaseError, match="immutable"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert Event.objects.count() == 1


@pytest.mark.owner
def test_tampering_is_detected_by_verify_chain(india):
    builders.membership(india, "observer", "2005-07-05")
    second = builders.membership(india, "member", "2017-06-09")
    builders.membership(india, "member", "2017-06-10")
    with connection.cursor() as cursor:  # simulate an attacker who can drop the trigger
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER events_event_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DROP TRIGGER events_event_no_update_or_delete ON events_event")
        cursor.execute("UPDATE events_event SET confidence = 0.2 WHERE seq = %s", [second.seq])
    report = verify_chain()
    assert (report.ok, report.broken_at, report.checked) == (False, 2, 1)


def test_every_bad_field_is_named_at_once(india):
    with pytest.raises(ValidationError) as refused:
        store.append(organisation=builders.organisation(), kind="membership.status", subject=india,
                     payload={"status": "memeber"}, date="2017-02-30", source="nowhere",
                     confidence=2, recorded_by="tester")
    assert set(refused.value.errors) == {"payload.status", "date", "source", "confidence"}
