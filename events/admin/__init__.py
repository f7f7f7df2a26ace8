"""The editor's workplace: organisations, entities, sources, and the add-only event log.

Events are never changed or deleted here, by anyone: an event's page is read-only, and the
only writes are the add form and the Correct… and Retract… actions, all through events.store.
The pages themselves live in admin/views.py, the forms in admin/forms.py.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError as BadValue
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import path, reverse

from events.filters import EventFilterSet
from events.models import Entity, EntityAlias, Event, MeetingType, Office, Organisation, Source, Status

from . import views
from .forms import Autocomplete, SourceForm


class AutocompleteAdmin(admin.ModelAdmin):
    """Its autocomplete_fields use Autocomplete, which re-renders a refused form whatever id was submitted."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = Autocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StatusInline(admin.TabularInline):
    model = Status
    extra = 0


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 0


class MeetingTypeInline(admin.TabularInline):
    model = MeetingType
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AutocompleteAdmin):
    list_display = ["slug", "name", "short_name"]
    search_fields = ["slug", "name", "short_name"]
    autocomplete_fields = ["entity"]
    inlines = [StatusInline, OfficeInline, MeetingTypeInline]


class AliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 1


@admin.register(Entity)
class EntityAdmin(AutocompleteAdmin):
    list_display = ["name", "type", "iso3", "slug", "country"]
    list_filter = ["type"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "iso3", "aliases__name"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["key", "title", "kind", "publisher", "published_display", "reliability"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "publisher", "url"]

    @admin.display(description="published", ordering="published_earliest")
    def published_display(self, source: Source) -> str:
        return source.published.display() if source.published else "—"


class ConfidenceBandFilter(admin.SimpleListFilter):
    title = "confidence"
    parameter_name = "confidence_band"
    # (value, label, lowest included, highest excluded)
    BANDS = (
        ("high", "0.9 and above", 0.9, None),
        ("medium", "0.6 to under 0.9", 0.6, 0.9),
        ("low", "under 0.6", None, 0.6),
    )

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _, _ in self.BANDS]

    def queryset(self, request, queryset):
        for value, _, low, high in self.BANDS:
            if self.value() == value:
                if low is not None:
                    queryset = queryset.filter(confidence__gte=low)
                if high is not None:
                    queryset = queryset.filter(confidence__lt=high)
        return queryset


class RetractedFilter(admin.SimpleListFilter):
    title = "retracted"
    parameter_name = "retracted"

    def lookups(self, request, model_admin):
        return [("no", "No"), ("yes", "Yes")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_retracted=self.value() == "yes")
        return queryset


class DateRangeFilter(admin.ListFilter):
    """Events that may have happened within a range of days: a partial date's window overlaps it.

    The overlap rule is the one the API and the feeds use, read from EventFilterSet.
    """

    title = "date"
    template = "admin/events/event/date_range_filter.html"
    parameters = ("occurred_after", "occurred_before")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.errors = {}
        for name in self.parameters:
            if name in params:
                text = params.pop(name)[-1]
                self.used_parameters[name] = text
                field = EventFilterSet.base_filters[name].field
                try:
                    self.used_parameters[name] = field.clean(text) if text else None
                except BadValue as exc:
                    self.errors[name] = "; ".join(exc.messages)
                    self.used_parameters[name] = None

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def queryset(self, request, queryset):
        for name, value in self.used_parameters.items():
            if value is not None:
                queryset = EventFilterSet.base_filters[name].filter(queryset, value)
        return queryset

    def choices(self, changelist):
        others = {k: v for k, v in changelist.params.items() if k not in self.parameters}
        values = {name: changelist.params.get(name, "") for name in self.parameters}
        yield {"others": others, "values": values, "errors": self.errors}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "seq", "kind", "subject", "date_as_written", "assertion", "confidence", "source", "recorded_by", "record",
    ]
    list_display_links = ["seq", "kind"]
    list_filter = [
        "kind", "organisation", ("subject", admin.RelatedOnlyFieldListFilter),
        ("source", admin.RelatedOnlyFieldListFilter), ConfidenceBandFilter, DateRangeFilter, RetractedFilter,
    ]
    list_select_related = ["organisation", "subject", "source"]
    search_fields = [
        "subject__name", "subject__slug", "subject__iso3", "payload", "note", "locator",
        "source__title", "source__key", "recorded_by",
    ]
    ordering = ["-seq"]
    list_per_page = 100
    actions = ["correct_selected", "retract_selected"]

    # --- the record is append-only: no change, no delete, for anyone ---

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_correct_permission(self, request, obj=None):
        return request.user.has_perm("events.correct_event")

    def has_retract_permission(self, request, obj=None):
        return request.user.has_perm("events.retract_event")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # --- the list ---

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            is_retracted=Exists(Event.objects.filter(retracts=OuterRef("pk"))),
            is_corrected=Exists(Event.objects.filter(corrects=OuterRef("pk"), retractions__isnull=True)),
        )

    @admin.display(description="date", ordering="date_earliest")
    def date_as_written(self, event: Event) -> str:
        return event.date.display()

    @admin.display(description="assertion")
    def assertion(self, event: Event) -> str:
        return " ".join(f"{key}={value}" for key, value in event.payload.items()) or "—"

    @admin.display(description="record")
    def record(self, event: Event) -> str:
        if event.is_retracted:
            return "retracted"
        return "corrected" if event.is_corrected else "in force"

    # --- actions: both lead to a page of their own, where the editor says what and why ---

    @admin.action(description="Correct…", permissions=["correct"])
    def correct_selected(self, request, queryset):
        if len(chosen := list(queryset[:2])) != 1:
            self.message_user(request, "Choose exactly one event to correct.", messages.WARNING)
            return None
        return redirect(reverse("admin:events_event_correct", args=[chosen[0].pk]))

    @admin.action(description="Retract…", permissions=["retract"])
    def retract_selected(self, request, queryset):
        return redirect(views.retract_url(queryset.order_by("seq")))

    # --- pages ---

    def get_urls(self):
        own = [
            path("state/", self.admin_site.admin_view(self.state_view), name="events_state"),
            path("conflicts/", self.admin_site.admin_view(self.conflicts_view), name="events_conflicts"),
            path("retract/", self.admin_site.admin_view(self.retract_view), name="events_event_retract"),
            path("<uuid:object_id>/correct/", self.admin_site.admin_view(self.correct_view), name="events_event_correct"),
        ]
        return own + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return views.add_event(request, self)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.event_page(request, self, object_id)

    def correct_view(self, request, object_id):
        return views.correct_event(request, self, object_id)

    def retract_view(self, request):
        return views.retract_events(request, self)

    def state_view(self, request):
        return views.state_page(request, self)

    def conflicts_view(self, request):
        return views.conflicts_page(request, self)
