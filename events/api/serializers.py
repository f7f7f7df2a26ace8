"""What the API reads from requests and writes in responses.

Events are rendered by `event_documents` (events.documents.event_document over `event_rows`
tuples read through events.records), shared by the list and the detail: the hot path has no
per-object serializer. `EventDocument` declares the same shape for the OpenAPI schema, and a
test keeps the two in step.
Request bodies are strict: an unknown field is refused, never silently dropped.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from rest_framework import serializers

from events import queries, records
from events.documents import event_document
from events.domain.kinds import KINDS
from events.models import Entity, Event, Organisation, Source

# Built once: the ORM takes longer to build this subquery than the database takes to run it for a page.
_AMENDED = Exists(Event.objects.filter(Q(corrects=OuterRef("pk")) | Q(retracts=OuterRef("pk"))))
AMENDED = len(records.COLUMNS) + len(records.SHOWN_COLUMNS)  # the position of `amended` in a row


def event_rows(events: QuerySet[Event]) -> QuerySet:
    """The events as tuples of the records' columns, what they reference by name, and `amended` (whether
    any event corrects or retracts it).

    Filtering the result further keeps its columns (filters that need more use `alias`, not
    `annotate`), so a list can start from rows built once and clone them per request.
    """
    return events.annotate(amended=_AMENDED).values_list(*records.COLUMNS, *records.SHOWN_COLUMNS, "amended")


def event_documents(rows: Iterable[tuple], detail_prefix: str) -> list[dict[str, Any]]:
    """Event documents from `event_rows`, linked both ways to their corrections and retractions.

    Only events that have been corrected or retracted cost a second query, one for the whole page.
    """
    shown = [(records.row_from(row), row[AMENDED]) for row in rows]
    amendments = queries.amendments_of([row.record.id for row, amended in shown if amended])
    return [
        event_document(row, f"{detail_prefix}{row.record.id}/", amendments.get(row.record.id, NO_AMENDMENTS))
        for row, _ in shown
    ]


NO_AMENDMENTS: dict[str, list[UUID]] = {"corrected_by": [], "retracted_by": []}


class SubjectDocument(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=Entity.Type.choices)
    iso3 = serializers.CharField(allow_null=True)


class SourceReference(serializers.Serializer):
    key = serializers.SlugField()
    title = serializers.CharField()


class EventDocument(serializers.Serializer):
    """Declares what `event_documents` returns (for the schema; never instantiated on the hot path)."""

    id = serializers.UUIDField()
    url = serializers.URLField()
    seq = serializers.IntegerField(help_text="Global transaction order: strictly increasing.")
    organisation = serializers.SlugField()
    kind = serializers.ChoiceField(choices=list(KINDS))
    subject = SubjectDocument()
    payload = serializers.DictField(help_text="The kind's fields (see /api/kinds/).")
    date = serializers.CharField(help_text="The partial date at its precision: YYYY, YYYY-MM or YYYY-MM-DD.")
    date_earliest = serializers.DateField(help_text="The first day the date can mean.")
    date_latest = serializers.DateField(help_text="The last day the date can mean.")
    date_precision = serializers.ChoiceField(choices=["day", "month", "year"])
    source = SourceReference()
    locator = serializers.CharField(allow_blank=True, help_text="Where in the source: line, paragraph, page.")
    confidence = serializers.FloatField(min_value=0, max_value=1)
    note = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()
    corrects = serializers.UUIDField(allow_null=True, help_text="The event this one replaces.")
    retracts = serializers.UUIDField(allow_null=True, help_text="The event this one withdraws.")
    corrected_by = serializers.ListField(child=serializers.UUIDField(), help_text="Events that replace this one.")
    retracted_by = serializers.ListField(child=serializers.UUIDField(), help_text="Events that withdraw this one.")


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (no mass assignment)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["is not a field of this request"] for name in unknown})
        return super().to_internal_value(data)


class AppendRequest(StrictSerializer):
    organisation = serializers.SlugField(help_text="Organisation slug, e.g. sco.")
    kind = serializers.CharField(help_text="A kind from /api/kinds/.")
    subject = serializers.CharField(help_text="Slug of the entity the event is about.")
    payload = serializers.DictField(help_text="The kind's fields, e.g. {\"status\": \"member\"}.")
    date = serializers.CharField(help_text="Partial date: YYYY, YYYY-MM or YYYY-MM-DD.")
    source = serializers.CharField(help_text="Source key.")
    confidence = serializers.FloatField(help_text="From 0 to 1.")
    locator = serializers.CharField(required=False, allow_blank=True, max_length=255)
    note = serializers.CharField(required=False, allow_blank=True)


class CorrectRequest(StrictSerializer):
    """What a correction changes; fields left out are carried over from the corrected event."""

    note = serializers.CharField(help_text="What the correction fixes.")
    kind = serializers.CharField(required=False)
    subject = serializers.CharField(required=False)
    payload = serializers.DictField(required=False)
    date = serializers.CharField(required=False)
    source = serializers.CharField(required=False)
    confidence = serializers.FloatField(required=False)
    locator = serializers.CharField(required=False, allow_blank=True, max_length=255)


class RetractRequest(StrictSerializer):
    reason = serializers.CharField(help_text="Why the event is withdrawn.")
    source = serializers.CharField(required=False, help_text="Source key of the retraction (default: editorial).")


class SourceSerializer(serializers.ModelSerializer):
    published = serializers.SerializerMethodField(help_text="Partial date: YYYY, YYYY-MM or YYYY-MM-DD.")

    class Meta:
        model = Source
        fields = ["key", "title", "publisher", "url", "published", "kind", "reliability", "content_hash"]

    def get_published(self, source: Source) -> str | None:
        return str(source.published) if source.published else None


class EntitySerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Entity
        fields = ["slug", "name", "type", "iso3", "country", "aliases"]


class VocabularyEntry(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()


class StatusEntry(VocabularyEntry):
    plural = serializers.SlugField(help_text="The key of this status's list in /api/state/.")


class OfficeEntry(VocabularyEntry):
    key = serializers.SlugField(help_text="The key of this office in /api/state/.")
    holder = serializers.CharField(help_text="Who holds it: a state or a person.")


class OrganisationSerializer(serializers.ModelSerializer):
    statuses = StatusEntry(many=True, read_only=True)
    offices = OfficeEntry(many=True, read_only=True)
    meeting_types = VocabularyEntry(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "short_name", "description", "statuses", "offices", "meeting_types"]


def kind_document(name: str) -> dict[str, Any]:
    kind = KINDS[name]
    return {
        "name": kind.name,
        "label": kind.label,
        "subject_types": sorted(t.value for t in kind.subject_types),
        "fields": [
            {"name": f.name, "type": f.type.value, "required": f.required, "nullable": f.nullable} for f in kind.fields
        ],
    }


class KindField(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    nullable = serializers.BooleanField()


class KindDocument(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    subject_types = serializers.ListField(child=serializers.ChoiceField(choices=Entity.Type.choices))
    fields = KindField(many=True)


class EntityHistoryDocument(serializers.Serializer):
    entity = EntitySerializer()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EventDocument(many=True)
