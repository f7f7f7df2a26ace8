import pytest

from events.domain.errors import ConflictError, ValidationError
from events.models import Event, Source
from ingest import pipeline
from ingest.models import Candidate, Document
from tests import builders
from tests.ingest.dataset import NEWS, sco_with_entities

pytestmark = pytest.mark.django_db


def ingest(data: bytes = NEWS.encode(), **options):
    options.setdefault("published", None)
    return pipeline.ingest(data, name="news.txt", organisation=sco_with_entities(), **options)


def test_a_document_becomes_a_source_with_pending_candidates():
    result = ingest()
    assert result.created and result.candidates == 5
    assert result.document.source.content_hash and result.document.text == NEWS
    assert set(Candidate.objects.values_list("status", flat=True)) == {"pending"}
    assert Event.objects.count() == 0


def test_ingesting_the_same_bytes_again_creates_nothing():
    first = ingest()
    again = ingest()
    assert not again.created and again.document == first.document
    assert (Source.objects.count(), Document.objects.count(), Candidate.objects.count()) == (1, 1, 5)


def test_a_source_already_known_by_its_hash_is_reused():
    import hashlib

    seeded = builders.source("seed-news", content_hash=hashlib.sha256(NEWS.encode()).hexdigest())
    result = ingest()
    assert result.document.source == seeded and Source.objects.count() == 1


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02binary\x00", b"a" * (10 * 1024 * 1024 + 1)])
def test_refused_input_leaves_nothing_behind(data):
    with pytest.raises(ValidationError):
        ingest(data)
    assert (Source.objects.count(), Document.objects.count(), Candidate.objects.count()) == (0, 0, 0)


def test_a_failure_while_storing_candidates_leaves_no_half_document(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Candidate.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        ingest()
    assert (Source.objects.count(), Document.objects.count()) == (0, 0)


def fact() -> Candidate:
    ingest()
    return Candidate.objects.get(subject__slug="india", expectation=False, payload__status="member")


def test_accepting_appends_an_event_citing_the_document_line():
    candidate = fact()
    event = pipeline.accept(candidate, "curator")
    candidate.refresh_from_db()
    assert (event.kind, event.subject.slug, event.payload, str(event.date)) == ("membership.status", "india", {"status": "member"}, "2017-06-09")
    assert (event.source, event.locator, event.recorded_by) == (candidate.document.source, "line 1", "curator")
    assert (candidate.status, candidate.event, candidate.reviewed_by) == ("accepted", event, "curator")


def test_a_candidate_is_accepted_once():
    candidate = fact()
    pipeline.accept(candidate, "curator")
    with pytest.raises(ConflictError):
        pipeline.accept(candidate, "curator")


def test_an_expectation_is_refused_until_edited_into_a_fact():
    ingest()
    expected = Candidate.objects.get(subject__slug="iran", expectation=True)
    with pytest.raises(ValidationError) as refused:
        pipeline.accept(expected, "curator")
    assert "expectation" in refused.value.errors
    event = pipeline.accept(expected, "curator", {"expectation": False, "date": "2023-07-04"})
    assert str(event.date) == "2023-07-04"
    expected.refresh_from_db()
    assert "date" in expected.reason and "expectation" in expected.reason


def test_an_impossible_date_in_the_edits_is_refused_on_the_date_and_nothing_is_accepted():
    candidate = fact()
    with pytest.raises(ValidationError) as refused:
        pipeline.accept(candidate, "curator", {"date": "2017-02-30"})
    assert refused.value.errors == {"date": ["'2017-2-30' is not a date on the calendar"]}
    candidate.refresh_from_db()
    assert (candidate.status, Event.objects.count()) == ("pending", 0)


def test_unknown_edits_are_refused_by_name():
    with pytest.raises(ValidationError, match="seq"):
        pipeline.accept(fact(), "curator", {"seq": 1})


def test_rejecting_needs_a_reason_and_keeps_it():
    candidate = fact()
    with pytest.raises(ValidationError) as refused:
        pipeline.reject(candidate, "curator", " ")
    assert "reason" in refused.value.errors
    pipeline.reject(candidate, "curator", "duplicate of a seeded event")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.reason) == ("rejected", "duplicate of a seeded event")


def test_the_document_is_reviewed_when_no_candidate_waits():
    document = ingest().document
    events, refused = pipeline.accept_many(document.candidates.filter(expectation=False), "curator")
    pipeline.reject_many(document.candidates.filter(status="pending"), "curator", "not yet")
    document.refresh_from_db()
    assert len(events) == 4 and not refused and document.status == "reviewed"


def test_auto_accept_takes_only_sure_facts():
    result = ingest(auto_accept_above=0.8)
    accepted = Candidate.objects.filter(status="accepted")
    assert result.accepted == accepted.count() == 2
    assert all(c.confidence >= 0.8 and not c.expectation for c in accepted)
    assert Event.objects.count() == 2


def test_a_bad_threshold_is_refused_before_anything_is_written():
    with pytest.raises(ValidationError) as refused:
        ingest(auto_accept_above=1.5)
    assert "auto_accept_above" in refused.value.errors and Document.objects.count() == 0
