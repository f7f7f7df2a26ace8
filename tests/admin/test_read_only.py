"""Events are read-only in the admin for everyone, superusers included: no change, no delete, anywhere."""
from __future__ import annotations

import pytest
from django.urls import reverse

from events import store
from events.models import Event
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "secret-pw"))
    return client


def test_an_events_page_has_no_form_that_saves_even_for_a_superuser(superuser_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    page = superuser_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    content = page.split('id="content-main"', 1)[1]  # the page itself, not the header's log-out form
    assert "<form" not in content and "<input" not in content
    assert "Delete" not in content


def test_posting_to_an_events_page_changes_nothing(superuser_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    response = superuser_client.post(
        reverse("admin:events_event_change", args=[event.pk]), {"confidence": "0.1", "_save": "Save"}
    )

    assert response.status_code == 405
    assert Event.objects.get().confidence == 0.9


def test_the_delete_page_is_refused_even_to_a_superuser(superuser_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")
    url = reverse("admin:events_event_delete", args=[event.pk])

    assert superuser_client.get(url).status_code == 403
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert Event.objects.count() == 1


def test_the_list_offers_no_delete_action(superuser_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    response = superuser_client.get(reverse("admin:events_event_changelist"))
    refused = superuser_client.post(
        reverse("admin:events_event_changelist"), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )

    actions = dict(response.context["action_form"].fields["action"].choices)
    assert set(actions) == {"", "correct_selected", "retract_selected"}
    assert refused.status_code in (200, 302) and Event.objects.count() == 1


def test_an_events_page_shows_its_corrections_retractions_and_links_to_them(superuser_client, sco, india):
    original = builders.membership(india, "observer", "2005")
    correction = builders.membership(india, "observer", "2005-07", corrects=original, note="the month is known")
    store.retract(event=correction, reason="wrong month", recorded_by="root")

    original_page = superuser_client.get(reverse("admin:events_event_change", args=[original.pk])).content.decode()
    correction_page = superuser_client.get(reverse("admin:events_event_change", args=[correction.pk])).content.decode()

    assert "Corrections" in original_page and "the month is known" in original_page
    assert reverse("admin:events_event_change", args=[correction.pk]) in original_page
    assert "In force" in original_page  # its correction was retracted, so the original stands again
    assert "Retractions" in correction_page and "wrong month" in correction_page
    assert "Retracted" in correction_page
    assert 'id="correct-link"' not in correction_page and 'id="retract-link"' not in correction_page


def test_an_unknown_or_malformed_event_id_is_not_found(superuser_client, sco):
    for object_id in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        assert superuser_client.get(reverse("admin:events_event_change", args=[object_id])).status_code == 404
