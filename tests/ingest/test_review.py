"""Review without duplicates: a candidate the log already holds is flagged and accepted only as a second source;
the accept form offers what the add-event form offers; the list keeps its filters; an unknown state can be created."""
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from events import queries, store
from events.domain.dates import PartialDate
from events.domain.errors import ConflictError, ValidationError
from events.models import Entity, EntityAlias, Event
from ingest import pipeline, review
from ingest.models import Candidate
from tests import builders
from tests.ingest.dataset import NEWS, sco_with_entities

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("curator", "c@example.org", "pw"))
    return client


@pytest.fixture
def document():
    return pipeline.ingest(NEWS.encode(), name="news.txt", organisation=sco_with_entities()).document


def india_joins(document) -> Candidate:
    return document.candidates.get(subject__slug="india", expectation=False, payload__status="member")


def recorded_elsewhere(when: str = "2017-06", status: str = "member") -> Event:
    """India's membership as another source already recorded it."""
    return builders.membership(Entity.objects.get(slug="india"), status, when, src=builders.source("summit-declaration"))


def test_the_list_flags_a_candidate_the_log_holds_with_a_link_to_the_event(curator, document):
    held = recorded_elsewhere("2017")  # "2017" and "9 June 2017" overlap: the same fact

    page = curator.get(reverse("admin:ingest_candidate_changelist")).content.decode()

    link = f'<a href="{reverse("admin:events_event_change", args=[held.pk])}">#{held.seq}</a>'
    assert f"already recorded as {link}" in page
    assert page.count("already recorded as") == 1  # Pakistan, Iran and Mongolia are not in the log


@pytest.mark.parametrize(
    ("when", "status", "flagged"),
    [("2017-06-09", "member", True), ("2017", "member", True), ("2005", "member", False), ("2017-06-09", "observer", False)],
)
def test_a_duplicate_needs_the_same_value_at_an_overlapping_date(document, when, status, flagged):
    recorded_elsewhere(when, status)
    candidate = india_joins(document)
    assert (review.recorded(review.Claim.of(candidate)) is not None) is flagged


def test_the_same_source_and_line_is_a_duplicate_whatever_the_date(document):
    candidate = india_joins(document)
    store.append(
        organisation=document.organisation, kind="membership.status", subject=candidate.subject, payload={"status": "member"},
        date="2016", source=document.source, locator="line 1", confidence=0.5, recorded_by="someone",
    )
    assert review.recorded(review.Claim.of(candidate)).locator == "line 1"


def test_a_retracted_or_corrected_event_does_not_hold_the_fact(document):
    held = recorded_elsewhere()
    store.retract(event=held, reason="misread", recorded_by="curator")
    corrected = recorded_elsewhere("2017-06-09")
    store.correct(event=corrected, recorded_by="curator", note="wrong year", date="2016")
    assert review.recorded(review.Claim.of(india_joins(document))) is None


def test_accepting_a_duplicate_records_nothing_and_says_where_it_is(curator, document):
    held = recorded_elsewhere()
    candidate = india_joins(document)
    url = reverse("admin:ingest_candidate_accept", args=[candidate.pk])

    form_page = curator.get(url).content.decode()
    response = curator.post(url, {"kind": "membership.status", "subject": candidate.subject.pk, "value": "member",
                                  "date": "2017-06-09", "confidence": "0.85"})

    assert "Already recorded as <a href" in form_page and "Add as a second source for the same fact" in form_page
    assert response.status_code == 200 and f"already recorded as #{held.seq}" in response.content.decode()
    assert Event.objects.count() == 1 and Candidate.objects.get(pk=candidate.pk).status == "pending"


def test_bulk_accept_and_auto_accept_skip_a_fact_already_recorded(curator, document):
    held = recorded_elsewhere()
    facts = document.candidates.filter(expectation=False)
    response = curator.post(reverse("admin:ingest_candidate_changelist"),
                            {"action": "accept_selected", "_selected_action": [c.pk for c in facts]}, follow=True)
    assert f"not accepted: already recorded as #{held.seq}" in response.content.decode()
    assert Event.objects.count() == 1 + facts.count() - 1 and india_joins(document).status == "pending"


