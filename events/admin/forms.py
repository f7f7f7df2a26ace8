"""The admin's forms: an event form built from the kind registry, retraction, the state query, sources.

Forms parse what an editor typed and hand it to events.store; the store's refusals come
back as form errors on the field they name (`payload.status` -> the status field).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError as NotAValue
from django.db import transaction

from events import store
from events.domain.dates import InvalidDate, PartialDate, parse_day, parse_moment
from events.domain.errors import EventError, ValidationError
from events.domain.kinds import KINDS, FieldType, Kind, PayloadField
from events.models import Entity, Event, Organisation, Source

PARTIAL_DATE_HELP = "As written in the source: YYYY, YYYY-MM or YYYY-MM-DD."
# The status choice meaning "no status": the state has left the organisation.
NO_STATUS = "-"
PAYLOAD_PREFIX = "payload_"


def addable_kinds() -> list[Kind]:
    """Kinds an editor records directly; retractions come from the Retract action."""
    return [kind for kind in KINDS.values() if not kind.copies_target]


def show_store_error(form: forms.Form, exc: EventError, aliases: Mapping[str, str] | None = None) -> None:
    """Put the store's refusal on the form: each field path on its field, the rest above the form."""
    if not isinstance(exc, ValidationError):
        form.add_error(None, by_seq(str(exc)))
        return
    for path, messages in exc.errors.items():
        messages = [by_seq(message) for message in messages]
        name = (aliases or {}).get(path, path.replace("payload.", PAYLOAD_PREFIX, 1))
        if name in form.fields:
            form.add_error(name, messages)
        else:
            form.add_error(None, [f"{path}: {message}" for message in messages])


_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)


def by_seq(message: str) -> str:
    """The store names events by id; editors know them by seq (#12), as the event list shows them."""
    ids = set(_UUID.findall(message))
    if not ids:
        return message
    seqs = {str(id): seq for id, seq in Event.objects.filter(id__in=ids).values_list("id", "seq")}
    return _UUID.sub(lambda found: f"#{seqs[found[0].lower()]}" if found[0].lower() in seqs else found[0], message)


class Autocomplete(AutocompleteSelect):
    """Django's autocomplete select, except that a refused form whose submitted id is no id at all (":",
    or a number no column holds) shows the field empty: Django's own widget looks the value up with a
    query that fails on it (a 500)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if _chosen(self.choices.field, v)], attr)


def _chosen(field: forms.ModelChoiceField, value) -> bool:
    """Whether the value names a row the field offers (its own lookup, which refuses what is no id)."""
    try:
        return field.to_python(value) is not None
    except NotAValue:
        return False


def autocomplete(field: forms.ModelChoiceField, event_field: str, admin_site) -> None:
    """Pick the value by searching its admin (Entity, Source), as autocomplete_fields does for Event's FKs."""
    field.widget = Autocomplete(Event._meta.get_field(event_field), admin_site)
    field.widget.choices = field.choices


def _vocabulary_field(rows, spec: PayloadField, extra: tuple[tuple[str, str], ...] = ()) -> forms.ChoiceField:
    choices = [("", "---------"), *extra, *((row.slug, row.label) for row in rows)]
    return forms.ChoiceField(choices=choices, required=spec.required)


def _status_field(spec: PayloadField, organisation: Organisation) -> forms.Field:
    left = ((NO_STATUS, "no status (has left)"),) if spec.nullable else ()
    return _vocabulary_field(organisation.statuses.all(), spec, left)


# One form field per payload field type: a new type is one entry here.
PAYLOAD_FIELDS: dict[FieldType, Callable[[PayloadField, Organisation], forms.Field]] = {
    FieldType.STATUS: _status_field,
    FieldType.OFFICE: lambda spec, org: _vocabulary_field(org.offices.all(), spec),
    FieldType.MEETING_TYPE: lambda spec, org: _vocabulary_field(org.meeting_types.all(), spec),
    FieldType.TEXT: lambda spec, org: forms.CharField(max_length=spec.max_length, required=spec.required),
    FieldType.BOOL: lambda spec, org: forms.BooleanField(required=False),
    FieldType.PARTIAL_DATE: lambda spec, org: forms.CharField(
        max_length=10, required=spec.required, help_text=PARTIAL_DATE_HELP
    ),
    FieldType.PLACE: lambda spec, org: forms.ModelChoiceField(
        Entity.objects.filter(type=Entity.Type.PLACE), to_field_name="slug", required=spec.required
    ),
}


def _payload_value(spec: PayloadField, value: Any) -> Any:
    if isinstance(value, Entity):
        return value.slug
    if value == NO_STATUS and spec.nullable:
        return None
    return value


def _initial_value(spec: PayloadField, value: Any) -> Any:
    return NO_STATUS if value is None and spec.nullable else value


