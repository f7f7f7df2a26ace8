"""Recording through the admin: the kind-aware add form, Correct… and Retract…, and the store's refusals."""
from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Event
from tests import builders

pytestmark = pytest.mark.django_db

ADD = reverse("admin:events_event_add")


def add_url(kind: str = "membership.status", org: str = "sco") -> str:
    return f"{ADD}?organisation={org}&kind={kind}"


def membership_post(subject, source, **overrides) -> dict:
    data = {
        "subject": subject.pk, "payload_status": "member", "date": "2017-06-09", "source": source.pk,
        "locator": "para 3", "confidence": "0.95", "note": "",
    }
    data.update(overrides)
    return data


def test_add_starts_by_choosing_a_kind_among_those_an_editor_records(editor_client, sco):
    response = editor_client.get(ADD)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="membership.status"' in content and 'value="office.assumed"' in content
    assert 'value="retraction"' not in content  # retractions come from the Retract… action


def test_membership_form_offers_the_organisations_statuses_and_no_payload_box(editor_client, sco):
    response = editor_client.get(add_url())

    content = response.content.decode()
    for status in ("member", "observer", "dialogue_partner", "partner"):
        assert f'<option value="{status}">' in content
    assert "no status (has left)" in content
    assert 'name="payload"' not in content
    assert "admin-autocomplete" in content  # the subject is picked by autocomplete


def test_adding_a_membership_appends_one_event_recorded_by_the_editor(editor_client, sco, india):
    source = builders.source()

    response = editor_client.post(add_url(), membership_post(india, source))

    event = Event.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:events_event_change", args=[event.pk])
    assert (event.kind, event.subject, event.payload) == ("membership.status", india, {"status": "member"})
    assert (str(event.date), event.confidence, event.locator) == ("2017-06-09", 0.95, "para 3")
    assert event.recorded_by == "edith"


def test_adding_an_office_holder_takes_the_office_from_the_vocabulary(editor_client, sco):
    norov = builders.entity("vladimir-norov", "person", "Vladimir Norov")
    source = builders.source()

    editor_client.post(add_url("office.assumed"), {
        "subject": norov.pk, "payload_office": "secretary_general", "payload_term_end": "2021-12",
        "date": "2019-01-01", "source": source.pk, "confidence": "1",
    })

    assert Event.objects.get().payload == {"office": "secretary_general", "term_end": "2021-12"}


def test_a_state_leaving_is_recorded_as_no_status(editor_client, sco, india):
    editor_client.post(add_url(), membership_post(india, builders.source(), payload_status="-"))

    assert Event.objects.get().payload == {"status": None}


def test_a_place_is_chosen_among_place_entities(editor_client, sco):
    charter = builders.entity("sco-charter", "document", "SCO Charter")
    builders.entity("saint-petersburg", "place", "Saint Petersburg")

    page = editor_client.get(add_url("document.signed")).content.decode()
    editor_client.post(add_url("document.signed"), {
        "subject": charter.pk, "payload_place": "saint-petersburg", "date": "2002-06-07",
        "source": builders.source().pk, "confidence": "0.9",
    })

    assert '<option value="saint-petersburg">Saint Petersburg</option>' in page
    assert Event.objects.get().payload == {"place": "saint-petersburg"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"payload_status": "memeber"}, "payload_status", "Select a valid choice"),
        ({"date": "2017-02-30"}, "date", "is not a date on the calendar"),
        ({"date": "June 2017"}, "date", "is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"confidence": "2"}, "confidence", "is not between 0 and 1"),
        ({"payload_status": ""}, "payload_status", "This field is required"),
    ],
)
def test_a_refused_event_shows_the_error_on_its_field_and_writes_nothing(editor_client, sco, india, overrides, field, message):
    response = editor_client.post(add_url(), membership_post(india, builders.source(), **overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing was recorded." in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("submitted", [":", "x", "1e9", "10000000000000000000", "00000000-0000-0000-0000-00000000000g"])
def test_a_submitted_id_that_is_no_id_is_refused_on_its_field_not_a_500(editor_client, sco, india, submitted):
    event = editor_client.post(add_url(), {**membership_post(india, builders.source()), "subject": submitted, "source": submitted})
    entity = editor_client.post(reverse("admin:events_entity_add"), {"name": "X", "slug": "x", "type": "city", "country": submitted})

    assert (event.status_code, entity.status_code) == (200, 200)
    assert {"subject", "source"} <= set(event.context["form"].errors) and "country" in entity.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_the_stores_subject_type_refusal_lands_on_the_subject_field(editor_client, sco):
    person = builders.entity("someone", "person")

    response = editor_client.post(add_url(), membership_post(person, builders.source()))

    assert "is about a state, not a person" in response.context["form"].errors["subject"][0]
    assert not Event.objects.exists()


def test_an_unknown_kind_goes_back_to_choosing_one(editor_client, sco):
    response = editor_client.get(add_url("membership.stat"))

    assert response.status_code == 200 and "kind" in response.context["form"].errors


# --- Correct… ---

def test_the_correct_action_opens_a_form_prefilled_from_the_event(editor_client, sco, india):
    event = builders.membership(india, "observer", "2005-07", confidence=0.7)

    response = editor_client.post(
        reverse("admin:events_event_changelist"), {"action": "correct_selected", "_selected_action": [event.pk]}
    )
    form_page = editor_client.get(response.url)

    assert response.url == reverse("admin:events_event_correct", args=[event.pk])
    initial = form_page.context["form"].initial
    assert (initial["payload_status"], initial["date"], initial["confidence"]) == ("observer", "2005-07", 0.7)


def test_the_correct_action_wants_exactly_one_event(editor_client, sco, india):
    events = [builders.membership(india, "observer", "2005"), builders.membership(india, "member", "2017")]

    response = editor_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "correct_selected", "_selected_action": [e.pk for e in events]}, follow=True,
    )

    assert "Choose exactly one event to correct." in response.content.decode()


