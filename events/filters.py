"""FilterSets shared by the API and the feeds: one declaration of what can be filtered.

Valid-time filters meet partial dates by overlap: an event dated "2017" (1 January to
31 December) matches `occurred_after=2017-06-01`, because it may have happened then.
"""
from __future__ import annotations

import django_filters
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from .kinds import KINDS
from .models import Entity, Event, Organisation, Source
from .queries import mentioning


class EventFilterSet(django_filters.FilterSet):
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
    recorded_after = django_filters.IsoDateTimeFilter(field_name="recorded_at", lookup_expr="gte")
    recorded_before = django_filters.IsoDateTimeFilter(field_name="recorded_at", lookup_expr="lte")
    min_confidence = django_filters.NumberFilter(field_name="confidence", lookup_expr="gte")
    source = django_filters.ModelChoiceFilter(
        field_name="source", to_field_name="key", queryset=Source.objects.all(), help_text="Source key."
    )
    q = django_filters.CharFilter(method="filter_text", help_text="Text in the subject, payload, note, locator or source.")
    include_retracted = django_filters.BooleanFilter(
        method="filter_retracted", help_text="Include events that have been retracted (default: false)."
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_entity(self, queryset, name, value):
        entity = Entity.objects.filter(Q(slug=value.lower()) | Q(iso3=value.upper())).first()
        if entity is None:
            return queryset.none()
        return queryset.filter(mentioning(entity))

    def filter_text(self, queryset, name, value):
        return queryset.annotate(payload_text=Cast("payload", TextField())).filter(
            Q(subject__name__icontains=value)
            | Q(payload_text__icontains=value)
            | Q(note__icontains=value)
            | Q(locator__icontains=value)
            | Q(source__title__icontains=value)
        )

    def filter_retracted(self, queryset, name, value):
        return queryset if value else queryset.filter(retractions__isnull=True)

    @property
    def qs(self):
        events = super().qs
        if self.form.cleaned_data.get("include_retracted") is None:
            events = self.filter_retracted(events, "include_retracted", False)
        return events