def payload_display(kind: Kind, organisation: Organisation, payload: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) per payload field, values shown as the form offers them ("Secretary-General")."""
    rows = []
    for spec in kind.fields:
        if spec.name in payload:
            field = PAYLOAD_FIELDS[spec.type](spec, organisation)
            labels = dict(field.choices) if type(field) is forms.ChoiceField else {}
            value = _initial_value(spec, payload[spec.name])
            rows.append((spec.name.replace("_", " ").capitalize(), labels.get(value, value)))
    return rows


class KindChoiceForm(forms.Form):
    """Step one of adding an event: which organisation, which kind."""

    organisation = forms.ModelChoiceField(Organisation.objects.all(), to_field_name="slug", empty_label=None)
    kind = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.name, f"{kind.label} ({kind.name})") for kind in addable_kinds()]


class EventForm(forms.Form):
    """The fields every event has, plus the payload fields its kind declares.

    With `correcting`, the form is prefilled from that event, a note is required, and
    recording it appends a correction.
    """

    subject = forms.ModelChoiceField(Entity.objects.all())
    date = forms.CharField(max_length=10, help_text=PARTIAL_DATE_HELP)
    source = forms.ModelChoiceField(Source.objects.all())
    locator = forms.CharField(max_length=255, required=False, help_text="Where in the source: line, paragraph, page.")
    confidence = forms.FloatField(
        widget=forms.NumberInput(attrs={"step": "0.05"}), help_text="From 0 to 1: how sure the source makes us."
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, kind: Kind, organisation: Organisation, admin_site,
                 correcting: Event | None = None, **kwargs: Any) -> None:
        self.kind, self.organisation, self.correcting = kind, organisation, correcting
        if correcting is not None:
            kwargs.setdefault("initial", self._initial_from(correcting))
        super().__init__(*args, **kwargs)
        for name in ("subject", "source"):
            autocomplete(self.fields[name], name, admin_site)
        self.fields["subject"].help_text = "A " + " or ".join(sorted(t.value for t in kind.subject_types)) + "."
        for spec in kind.fields:
            field = PAYLOAD_FIELDS[spec.type](spec, organisation)
            field.label = spec.name.replace("_", " ").capitalize()
            self.fields[PAYLOAD_PREFIX + spec.name] = field
        if correcting is not None:
            self.fields["note"].required = True
            self.fields["note"].help_text = "Say what this correction fixes."
        self.order_fields(["subject", *self.payload_field_names()])

    def payload_field_names(self) -> list[str]:
        return [PAYLOAD_PREFIX + spec.name for spec in self.kind.fields]

    def _initial_from(self, event: Event) -> dict[str, Any]:
        initial = {
            "subject": event.subject_id, "date": str(event.date), "source": event.source_id,
            "locator": event.locator, "confidence": event.confidence,
        }
        for spec in self.kind.fields:
            if spec.name in event.payload:
                initial[PAYLOAD_PREFIX + spec.name] = _initial_value(spec, event.payload[spec.name])
        return initial

    def payload(self) -> dict[str, Any]:
        """The payload as the store takes it; optional fields left empty are left out."""
        payload = {}
        for spec in self.kind.fields:
            value = self.cleaned_data.get(PAYLOAD_PREFIX + spec.name)
            if value in (None, "", False) and not spec.required:
                continue
            payload[spec.name] = _payload_value(spec, value)
        return payload

    def record(self, recorded_by: str) -> Event | None:
        """Append (or, when correcting, correct); on refusal the errors go on the form and None is returned."""
        fields = {
            "organisation": self.organisation, "kind": self.kind.name, "payload": self.payload(),
            **{name: self.cleaned_data[name] for name in ("subject", "date", "source", "locator", "confidence", "note")},
        }
        try:
            if self.correcting is not None:
                return store.correct(event=self.correcting, recorded_by=recorded_by, **fields)
            return store.append(**fields, recorded_by=recorded_by)
        except EventError as exc:
            show_store_error(self, exc)
            return None


class RetractForm(forms.Form):
    """Why the selected events are withdrawn; all of them are retracted, or none."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=500)
    source = forms.ModelChoiceField(
        Source.objects.all(), required=False,
        help_text="What shows the events were wrong; leave empty for an editorial decision.",
    )

    def __init__(self, *args: Any, events: list[Event], admin_site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events = events
        autocomplete(self.fields["source"], "source", admin_site)

    def record(self, recorded_by: str) -> list[Event] | None:
        try:
            with transaction.atomic():
                return [
                    store.retract(
                        event=event, reason=self.cleaned_data["reason"], recorded_by=recorded_by,
                        source=self.cleaned_data["source"],
                    )
                    for event in self.events
                ]
        except EventError as exc:
            show_store_error(self, exc, {"payload.reason": "reason"})
            return None


class DayField(forms.DateField):
    """A day, YYYY-MM-DD, read as the CLI, the API and the pages read it."""

    def to_python(self, value: Any) -> date | None:
        return None if value in self.empty_values else _read(parse_day, value)


class MomentField(forms.DateTimeField):
    """An ISO datetime (UTC when naive), or a day meaning its end, as the CLI's --known-at."""

    def to_python(self, value: Any) -> datetime | None:
        return None if value in self.empty_values else _read(parse_moment, value)


def _read(parse: Callable[[str], Any], value: str) -> Any:
    try:
        return parse(value)
    except InvalidDate as exc:
        raise forms.ValidationError(str(exc), code="invalid") from None


class StateQueryForm(forms.Form):
    """The state page's question: which organisation, on which day, as known when."""

    org = forms.ModelChoiceField(
        Organisation.objects.all(), to_field_name="slug", required=False, empty_label=None, label="Organisation"
    )
    at = DayField(label="On", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    known_at = MomentField(
        label="As known at", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty for what we know now.",
    )


class SourceForm(forms.ModelForm):
    """A source with its publication date typed as a partial date instead of three columns."""

    published = forms.CharField(max_length=10, required=False, help_text=PARTIAL_DATE_HELP)

    class Meta:
        model = Source
        fields = ["key", "title", "publisher", "url", "published", "kind", "reliability"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.published is not None:
            self.initial["published"] = str(self.instance.published)

    def clean_published(self) -> PartialDate | None:
        text = self.cleaned_data["published"]
        try:
            return PartialDate.parse(text) if text else None
        except InvalidDate as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_reliability(self) -> float:
        value = self.cleaned_data["reliability"]
        if not 0.0 <= value <= 1.0:
            raise forms.ValidationError(f"{value} is not between 0 and 1")
        return value

    def save(self, commit: bool = True) -> Source:
        self.instance.published = self.cleaned_data["published"]
        return super().save(commit)
