import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Event
from ingest import pipeline
from ingest.models import Candidate, Document
from tests.ingest.dataset import NEWS, sco_with_entities

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client):
    user = User.objects.create_superuser("curator", "c@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def document():
    return pipeline.ingest(NEWS.encode(), name="news.txt", organisation=sco_with_entities()).document


def test_upload_goes_through_the_task_after_commit_and_shows_the_upload_done(curator, django_capture_on_commit_callbacks):
    org = sco_with_entities()
    upload = SimpleUploadedFile("news.txt", NEWS.encode())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = curator.post(reverse("admin:ingest_document_add"), {"organisation": org.pk, "file": upload, "published": "2017-06", "kind": "news"})
    assert len(callbacks) == 1 and Document.objects.get().candidates.count() == 5
    page = curator.get(response.url).content.decode()
    assert "done" in page and "5 candidates" in page and 'http-equiv="refresh"' not in page


def test_a_refused_upload_is_a_form_error(curator):
    org = sco_with_entities()
    upload = SimpleUploadedFile("x.bin", b"\x00\x01\x02" * 50)
    response = curator.post(reverse("admin:ingest_document_add"), {"organisation": org.pk, "file": upload, "kind": "news"})
    assert response.status_code == 200 and "looks binary" in response.content.decode()


def test_the_queue_lists_pending_candidates_with_evidence_in_context(curator, document):
    response = curator.get(reverse("admin:ingest_candidate_changelist"))
    assert response.status_code == 200 and "India" in response.content.decode()
    candidate = document.candidates.first()
    page = curator.get(reverse("admin:ingest_candidate_change", args=[candidate.pk])).content.decode()
    assert "<mark>" in page and "Accept…" in page


def test_bulk_accept_appends_events(curator, document):
    facts = document.candidates.filter(expectation=False)
    response = curator.post(reverse("admin:ingest_candidate_changelist"), {"action": "accept_selected", "_selected_action": [c.pk for c in facts]})
    assert response.status_code == 302 and Event.objects.count() == facts.count() == 4


def test_bulk_reject_asks_for_a_reason_first(curator, document):
    url = reverse("admin:ingest_candidate_changelist")
    ids = [c.pk for c in document.candidates.all()]
    page = curator.post(url, {"action": "reject_selected", "_selected_action": ids})
    assert page.status_code == 200 and "reason" in page.content.decode()
    curator.post(url, {"action": "reject_selected", "_selected_action": ids, "reason": "off topic"})
    assert set(Candidate.objects.values_list("status", "reason")) == {("rejected", "off topic")}


def test_accept_with_edits_and_the_link_to_the_event(curator, document):
    candidate = document.candidates.get(expectation=True)
    url = reverse("admin:ingest_candidate_accept", args=[candidate.pk])
    form = {"kind": "membership.status", "subject": candidate.subject.pk, "value": "member", "date": "2023-07-04", "confidence": "0.9"}
    refused = curator.post(url, {**form, "expectation": "on"})
    assert refused.status_code == 200 and "expectation" in refused.content.decode()
    assert curator.post(url, form).status_code == 302
    candidate.refresh_from_db()
    assert str(candidate.event.date) == "2023-07-04"
    page = curator.get(reverse("admin:ingest_candidate_change", args=[candidate.pk])).content.decode()
    assert f"accepted as <a href=\"{reverse('admin:events_event_change', args=[candidate.event.pk])}\">#{candidate.event.seq}</a>" in page


def test_rejecting_one_candidate_with_a_reason(curator, document):
    candidate = document.candidates.first()
    curator.post(reverse("admin:ingest_candidate_reject", args=[candidate.pk]), {"reason": "misread"})
    candidate.refresh_from_db()
    assert (candidate.status, candidate.reason) == ("rejected", "misread")
