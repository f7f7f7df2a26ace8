"""The event form is built from the kind registry, and the store's refusals map onto its fields."""
from __future__ import annotations

import pytest
from django.contrib import admin

from events.admin.forms import PAYLOAD_FIELDS, EventForm, addable_kinds, show_store_error
from events.domain.errors import ConflictError, ValidationError
from events.domain.kinds import KINDS, FieldType, get_kind

pytestmark = pytest.mark.django_db


def form_for(kind: str, org, data=None, **kwargs) -> EventForm:
    return EventForm(data, kind=get_kind(kind), organisation=org, admin_site=admin.site, **kwargs)


def test_every_payload_field_type_has_a_form_field():
    assert set(PAYLOAD_FIELDS) == set(FieldType)


@pytest.mark.parametrize("kind", [k.name for k in addable_kinds()])
def test_each_kind_gets_one_form_field_per_declared_payload_field(sco, kind):
    form = form_for(kind, sco)

    assert form.payload_field_names() == [f"payload_{spec.name}" for spec in KINDS[kind].fields]
    assert list(form.fields)[: 1 + len(KINDS[kind].fields)] == ["subject", *form.payload_field_names()]


def test_retractions_are_not_added_directly():
    assert "retraction" not in {k.name for k in addable_kinds()}


def test_vocabulary_choices_come_from_the_organisation_rows(sco):
    sco.statuses.create(slug="guest", plural="guests", label="guest attendee", label_plural="guests", order=9)

    choices = dict(form_for("membership.status", sco).fields["payload_status"].choices)

    assert choices["guest"] == "guest attendee" and "member" in choices


def test_optional_fields_left_empty_are_left_out_of_the_payload(sco, india):
    form = form_for("membership.status", sco, {"payload_status": "member", "payload_observed": ""})
    form.is_valid()

    assert form.payload() == {"status": "member"}


def test_a_payload_path_error_lands_on_its_field_and_others_above_the_form(sco):
    form = form_for("membership.status", sco, {})
    form.is_valid()

    show_store_error(form, ValidationError({"payload.status": ["'x' is not a status of sco"], "recorded_by": ["is required"]}))

    assert "'x' is not a status of sco" in form.errors["payload_status"]
    assert "recorded_by: is required" in form.non_field_errors()


def test_a_conflict_is_shown_above_the_form(sco):
    form = form_for("membership.status", sco, {})
    form.is_valid()

    show_store_error(form, ConflictError("event 1 is already retracted"))

    assert form.non_field_errors() == ["event 1 is already retracted"]
