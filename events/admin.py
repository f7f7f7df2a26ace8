"""The editor's workplace. Events are add-only here; nothing offers change or delete."""
from django.contrib import admin

from .models import Entity, EntityAlias, Event, MeetingType, Office, Organisation, Source, Status


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
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]
    inlines = [StatusInline, OfficeInline, MeetingTypeInline]


class AliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 1


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "iso3", "slug"]
    list_filter = ["type"]
    search_fields = ["name", "slug", "iso3", "aliases__name"]
    inlines = [AliasInline]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "kind", "publisher", "reliability"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "publisher", "url"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["seq", "kind", "subject", "date_earliest", "date_precision", "confidence", "source", "recorded_by"]
    list_filter = ["kind", "organisation"]
    search_fields = ["subject__name", "source__title", "note"]
    list_select_related = ["subject", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