def test_a_second_source_is_a_new_event_citing_the_document_and_replay_sees_one_fact_no_conflict(curator, document):
    held = recorded_elsewhere("2017")
    candidate = india_joins(document)

    response = curator.post(reverse("admin:ingest_candidate_accept", args=[candidate.pk]), {
        "kind": "membership.status", "subject": candidate.subject.pk, "value": "member", "date": "2017-06-09",
        "confidence": "0.85", "second_source": "on", "note": "the news item confirms the summit",
    })

    assert response.status_code == 302
    added = Event.objects.exclude(pk=held.pk).get()
    assert (added.source, added.locator, str(added.date)) == (document.source, "line 1", "2017-06-09")
    assert f"a second source for #{held.seq}" in added.note and "the news item confirms the summit" in added.note
    for state in (queries.replayed_state_at(document.organisation, date(2018, 1, 1)), queries.state_at(document.organisation, date(2018, 1, 1))):
        india = next(s for s in state.standings if s.holder == "india")
        assert state.conflicts == () and india.value == "member" and len(india.events) == 2


def test_the_same_source_and_line_cannot_be_its_own_second_source(document):
    candidate = india_joins(document)
    first = pipeline.accept(candidate, "curator")
    again = Candidate.objects.create(
        document=document, kind=candidate.kind, subject=candidate.subject, subject_text="India", payload=candidate.payload,
        date=candidate.date, confidence=0.8, evidence_start=0, evidence_end=5, line=1, evidence="India",
    )
    with pytest.raises(ConflictError, match=f"#{first.seq} already cites line 1"):
        pipeline.accept(again, "curator", second_source=True)


def test_the_accept_form_offers_what_the_add_event_form_offers(curator, document):
    candidate = india_joins(document)
    page = curator.get(reverse("admin:ingest_candidate_accept", args=[candidate.pk])).content.decode()

    assert 'data-model-name="event"' in page and 'data-field-name="subject"' in page  # the entity autocomplete
    assert "admin/js/autocomplete.js" in page
    for value in ("member", "observer", "dialogue_partner", "chair", "secretary_general", "heads_of_state"):
        assert f'<option value="{value}"' in page
    assert '<option value="member" selected>' in page
    for field in ("date", "locator", "note", "confidence"):
        assert f'name="{field}"' in page
    assert 'value="line 1"' in page and "second_source" not in page


def test_an_edited_locator_and_note_go_into_the_event(document):
    event = pipeline.accept(india_joins(document), "curator", {"locator": "para 1", "note": "dateline checked"})
    assert event.locator == "para 1" and event.note.endswith("; dateline checked")


def test_the_list_keeps_its_document_filter_after_an_accept_and_a_reject(curator, document):
    other = pipeline.ingest(b"Mongolia joined the SCO as an observer on 5 July 2004.\n", name="other.txt",
                            organisation=document.organisation).document
    listing = reverse("admin:ingest_candidate_changelist") + f"?document__id__exact={document.pk}"
    page = curator.get(listing).content.decode()
    candidate = india_joins(document)
    accept = reverse("admin:ingest_candidate_accept", args=[candidate.pk])
    assert f"{accept}?_changelist_filters=document__id__exact%3D{document.pk}" in page
    assert "other.txt, line" not in page and other.candidates.exists()  # (the filter sidebar names it)

    response = curator.post(f"{accept}?_changelist_filters=document__id__exact%3D{document.pk}", {
        "kind": "membership.status", "subject": candidate.subject.pk, "value": "member", "date": "2017-06-09", "confidence": "0.85",
    })
    assert response.status_code == 302 and parse_qs(urlparse(response.url).query) == {"document__id__exact": [str(document.pk)]}

    rejected = document.candidates.filter(status="pending").first()
    reject = reverse("admin:ingest_candidate_reject", args=[rejected.pk])
    response = curator.post(f"{reject}?_changelist_filters=document__id__exact%3D{document.pk}", {"reason": "off topic"})
    assert parse_qs(urlparse(response.url).query) == {"document__id__exact": [str(document.pk)]}


