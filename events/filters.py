"""FilterSets shared by the API and the feeds: one declaration of what can be filtered.

Valid-time filters meet partial dates by overlap: an event dated "2017" (1 January to
31 December) matches `occurred_after=2017-06-01`, because it may have happened then.
Every ordering ends with `seq`, so it is total and a cursor can resume from any event.
"""
from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast

from .domain.kinds import KINDS
from .models import Entity, Event, Organisation, Source
from .queries import entity_by_reference, mentioning

# Public ordering name -> the model fields it sorts by; the last field is unique.
EVENT_ORDERINGS: dict[str, tuple[str, ...]] = {
    "seq": ("seq",),
    "-seq": ("-seq",),
    "occurred": ("date_earliest", "seq"),
    "-occurred": ("-date_earliest", "-seq"),
}


# Built once (each query resolves its own copy): building it took longer than running it.
_NOT_RETRACTED = ~Exists(Event.objects.filter(retracts=OuterRef("pk")))


class FilterSet(django_filters.FilterSet):
    """Builds its form class once per declaration (django-filter builds one per request); each form
    still gets its own copies of the fields, as every Django form does."""

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


def _invalid(message: str, value) -> forms.ValidationError:
    """The value goes in as a parameter: django-filter %-formats every message, so a "%" in a message is an error."""
    return forms.ValidationError(message, code="invalid", params={"value": repr(value)})


class UTCMomentField(django_filters.fields.IsoDateTimeField):
    """An ISO datetime, turned to UTC here: an offset can carry it off the calendar (0001-01-01T00:00+05:00)."""

    def to_python(self, value):
        moment = super().to_python(value)
        try:
            return None if moment is None else moment.astimezone(datetime.timezone.utc)
        except OverflowError:
            raise _invalid("%(value)s is outside the calendar in UTC", value) from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCMomentField


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); empty is not given; anything else is refused (NullBooleanField reads it as "not given")."""

    widget = forms.TextInput  # NullBooleanSelect turns an unknown value into None before it can be refused

    def to_python(self, value):
        text = "" if value is None else str(value).strip().lower()
        if text in ("", "true", "1", "false", "0"):
            return {"": None, "true": True, "1": True, "false": False, "0": False}[text]
        raise _invalid("%(value)s is not true or false", str(value)[:40])

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class EventFilterSet(FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=[(name, name) for name in KINDS], help_text="One or more kinds (repeat the parameter)."
    )
    entity = django_filters.CharFilter(
        method="filter_entity", help_text="Slug or ISO3 code; matches the subject and entities named in the payload."
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisation", to_field_name="slug", queryset=Organisation.objects.all(), help_text="Organisation slug."
    )
    occurred_after = django_filters.DateFilter(
        field_name="date_latest", lookup_expr="gte",
        help_text="Events that may have happened on or after this day (a partial date's window overlaps).",
    )
    occurred_before = django_filters.DateFilter(
        field_name="date_earliest", lookup_expr="lte",
        help_text="Events that may have happened on or before this day (a partial date's window overlaps).",
    )
    recorded_after = MomentFilter(field_name="recorded_at", lookup_expr="gte")
    recorded_before = MomentFilter(field_name="recorded_at", lookup_expr="lte")
    min_confidence = django_filters.NumberFilter(field_name="confidence", lookup_expr="gte")
    source = django_filters.ModelChoiceFilter(
        field_name="source", to_field_name="key", queryset=Source.objects.all(), help_text="Source key."
    )
    q = django_filters.CharFilter(method="filter_text", help_text="Text in the subject, payload, note, locator or source.")
    include_retracted = StrictBooleanFilter(
        method="filter_retracted", help_text="Include events that have been retracted (default: false)."
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(name, name) for name in EVENT_ORDERINGS], method="filter_ordering", empty_label=None,
        help_text="seq (transaction order, the default), -seq, occurred (valid time, then seq) or -occurred.",
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_entity(self, queryset, name, value):
        entity = entity_by_reference(value)
        if entity is None:
            return queryset.none()
        return queryset.filter(mentioning(entity))

    def filter_text(self, queryset, name, value):
        # alias, not annotate: the API filters rows already narrowed to its columns (event_rows).
        return queryset.alias(payload_text=Cast("payload", TextField())).filter(
            Q(subject__name__icontains=value)
            | Q(payload_text__icontains=value)
            | Q(note__icontains=value)
            | Q(locator__icontains=value)
            | Q(source__title__icontains=value)
        )

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*EVENT_ORDERINGS[value])

    def filter_retracted(self, queryset, name, value):
        # NOT EXISTS rather than a LEFT JOIN ... IS NULL: PostgreSQL plans it as an anti-join and
        # walks the seq index for a page, instead of hashing the whole log.
        return queryset if value else queryset.filter(_NOT_RETRACTED)

    @property
    def qs(self):
        events = super().qs
        if self.form.cleaned_data.get("include_retracted") is None:
            events = self.filter_retracted(events, "include_retracted", False)
        return events


class SourceFilterSet(FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices, help_text="One or more source kinds.")
    q = django_filters.CharFilter(method="filter_text", help_text="Text in the key, title, publisher or URL.")
    min_reliability = django_filters.NumberFilter(field_name="reliability", lookup_expr="gte")

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(key__icontains=value) | Q(title__icontains=value) | Q(publisher__icontains=value) | Q(url__icontains=value)
        )


class EntityFilterSet(FilterSet):
    type = django_filters.MultipleChoiceFilter(choices=Entity.Type.choices, help_text="One or more entity types.")
    q = django_filters.CharFilter(method="filter_text", help_text="Text in the name, slug, ISO3 code or an alias.")

    class Meta:
        model = Entity
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        matches = Q(name__icontains=value) | Q(slug__icontains=value) | Q(iso3__iexact=value)
        aliased = Entity.objects.filter(aliases__name__icontains=value).values("pk")
        return queryset.filter(matches | Q(pk__in=aliased))