def test_a_correction_needs_a_note_saying_what_it_fixes(editor_client, sco, india):
    event = builders.membership(india, "observer", "2005-07")
    url = reverse("admin:events_event_correct", args=[event.pk])

    response = editor_client.post(url, membership_post(india, event.source, payload_status="observer", date="2005-07-05"))

    assert "note" in response.context["form"].errors
    assert Event.objects.count() == 1


def test_a_correction_appends_an_event_that_corrects_the_original(editor_client, sco, india):
    event = builders.membership(india, "observer", "2005-07")
    url = reverse("admin:events_event_correct", args=[event.pk])

    response = editor_client.post(url, membership_post(
        india, event.source, payload_status="observer", date="2005-07-05", note="the day is in the Astana declaration",
    ))

    correction = Event.objects.get(corrects=event)
    assert response.url == reverse("admin:events_event_change", args=[correction.pk])
    assert (str(correction.date), correction.recorded_by, correction.note) == (
        "2005-07-05", "edith", "the day is in the Astana declaration",
    )


def test_correcting_an_event_already_corrected_is_refused_in_the_page(editor_client, sco, india):
    event = builders.membership(india, "observer", "2005-07")
    builders.membership(india, "observer", "2005-07-05", corrects=event, note="day")
    url = reverse("admin:events_event_correct", args=[event.pk])

    response = editor_client.post(url, membership_post(india, event.source, payload_status="observer", note="again"))

    assert "already corrected" in response.content.decode()
    assert Event.objects.count() == 2


# --- Retract… ---

def test_the_retract_action_asks_for_a_reason_first(editor_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    response = editor_client.post(
        reverse("admin:events_event_changelist"), {"action": "retract_selected", "_selected_action": [event.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].fields
    assert f"#{event.seq}" in response.content.decode()
    assert Event.objects.count() == 1


def test_retracting_with_a_reason_appends_a_retraction_by_the_editor(editor_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")
    url = reverse("admin:events_event_retract") + f"?ids={event.pk}"

    response = editor_client.post(url, {"reason": "misread the source"})

    retraction = Event.objects.get(retracts=event)
    assert response.status_code == 302
    assert (retraction.kind, retraction.payload, retraction.recorded_by) == (
        "retraction", {"reason": "misread the source"}, "edith",
    )


def test_retracting_without_a_reason_is_refused(editor_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    response = editor_client.post(reverse("admin:events_event_retract") + f"?ids={event.pk}", {"reason": "  "})

    assert "reason" in response.context["form"].errors
    assert Event.objects.count() == 1


def test_retracting_twice_shows_the_error_in_the_page_and_writes_nothing(editor_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")
    url = reverse("admin:events_event_retract") + f"?ids={event.pk}"
    editor_client.post(url, {"reason": "misread"})

    response = editor_client.post(url, {"reason": "misread, again"})

    assert response.status_code == 200
    assert "is already retracted" in response.content.decode()
    assert "Nothing was retracted." in response.content.decode()
    assert Event.objects.filter(kind="retraction").count() == 1


def test_retracting_several_events_is_all_or_nothing(editor_client, sco, india):
    first = builders.membership(india, "observer", "2005-07")
    second = builders.membership(india, "member", "2017-06-09")
    editor_client.post(reverse("admin:events_event_retract") + f"?ids={second.pk}", {"reason": "wrong"})

    response = editor_client.post(
        reverse("admin:events_event_retract") + f"?ids={first.pk}&ids={second.pk}", {"reason": "both wrong"}
    )

    assert f"event #{second.seq} is already retracted" in response.content.decode()
    assert str(second.pk) not in response.content.decode().split('id="retract-form"')[1]  # named by seq
    assert not Event.objects.filter(retracts=first).exists()