def unknown_state_candidate(document, written: str = "Turkmenistan") -> Candidate:
    return Candidate.objects.create(
        document=document, kind="membership.status", subject=None, subject_text=written, payload={"status": "observer"},
        date=PartialDate.parse("2026-03-12"), confidence=0.8, evidence_start=0, evidence_end=10, line=4,
        evidence=f"{written} became an observer on 12 March 2026.",
    )


def test_a_state_the_dataset_lacks_is_offered_and_created_on_accept(curator, document):
    candidate = unknown_state_candidate(document)
    url = reverse("admin:ingest_candidate_accept", args=[candidate.pk])

    page = curator.get(url).content.decode()
    response = curator.post(url, {"kind": "membership.status", "value": "observer", "date": "2026-03-12",
                                  "confidence": "0.8", "create_state": "on"})

    assert "Create the state Turkmenistan (TKM)" in page
    assert response.status_code == 302
    state = Entity.objects.get(iso3="TKM")
    assert (state.type, state.name, state.slug) == ("state", "Turkmenistan", "turkmenistan")
    assert Event.objects.get().subject == state and Candidate.objects.get(pk=candidate.pk).status == "accepted"


def test_official_names_become_aliases_of_the_state_created():
    sco_with_entities()
    assert review.unknown_state("the Islamic Republic of Iran") is None  # Iran is in the dataset already
    laos = review.create_state(review.unknown_state("Lao People's Democratic Republic"))
    assert (laos.iso3, laos.name) == ("LAO", "Laos")
    assert set(EntityAlias.objects.filter(entity=laos).values_list("name", flat=True)) == {"Lao People's Democratic Republic"}


def test_a_state_named_by_its_demonym_is_offered_under_its_iso_name():
    sco_with_entities()
    assert (review.unknown_state("Turkmen").iso3, review.unknown_state("Turkmen").name) == ("TKM", "Turkmenistan")


@pytest.mark.parametrize("written", ["Astana", "Moscow", "the SCO", "Shanghai", "it"])
def test_places_and_other_names_are_not_offered_as_states(written):
    assert review.unknown_state(written) is None


def test_without_the_right_to_add_entities_no_state_is_offered(client, django_user_model, document):
    viewer = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["add_event", "view_candidate", "view_entity"]))
    client.force_login(viewer)
    candidate = unknown_state_candidate(document)
    page = client.get(reverse("admin:ingest_candidate_accept", args=[candidate.pk])).content.decode()
    assert "Create the state" not in page and 'name="subject"' in page


def test_a_refused_accept_creates_no_state(document):
    candidate = unknown_state_candidate(document)
    with pytest.raises(ValidationError):
        pipeline.accept(candidate, "curator", {"date": "2026-02-30"}, new_state=review.unknown_state("Turkmenistan"))
    assert not Entity.objects.filter(iso3="TKM").exists() and Candidate.objects.get(pk=candidate.pk).status == "pending"


def test_the_queue_page_costs_the_same_queries_with_more_duplicates(curator, document, django_assert_max_num_queries):
    recorded_elsewhere()
    builders.membership(Entity.objects.get(slug="pakistan"), "member", "2017-06-09", src=builders.source("summit-declaration"))
    with django_assert_max_num_queries(12):
        curator.get(reverse("admin:ingest_candidate_changelist"))


def test_a_value_the_kind_does_not_take_is_refused_on_the_value_field(curator, document):
    candidate = india_joins(document)
    response = curator.post(reverse("admin:ingest_candidate_accept", args=[candidate.pk]), {
        "kind": "office.assumed", "subject": candidate.subject.pk, "value": "member", "date": "2017-06-09", "confidence": "0.85",
    })
    assert response.status_code == 200 and Event.objects.count() == 0
    errors = response.context["form"].errors
    assert list(errors) == ["value"] and errors["value"][0].startswith("payload.office:")
