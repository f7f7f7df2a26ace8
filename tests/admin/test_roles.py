"""Roles: the Editors group made by a migration has exactly the rights editors need; viewers read only."""
from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from events.models import Entity, EntityAlias, Event, Source
from tests import builders

pytestmark = pytest.mark.django_db

editors_migration = importlib.import_module("events.migrations.0004_editors_group")


def test_the_editors_group_has_exactly_the_rights_editors_need():
    granted = Group.objects.get(name="Editors").permissions
    rights = set(granted.filter(content_type__app_label="events").values_list("codename", flat=True))

    assert rights == {
        "view_organisation", "view_status", "view_office", "view_meetingtype",
        "view_event", "add_event", "correct_event", "retract_event",
        "view_source", "add_source", "change_source",
        "view_entity", "add_entity", "change_entity",
        "view_entityalias", "add_entityalias", "change_entityalias",
    }
    assert not {r for r in rights if r.startswith("delete_")} and "change_event" not in rights
    review = set(granted.filter(content_type__app_label="ingest").values_list("codename", flat=True))
    assert review == {"view_document", "add_document", "view_candidate", "view_upload"}


def test_the_migration_reverses_and_reapplies_cleanly():
    editors_migration.remove_editors(apps, None)
    assert not Group.objects.filter(name="Editors").exists()

    editors_migration.create_editors(apps, None)
    editors_migration.create_editors(apps, None)  # idempotent

    assert Group.objects.get(name="Editors").permissions.filter(content_type__app_label="events").count() == 17


def _recording_urls(event: Event) -> list[str]:
    return [
        reverse("admin:events_event_add"),
        reverse("admin:events_event_add") + "?organisation=sco&kind=membership.status",
        reverse("admin:events_event_correct", args=[event.pk]),
        reverse("admin:events_event_retract") + f"?ids={event.pk}",
    ]


def test_a_viewer_is_refused_every_way_of_recording(viewer_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")
    post = {"subject": india.pk, "payload_status": "observer", "date": "2005", "source": event.source_id,
            "confidence": "1", "note": "x", "reason": "x"}

    for url in _recording_urls(event):
        assert viewer_client.get(url).status_code == 403, url
        assert viewer_client.post(url, post).status_code == 403, url

    assert Event.objects.count() == 1


def test_a_viewer_can_read_the_list_an_event_and_the_state_but_is_offered_no_action(viewer_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    listing = viewer_client.get(reverse("admin:events_event_changelist"))
    page = viewer_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert listing.status_code == 200 and page.status_code == 200
    assert listing.context["action_form"] is None  # no actions, so no checkboxes either
    assert 'id="correct-link"' not in page.content.decode()
    assert viewer_client.get(reverse("admin:events_state")).status_code == 200


def test_an_editor_is_offered_correct_and_retract_on_an_event(editor_client, sco, india):
    event = builders.membership(india, "member", "2017-06-09")

    page = editor_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert reverse("admin:events_event_correct", args=[event.pk]) in page
    assert reverse("admin:events_event_retract") in page


def test_an_editor_adds_a_source_with_a_partial_publication_date(editor_client):
    response = editor_client.post(reverse("admin:events_source_add"), {
        "key": "astana-declaration", "title": "Astana Declaration", "publisher": "SCO", "url": "",
        "published": "2005-07", "kind": "official", "reliability": "0.95",
    })

    source = Source.objects.get(key="astana-declaration")
    assert response.status_code == 302
    assert (source.published.display(), source.published_precision) == ("July 2005", "month")


def test_a_source_with_an_impossible_date_or_reliability_is_refused(editor_client):
    response = editor_client.post(reverse("admin:events_source_add"), {
        "key": "bad", "title": "Bad", "published": "2017-02-30", "kind": "news", "reliability": "1.5",
    })

    errors = response.context["adminform"].form.errors
    assert "published" in errors and "reliability" in errors
    assert not Source.objects.filter(key="bad").exists()


def test_an_editor_edits_an_entity_and_its_aliases_but_deletes_nothing(editor_client):
    india = builders.state("india", "IND", "India")
    url = reverse("admin:events_entity_change", args=[india.pk])

    response = editor_client.post(url, {
        "name": "India", "slug": "india", "type": "state", "iso3": "IND", "country": "",
        "aliases-TOTAL_FORMS": "1", "aliases-INITIAL_FORMS": "0",
        "aliases-0-name": "Republic of India", "aliases-0-kind": "alias", "aliases-0-entity": india.pk,
    })

    assert response.status_code == 302
    assert list(EntityAlias.objects.values_list("name", flat=True)) == ["Republic of India"]
    assert editor_client.post(reverse("admin:events_entity_delete", args=[india.pk]), {"post": "yes"}).status_code == 403
    assert Entity.objects.filter(pk=india.pk).exists()


def test_an_editor_reads_but_does_not_change_the_organisations_vocabulary(editor_client, sco):
    url = reverse("admin:events_organisation_change", args=[sco.pk])

    assert editor_client.get(url).status_code == 200
    assert editor_client.post(url, {"slug": "sco", "name": "Renamed"}).status_code == 403
